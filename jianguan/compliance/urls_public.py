"""Public disclosure without login: cards, blacklist entries, procurement bans."""

from django.urls import path

from jianguan.compliance import views_sanctions

app_name = "public_sanctions"

urlpatterns = [
    path("", views_sanctions.public_list, name="list"),
]
