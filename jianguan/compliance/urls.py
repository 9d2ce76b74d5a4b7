from django.urls import path

from jianguan.compliance import views, views_credit, views_sanctions

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
    path("orders/<int:pk>/files/<str:kind>/<int:file_id>/", views.order_file, name="order_file"),
    path("credit/", views_credit.index, name="credit"),
    path("credit/organisations/<int:pk>/", views_credit.organisation, name="credit_organisation"),
    path("credit/persons/<int:pk>/", views_credit.person, name="credit_person"),
    path("credit/records/", views_credit.record_add, name="credit_record_add"),
    path("credit/records/<int:pk>/end/", views_credit.record_end, name="credit_record_end"),
    path("sanctions/", views_sanctions.index, name="sanctions"),
    path("sanctions/issue/", views_sanctions.issue, name="sanction_issue"),
    path("sanctions/<int:pk>/", views_sanctions.detail, name="sanction"),
    path("sanctions/<int:pk>/act/", views_sanctions.act, name="sanction_act"),
    path("sanctions/<int:pk>/notice.pdf", views_sanctions.notice_pdf, name="sanction_pdf"),
]
