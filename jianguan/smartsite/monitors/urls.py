from django.urls import path

from jianguan.smartsite.monitors import views

urlpatterns = [
    path("environment/projects/<int:pk>/devices/", views.devices, name="env_devices"),
    path("environment/projects/<int:pk>/devices/new/", views.device_add, name="env_device_add"),
    path("environment/devices/<int:pk>/status/", views.device_status, name="env_device_status"),
    path("environment/quarantine/", views.unknown, name="env_quarantine"),
]
