from django.urls import path

from jianguan.cost.control import views

app_name = "cost_control"

urlpatterns = [
    path("", views.index, name="index"),
    path("district/", views.district, name="district"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/plan/", views.plan_post, name="plan"),
    path("projects/<int:pk>/payment-plan/", views.payment_plan_post, name="payment_plan"),
    path("projects/<int:pk>/tracking/", views.tracking, name="tracking"),
    path("projects/<int:pk>/engage/", views.engage_post, name="engage"),
    path("projects/<int:pk>/engage/end/", views.engage_end_post, name="engage_end"),
    path("projects/<int:pk>/opinions/", views.opinion_post, name="opinion_new"),
    path("opinions/<int:pk>/", views.opinion_page, name="opinion"),
    path("opinions/<int:pk>/answer/", views.opinion_answer_post, name="opinion_answer"),
    path("opinions/<int:pk>/close/", views.opinion_close_post, name="opinion_close"),
]
