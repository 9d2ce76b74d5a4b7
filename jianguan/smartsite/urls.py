"""The smart site's pages: each sub-domain's own urls, under /smartsite/."""

from django.urls import include, path

app_name = "smartsite"

urlpatterns = [
    path("", include("jianguan.smartsite.images.urls")),
    path("", include("jianguan.smartsite.alerts.urls")),
    path("", include("jianguan.smartsite.monitors.urls")),
    path("", include("jianguan.smartsite.workers.urls")),
    path("", include("jianguan.smartsite.wages.urls")),
]
