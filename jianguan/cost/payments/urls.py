app_name = "cost_payments"

urlpatterns: list = []
