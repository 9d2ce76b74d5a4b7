from django.urls import path

from jianguan.web import guide, help_views, views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("help/", help_views.help_index, name="help"),
    path("help/<slug:module>/", help_views.help_module, name="help_module"),
    path("guide/dismiss/", guide.dismiss, name="guide_dismiss"),
]
