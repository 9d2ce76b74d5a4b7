"""Short public addresses printed on issued documents (the QR code's target)."""

from django.urls import path

from jianguan.ledger import views_documents

app_name = "documents"

urlpatterns = [path("<str:code>/", views_documents.document_verify, name="verify")]
