"""Signed-in tendering pages (the writes go through /api/v1/tendering from bid.js)."""

from django.urls import include, path

from jianguan.tendering import views
from jianguan.tendering.bids import views as bid_views
from jianguan.tendering.collusion import views as views_collusion
from jianguan.tendering.entrustment import views as views_entrustment
from jianguan.tendering.manage import views as views_manage

app_name = "tendering"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views_manage.tender_new, name="new"),
    path("entrustments/", views_entrustment.entrustments, name="entrustments"),
    path(
        "entrustments/<int:pk>/withdraw/",
        views_entrustment.entrustment_withdraw,
        name="entrustment_withdraw",
    ),
    path(
        "entrustments/<int:pk>/contract/",
        views_entrustment.entrustment_contract,
        name="entrustment_contract",
    ),
    path("complaints/", include("jianguan.tendering.complaints.urls")),
    path("collusion/", views_collusion.index, name="collusion"),
    path("collusion/market/", views_collusion.market, name="collusion_market"),
    path("collusion/<int:pk>/", views_collusion.detail, name="collusion_detail"),
    path("<int:pk>/act/", views_manage.tender_act, name="act"),
    path("<int:pk>/", views.tender_detail, name="tender"),
    path("<int:pk>/bid/", views.bid_page, name="bid"),
    path("bids/<int:pk>/unseal/", views.unseal_page, name="unseal"),
    path("bids/<int:pk>/withdraw/", bid_views.bid_withdraw, name="bid_withdraw"),
]
