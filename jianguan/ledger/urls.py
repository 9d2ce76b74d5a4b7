from django.urls import path

from jianguan.ledger import views

app_name = "ledger"

urlpatterns = [path("", views.ledger_home, name="ledger_home")]
