from django.urls import path

from jianguan.experts import views

app_name = "experts"

urlpatterns = [
    path("", views.pool, name="pool"),
    path("committees/<int:pk>/", views.committee, name="committee"),
    path("committees/<int:pk>/act/", views.committee_act, name="committee_act"),
]
