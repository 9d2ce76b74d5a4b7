"""Demo onboarding: one application waiting for the regulator and one returned for a clearer
licence scan, so that 入驻审核 and 我的待办 have work. Through the services; idempotent (by
credit code)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts.models import OrganisationApplication, User
from jianguan.accounts.onboarding import services
from jianguan.core.actor import ANONYMOUS

# A one-page PDF stands for the licence scan.
LICENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

APPLICATIONS = [
    # (name, kind, legal representative, administrator, phone, e-mail, returned with)
    (
        "北京兴盛建筑劳务有限公司",
        "labour_subcontractor",
        "马春来",
        "马晓雪",
        "13901010001",
        "maxiaoxue@xingsheng.example.cn",
        "",
    ),
    (
        "北京南中轴市政工程有限公司",
        "general_contractor",
        "孔德明",
        "孔令军",
        "13901010002",
        "konglingjun@nanzhongzhou.example.cn",
        "营业执照扫描件不清晰，无法核对法定代表人，请上传清晰的彩色扫描件后重新提交。",
    ),
]


def seed_applications() -> int:
    from jianguan.accounts.actors import actor_for
    from jianguan.accounts.demo import demo_credit_code

    regulator = User.objects.filter(username="regulator").first()
    for name, kind, legal, admin, phone, email, returned in APPLICATIONS:
        code = demo_credit_code(name, "91")
        if OrganisationApplication.objects.filter(credit_code=code).exists():
            continue
        app, _token = services.application_submit(
            actor=ANONYMOUS,
            client_address="demo",
            licence=SimpleUploadedFile("licence.pdf", LICENCE_PDF, "application/pdf"),
            name=name,
            kind=kind,
            credit_code=code,
            legal_representative=legal,
            address="北京市大兴区",
            admin_name=admin,
            admin_phone=phone,
            admin_email=email,
        )
        if returned and regulator is not None:
            services.application_return(
                actor=actor_for(regulator), application=app, reasons=returned
            )
    return len(APPLICATIONS)
