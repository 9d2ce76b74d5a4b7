from django.urls import path  # noqa: F401

from jianguan.workbench.notifications.urls import urlpatterns as notification_urls

app_name = "workbench"

urlpatterns: list = [*notification_urls]
