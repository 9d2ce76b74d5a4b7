from django.urls import path  # noqa: F401

from jianguan.workbench.notifications.urls import urlpatterns as notification_urls
from jianguan.workbench.search.urls import urlpatterns as search_urls

app_name = "workbench"

urlpatterns: list = [*notification_urls, *search_urls]
