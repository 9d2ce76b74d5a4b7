from django.urls import path

from jianguan.cost.audit import views

app_name = "cost_audit"

urlpatterns = [
    path("", views.index, name="index"),
    path("accounts/<int:pk>/engage/", views.engage, name="engage"),
    path("<int:pk>/", views.audit_page, name="audit"),
    path("<int:pk>/lines/", views.lines, name="lines"),
    path("<int:pk>/cut/", views.cut, name="cut"),
    path("<int:pk>/cuts/upload/", views.cuts_upload, name="cuts_upload"),
    path("<int:pk>/review/submit/", views.review_submit, name="review_submit"),
    path("<int:pk>/respond/", views.respond, name="respond"),
    path("<int:pk>/meeting/", views.meeting, name="meeting"),
    path("<int:pk>/report/issue/", views.report_issue, name="report_issue"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/report.xlsx", views.report_excel, name="report_excel"),
]
