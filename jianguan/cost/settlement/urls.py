app_name = "cost_settlement"

urlpatterns: list = []
