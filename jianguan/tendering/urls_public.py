"""Tender notices anyone may open without logging in."""

from django.urls import path

from jianguan.tendering import views_public

app_name = "public_tenders"

urlpatterns = [
    path("", views_public.tender_list, name="list"),
    path("<str:code>/", views_public.tender_detail, name="detail"),
    path("<str:code>/print/", views_public.tender_print, name="print"),
    path("<str:code>/documents/<int:pk>/", views_public.document_download, name="document"),
]
