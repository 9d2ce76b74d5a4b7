"""The wage pages, included by jianguan/smartsite/urls.py (namespace "smartsite")."""

from django.urls import path

from jianguan.smartsite.wages import views
from jianguan.smartsite.wages.arrears import views as arrears_views

urlpatterns = [
    path("projects/<int:pk>/wages/", views.project_wages, name="wages"),
    path("projects/<int:pk>/wages/account/", views.account_save, name="wage_account"),
    path("projects/<int:pk>/wages/rates/", views.rate_set, name="pay_rate"),
    path("projects/<int:pk>/wages/payrolls/", views.payroll_draft, name="payroll_draft"),
    path("projects/<int:pk>/wages/notice/", views.notice, name="wage_notice"),
    path("payrolls/<int:pk>/", views.payroll, name="payroll"),
    path("payrolls/<int:pk>/confirm/", views.payroll_confirm, name="payroll_confirm"),
    path("payrolls/<int:pk>/signatures/", views.payroll_sign, name="payroll_sign"),
    path("payrolls/<int:pk>/lines/sign/", views.payroll_line_sign, name="payroll_line_sign"),
    path(
        "payrolls/<int:pk>/lines/dispute/",
        views.payroll_line_dispute,
        name="payroll_line_dispute",
    ),
    path("payrolls/<int:pk>/pay/", views.payroll_pay, name="payroll_pay"),
    path("wage-arrears/<int:pk>/", arrears_views.arrears, name="wage_arrears"),
    path("wage-arrears/<int:pk>/decide/", arrears_views.arrears_decide, name="wage_arrears_decide"),
]
