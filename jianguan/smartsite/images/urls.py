from django.urls import path

from jianguan.smartsite.images import views

urlpatterns = [
    path("projects/<int:pk>/site/", views.site_page, name="site_images"),
    path("projects/<int:pk>/site/upload/", views.upload, name="image_upload"),
    path("projects/<int:pk>/site/cameras/", views.camera_add, name="camera_add"),
    path("projects/<int:pk>/site/zones/", views.zone_add, name="zone_add"),
    path("cameras/<int:pk>/deactivate/", views.camera_deactivate, name="camera_deactivate"),
    path("zones/<int:pk>/remove/", views.zone_remove, name="zone_remove"),
    path("images/<int:pk>/<str:size>/", views.image_file, name="image_file"),
]
