"""Bad input to the application and the review: Chinese messages, stable codes, nothing
half-written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.accounts.models import Organisation, OrganisationApplication
from jianguan.accounts.onboarding import services
from jianguan.accounts.onboarding.demo import LICENCE_PDF
from jianguan.accounts.onboarding.todo import applications_to_review
from jianguan.accounts.tests.factories import OrganisationFactory, _code
from jianguan.core.actor import ANONYMOUS
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def submit(n: int = 1, address: str = "10.0.0.1", licence=None, **overrides):
    fields = {
        "name": f"北京测试申请单位{n}",
        "kind": "general_contractor",
        "credit_code": _code(5000 + n),
        "legal_representative": "张三",
        "admin_name": "李四",
        "admin_phone": "13800000000",
        "admin_email": f"admin{n}@example.cn",
    }
    fields.update(overrides)
    upload = licence or SimpleUploadedFile("l.pdf", LICENCE_PDF, "application/pdf")
    return services.application_submit(
        actor=ANONYMOUS, client_address=address, licence=upload, **fields
    )


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"credit_code": "91110115MA00000000"}, "credit_code", "invalid_credit_code"),
        ({"kind": "regulator"}, "kind", "validation_error"),
        ({"kind": "finance_bureau"}, "kind", "validation_error"),
        ({"name": " "}, "name", "validation_error"),
        ({"legal_representative": ""}, "legal_representative", "validation_error"),
        ({"admin_phone": "010-6000"}, "admin_phone", "validation_error"),
        ({"admin_email": "not-an-address"}, "admin_email", "validation_error"),
    ],
)
def test_each_bad_field_is_named_in_chinese_and_nothing_is_written(overrides, field, code):
    with pytest.raises(ValidationFailed) as caught:
        submit(**overrides)
    assert caught.value.code == code
    assert field in caught.value.details
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.details[field])
    assert not OrganisationApplication.objects.exists()
    assert not LedgerEntry.objects.filter(type__startswith="onboarding.").exists()


def test_the_licence_must_be_a_pdf_or_an_image():
    fake = SimpleUploadedFile("l.pdf", b"MZ\x90\x00not a pdf", "application/pdf")
    with pytest.raises(ValidationFailed) as caught:
        submit(licence=fake)
    assert caught.value.code == "bad_file_type" and "licence" in caught.value.details
    assert not OrganisationApplication.objects.exists()


def test_a_credit_code_already_on_the_platform_or_pending_is_refused():
    org = OrganisationFactory()
    with pytest.raises(ValidationFailed) as caught:
        submit(credit_code=org.credit_code)
    assert caught.value.code == "duplicate_credit_code"
    submit(1)
    with pytest.raises(ValidationFailed) as caught:
        submit(2, credit_code=_code(5001))
    assert caught.value.code == "duplicate_credit_code"
    assert OrganisationApplication.objects.count() == 1


def test_an_email_already_a_username_is_refused(make_persona):
    make_persona("taken@example.cn", "owner")
    with pytest.raises(ValidationFailed) as caught:
        submit(admin_email="Taken@Example.cn")
    assert "admin_email" in caught.value.details
    assert not OrganisationApplication.objects.exists()


def test_the_throttle_counts_new_applications_per_address():
    for n in range(services.APPLY_MAX_PER_HOUR):
        submit(n)
    with pytest.raises(services.Throttled) as caught:
        submit(99)
    assert caught.value.status == 429 and "频繁" in caught.value.message
    submit(98, address="10.0.0.2")  # another address is not held back


def test_numbers_are_per_day_and_the_secret_is_stored_hashed():
    first, token = submit(1)
    second, _ = submit(2)
    day = now().strftime("%Y%m%d")
    assert first.number == f"RZ{day}0001" and second.number == f"RZ{day}0002"
    assert token not in first.secret_hash
    assert services.application_by_secret(number=first.number, token=token) == first


def test_only_the_regulator_reviews(owner, regulator_staff):
    app, _ = submit()
    with pytest.raises(PermissionDenied):
        services.application_return(actor=owner, application=app, reasons="x")
    services.application_return(actor=regulator_staff, application=app, reasons="执照不清晰")
    with pytest.raises(ValidationFailed) as caught:
        services.application_approve(actor=regulator_staff, application=app)
    assert caught.value.code == "bad_state"


def test_a_return_without_reasons_is_refused(regulator):
    app, _ = submit()
    with pytest.raises(ValidationFailed) as caught:
        services.application_return(actor=regulator, application=app, reasons=" ")
    assert caught.value.code == "reasons_required"
    app.refresh_from_db()
    assert app.status == "submitted"


def test_approval_rolls_back_whole_when_the_username_was_taken_meanwhile(regulator, make_persona):
    app, _ = submit()
    make_persona(app.admin_email, "owner")  # someone took the e-mail as a username
    with pytest.raises(Conflict):
        services.application_approve(actor=regulator, application=app)
    app.refresh_from_db()
    assert app.status == "submitted"
    assert not Organisation.objects.filter(credit_code=app.credit_code).exists()


def test_resubmission_keeps_the_code_reserved_and_counts(regulator):
    app, token = submit()
    services.application_return(actor=regulator, application=app, reasons="补充地址")
    with pytest.raises(ValidationFailed):
        submit(2, credit_code=app.credit_code)
    fields = {k: getattr(app, k) for k in services.FIELDS}
    fields["address"] = "北京市大兴区黄村镇"
    again = services.application_resubmit(actor=ANONYMOUS, application=app, **fields)
    assert again.status == "submitted" and again.submissions == 2
    with pytest.raises(Conflict):
        services.application_resubmit(actor=ANONYMOUS, application=app, **fields)


def test_the_regulator_has_pending_applications_in_its_todo(regulator, owner):
    app, _ = submit()
    items = list(applications_to_review(regulator, now().date()))
    assert [i.kind for i in items] == ["accounts.application_review"]
    assert app.number in items[0].title
    assert list(applications_to_review(owner, now().date())) == []


def test_the_review_api(regulator, owner, bearer):
    from django.test import Client

    app, _ = submit()
    client = Client()
    listed = client.get("/api/v1/accounts/applications?status=submitted", headers=bearer(regulator))
    assert listed.status_code == 200 and listed.json()[0]["number"] == app.number
    assert client.get("/api/v1/accounts/applications", headers=bearer(owner)).status_code == 403
    bad = client.get("/api/v1/accounts/applications?status=nope", headers=bearer(regulator))
    assert bad.status_code in (400, 422)
    url = f"/api/v1/accounts/applications/{app.pk}/decision"
    refused = client.post(
        url, {"decision": "return"}, content_type="application/json", headers=bearer(regulator)
    )
    assert refused.status_code == 400 and refused.json()["code"] == "reasons_required"
    done = client.post(
        url, {"decision": "approve"}, content_type="application/json", headers=bearer(regulator)
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["application"]["status"] == "approved"
    assert "/accounts/reset/" in body["set_password_link"]
    again = client.post(
        url, {"decision": "approve"}, content_type="application/json", headers=bearer(regulator)
    )
    assert again.status_code == 400 and again.json()["code"] == "bad_state"
    assert client.get("/api/v1/me/logins", headers=bearer(owner)).json() == []
