from django.urls import path

from jianguan.collab.rfis import views

app_name = "collab_rfis"

urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/new/", views.rfi_new, name="rfi_new"),
    path("projects/<int:pk>/submittals/", views.submittals_page, name="submittals"),
    path("rfis/<int:pk>/", views.rfi_page, name="rfi"),
    path("rfis/<int:pk>/act/", views.rfi_act, name="rfi_act"),
    path("rfis/<int:pk>/comment/", views.rfi_comment, name="rfi_comment"),
    path("rfis/<int:pk>/variation/", views.rfi_variation, name="rfi_variation"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("submittals/<int:pk>/", views.submittal_page, name="submittal"),
    path("submittals/<int:pk>/review/", views.submittal_review, name="submittal_review"),
    path("submittals/<int:pk>/resubmit/", views.submittal_resubmit, name="submittal_resubmit"),
    path("revisions/<int:pk>/<str:which>/", views.revision_file, name="revision_file"),
]
