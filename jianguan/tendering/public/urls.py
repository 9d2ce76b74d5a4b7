"""Tender notices anyone may open without logging in."""

from django.urls import path

from jianguan.tendering.public import views

app_name = "public_tenders"

urlpatterns = [
    path("", views.tender_list, name="list"),
    path("<str:code>/", views.tender_detail, name="detail"),
    path("<str:code>/print/", views.tender_print, name="print"),
    path("<str:code>/documents/<int:pk>/", views.document_download, name="document"),
]
