"""The public policy library (no login): published policies only; a draft is a 404."""

from django.urls import path

from jianguan.collab.policies import views_public

app_name = "collab_policies_public"

urlpatterns = [
    path("", views_public.public_list, name="list"),
    path("<int:pk>/", views_public.public_page, name="detail"),
    path("<int:pk>/attachments/<int:aid>/", views_public.public_attachment, name="attachment"),
]
