"""Pages anyone may open without logging in: published basic information only."""

from django.urls import path

from jianguan.projects import views_register

app_name = "public_projects"

urlpatterns = [
    path("", views_register.public_list, name="list"),
]
