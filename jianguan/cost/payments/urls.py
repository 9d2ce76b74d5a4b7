from django.urls import path

from jianguan.cost.payments import views

app_name = "cost_payments"

urlpatterns = [
    path("contracts/<int:pk>/", views.contract_page, name="contract"),
    path("contracts/<int:pk>/act/", views.contract_act, name="contract_act"),
]
