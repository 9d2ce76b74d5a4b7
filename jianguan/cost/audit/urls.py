app_name = "cost_audit"

urlpatterns: list = []
