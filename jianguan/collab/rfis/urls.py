from django.urls import path  # noqa: F401

app_name = "collab_rfis"

urlpatterns: list = []
