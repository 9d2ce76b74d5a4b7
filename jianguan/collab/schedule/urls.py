from django.urls import path

from jianguan.collab.schedule import views

app_name = "collab_schedule"

urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:pk>/", views.gantt, name="gantt"),
    path("projects/<int:pk>/import/", views.import_file, name="import"),
    path("projects/<int:pk>/baseline/", views.baseline, name="baseline"),
    path("projects/<int:pk>/export.xml", views.export, name="export"),
    path("activities/<int:pk>/progress/", views.progress, name="progress"),
]
