"""Wage arrears (欠薪): the scan for payrolls and months unpaid past their pay day, and the
regulator's confirmation or dismissal of a case (services.py), over the API (api.py) and on the
case's page (views.py)."""
