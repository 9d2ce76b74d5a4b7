"""Signed-in tendering pages (the writes go through /api/v1/tendering from bid.js)."""

from django.urls import path

from jianguan.tendering import views

app_name = "tendering"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.tender_detail, name="tender"),
    path("<int:pk>/bid/", views.bid_page, name="bid"),
    path("bids/<int:pk>/unseal/", views.unseal_page, name="unseal"),
]
