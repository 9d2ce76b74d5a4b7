from django.urls import path

from jianguan.hazard import views

app_name = "hazard"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("candidates/<int:pk>/", views.candidate_page, name="candidate"),
    path("candidates/<int:pk>/act/", views.candidate_act, name="candidate_act"),
    path("images/<int:pk>/", views.image_page, name="image"),
    path("images/<int:pk>/rerun/", views.image_rerun, name="image_rerun"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/rule/", views.rule_set, name="rule_set"),
    path("cameras/<int:pk>/calibration/", views.calibration_set, name="calibration_set"),
]
