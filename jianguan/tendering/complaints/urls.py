"""/tendering/complaints/…: included from `tendering/urls.py` under the `tendering` namespace."""

from django.urls import path

from jianguan.tendering.complaints import views

urlpatterns = [
    path("", views.complaint_list, name="complaints"),
    path("file/<int:pk>/", views.complaint_file, name="complaint_file"),
    path("<int:pk>/", views.complaint_detail, name="complaint"),
    path("<int:pk>/act/", views.complaint_act, name="complaint_act"),
]
