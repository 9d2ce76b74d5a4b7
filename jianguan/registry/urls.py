from django.urls import path

from jianguan.registry import views

app_name = "registry"

urlpatterns = [
    path("organisations/<int:pk>/", views.organisation_credentials, name="organisation"),
    path("organisations/<int:pk>/import/", views.organisation_import, name="import"),
    path("eligibility/", views.eligibility_page, name="eligibility"),
]
