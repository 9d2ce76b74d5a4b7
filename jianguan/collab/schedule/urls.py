from django.urls import path  # noqa: F401

app_name = "collab_schedule"

urlpatterns: list = []
