"""The 实名制 and attendance pages, included by jianguan/smartsite/urls.py (namespace
"smartsite")."""

from django.urls import path

from jianguan.smartsite.workers import views
from jianguan.smartsite.workers.blacklist import views as blacklist_views
from jianguan.smartsite.workers.records import views as records_views

urlpatterns = [
    path("", views.index, name="index"),
    path("workers/template.xlsx", views.import_template, name="import_template"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/workers/", views.worker_register, name="worker_register"),
    path("projects/<int:pk>/contracts/", views.contract_sign, name="contract_sign"),
    path("projects/<int:pk>/devices/", views.device_register, name="device_register"),
    path("projects/<int:pk>/alerts/close/", views.alert_close, name="alert_close"),
    path("projects/<int:pk>/import/", views.worker_import, name="import"),
    path("projects/<int:pk>/trainings/", records_views.training_record, name="training_record"),
    path("projects/<int:pk>/certificates/", records_views.certificate_add, name="certificate_add"),
    path("projects/<int:pk>/exit/", records_views.worker_exit, name="worker_exit"),
    path("projects/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("projects/<int:pk>/workers/<int:worker_id>/", views.worker, name="worker"),
    path("worker-blacklist/", blacklist_views.blacklist, name="worker_blacklist"),
    path(
        "worker-blacklist/<int:pk>/lift/",
        blacklist_views.blacklist_lift,
        name="worker_blacklist_lift",
    ),
]
