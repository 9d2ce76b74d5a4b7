from django.contrib import admin
from django.urls import include, path, re_path

from config.api import api
from jianguan.web import views as web_views

handler400 = "jianguan.web.views.bad_request"
handler403 = "jianguan.web.views.permission_denied"
handler404 = "jianguan.web.views.page_not_found"
handler500 = "jianguan.web.views.server_error"

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", web_views.api_not_found),
    path("admin/", admin.site.urls),
    path("accounts/", include("jianguan.accounts.urls")),
    path("registry/", include("jianguan.registry.urls")),
    path("rules/", include("jianguan.rules.urls")),
    path("ledger/", include("jianguan.ledger.urls")),
    path("v/", include("jianguan.ledger.urls_documents")),  # 扫码验真, printed on documents
    path("projects/", include("jianguan.projects.urls")),
    path("compliance/", include("jianguan.compliance.urls")),
    path("tendering/", include("jianguan.tendering.urls")),
    path("experts/", include("jianguan.experts.urls")),
    path("contracts/", include("jianguan.contracts.urls")),
    path("smartsite/", include("jianguan.smartsite.urls")),
    path("hazard/", include("jianguan.hazard.urls")),
    path("bim/", include("jianguan.bim.urls")),
    path("collab/tasks/", include("jianguan.collab.tasks.urls")),
    path("collab/schedule/", include("jianguan.collab.schedule.urls")),
    path("collab/documents/", include("jianguan.collab.documents.urls")),
    path("collab/rfis/", include("jianguan.collab.rfis.urls")),
    path("collab/dailylogs/", include("jianguan.collab.dailylogs.urls")),
    path("collab/policies/", include("jianguan.collab.policies.urls")),
    path("cost/payments/", include("jianguan.cost.payments.urls")),
    path("cost/settlement/", include("jianguan.cost.settlement.urls")),
    path("cost/audit/", include("jianguan.cost.audit.urls")),
    path("cost/control/", include("jianguan.cost.control.urls")),
    path("workbench/", include("jianguan.workbench.urls")),
    path("public/projects/", include("jianguan.projects.urls_public")),
    path("public/sanctions/", include("jianguan.compliance.urls_public")),
    path("public/tenders/", include("jianguan.tendering.public.urls")),
    path("public/policies/", include("jianguan.collab.policies.urls_public")),
    path("", include("jianguan.web.urls")),
]
