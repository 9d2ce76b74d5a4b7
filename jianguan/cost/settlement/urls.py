from django.urls import path

from jianguan.cost.settlement import views

app_name = "cost_settlement"

urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("contracts/<int:pk>/", views.contract_page, name="contract"),
    path("contracts/<int:pk>/act/", views.contract_act, name="contract_act"),
    path("accounts/<int:pk>/", views.account_page, name="account"),
    path("accounts/<int:pk>/act/", views.account_act, name="account_act"),
    path("accounts/<int:pk>/export.xlsx", views.account_export, name="account_export"),
    path("stages/<int:pk>/", views.stage_page, name="stage"),
    path("stages/<int:pk>/act/", views.stage_act, name="stage_act"),
]
