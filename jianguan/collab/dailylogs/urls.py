from django.urls import path

from jianguan.collab.dailylogs import views

app_name = "collab_dailylogs"

urlpatterns = [
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/new/", views.log_new, name="new"),
    path("logs/<int:pk>/", views.log_page, name="log"),
    path("logs/<int:pk>/edit/", views.log_edit, name="edit"),
    path("logs/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("logs/<int:pk>/photos/<int:photo>/", views.photo_file, name="photo"),
    path("logs/<int:pk>/sign/", views.log_sign, name="sign"),
    path("logs/<int:pk>/finding/", views.finding_raise, name="finding"),
]
