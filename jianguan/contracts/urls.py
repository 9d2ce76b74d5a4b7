from django.urls import path

from jianguan.contracts import views
from jianguan.contracts.acceptance import views as views_acceptance
from jianguan.contracts.boq import views as views_boq
from jianguan.contracts.claims import views as views_claims
from jianguan.contracts.variations import views as views_variations

app_name = "contracts"

urlpatterns = [
    # register, contract pages, BoQ (boq/views.py), signing, subcontracts, ledger (views.py)
    path("", views.index, name="index"),
    path("export.xlsx", views.register_export, name="register_export"),
    path("new/", views.contract_new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/terms/", views.terms, name="terms"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/boq/", views_boq.boq, name="boq"),
    path("<int:pk>/boq/export.xlsx", views_boq.boq_export, name="boq_export"),
    path("<int:pk>/subcontracts/new/", views.subcontract_new, name="subcontract_new"),
    path("<int:pk>/ledger/", views.ledger, name="ledger"),
    path("<int:pk>/ledger/export.json", views.ledger_export, name="ledger_export"),
    # variations and site instructions (variations/views.py)
    path("<int:pk>/variations/", views_variations.variations, name="variations"),
    path("<int:pk>/variations/new/", views_variations.variation_new, name="variation_new"),
    path("variations/<int:vid>/", views_variations.variation, name="variation"),
    path(
        "variations/<int:vid>/decide/", views_variations.variation_decide, name="variation_decide"
    ),
    # acceptance (acceptance/views.py)
    path("<int:pk>/acceptance/", views_acceptance.acceptance, name="acceptance"),
    path(
        "acceptance/<int:aid>/self-check/",
        views_acceptance.self_check,
        name="acceptance_self_check",
    ),
    path("acceptance/<int:aid>/decide/", views_acceptance.decide, name="acceptance_decide"),
    # payment claims, double review, payments (claims/views.py)
    path("<int:pk>/claims/", views_claims.claims, name="claims"),
    path("<int:pk>/claims/new/", views_claims.claim_new, name="claim_new"),
    path("claims/<int:cid>/", views_claims.claim, name="claim"),
    path("claims/<int:cid>/submit/", views_claims.claim_submit, name="claim_submit"),
    path("claims/<int:cid>/review/", views_claims.claim_review, name="claim_review"),
    path("claims/<int:cid>/pay/", views_claims.claim_pay, name="claim_pay"),
    path("claims/<int:cid>/certificate.pdf", views_claims.certificate, name="claim_certificate"),
    path("worklist/", views_claims.worklist, name="worklist"),
]
