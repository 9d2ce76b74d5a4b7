from django.urls import path

from jianguan.compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/risk/", views.risk_assess, name="risk_assess"),
    path("projects/<int:pk>/risk/plan/", views.risk_plan, name="risk_plan"),
    path("projects/<int:pk>/inspections/", views.inspection_create, name="inspection_create"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/answer/", views.order_answer, name="order_answer"),
    path("orders/<int:pk>/reinspect/", views.order_reinspect, name="order_reinspect"),
    path("orders/<int:pk>/order.pdf", views.order_pdf, name="order_pdf"),
]
