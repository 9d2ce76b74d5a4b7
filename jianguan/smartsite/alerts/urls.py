from django.urls import path

from jianguan.smartsite.alerts import views

urlpatterns = [
    path("environment/", views.live, name="env_live"),
    path("environment/alerts/", views.live_alerts, name="env_live_alerts"),
    path("environment/projects/<int:pk>/", views.project_page, name="env_project"),
    path("environment/projects/<int:pk>/series.json", views.project_series, name="env_series"),
    path("environment/alerts/<int:pk>/", views.alert_page, name="env_alert"),
    path("environment/alerts/<int:pk>/act/", views.alert_act, name="env_alert_act"),
]
