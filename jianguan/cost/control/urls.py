app_name = "cost_control"

urlpatterns: list = []
