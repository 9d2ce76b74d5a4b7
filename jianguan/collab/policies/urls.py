from django.urls import path

from jianguan.collab.policies import views

app_name = "collab_policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_new, name="new"),
    path("<int:pk>/", views.policy_page, name="detail"),
    path("<int:pk>/edit/", views.policy_edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:aid>/", views.attachment_file, name="attachment"),
    path("<int:pk>/publish/", views.policy_publish, name="publish"),
    path("<int:pk>/repeal/", views.policy_repeal, name="repeal"),
    path("<int:pk>/acknowledge/", views.policy_acknowledge, name="acknowledge"),
    path("<int:pk>/tracking/", views.policy_tracking, name="tracking"),
]
