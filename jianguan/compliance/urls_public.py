"""Public disclosure without login: cards, blacklist entries, procurement bans, credit scores."""

from django.urls import path

from jianguan.compliance import views_credit, views_sanctions

app_name = "public_sanctions"

urlpatterns = [
    path("", views_sanctions.public_list, name="list"),
    path("scores/", views_credit.public_scores, name="scores"),
]
