from django.urls import path

from jianguan.rules import views

app_name = "rules"

urlpatterns = [
    path("", views.rule_list, name="rule_list"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/override/", views.calendar_override, name="calendar_override"),
]
