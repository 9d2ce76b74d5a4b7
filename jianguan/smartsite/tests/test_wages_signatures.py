"""Each worker signs its own line of the payroll (第三十一条): the GC's labour officer records the
signature, fingerprint or face confirmation with its time, or the worker's dispute; the sheet
is paid only when every line with pay is signed or disputed, and a disputed line not at all
until its worker signs. The paper-sheet upload still signs whatever is waiting."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.core.todo import todo_for
from jianguan.ledger.models import LedgerEntry
from jianguan.smartsite.tests.wages_helpers import wsite  # noqa: F401
from jianguan.smartsite.wages import services, workflow
from jianguan.smartsite.wages.models import Payroll, PayrollLine
from jianguan.smartsite.wages.signatures import services as signature_services


def _confirmed(s):
    payroll = services.payroll_draft(
        actor=s["actors"]["gc"],
        project=s["project"],
        employer=s["orgs"]["labour"],
        month=s["month"],
    )
    return services.payroll_confirm(actor=s["actors"]["labour"], payroll=payroll)


def _workers(s) -> list[int]:
    return [w.pk for w, _c in s["workers"]]


def _pay(s, payroll, worker_id, amount):
    return services.wage_pay(
        actor=s["actors"]["gc"],
        payroll=payroll,
        worker_id=worker_id,
        amount=amount,
        paid_on=today_local(),
        bank_reference=f"B-{worker_id}",
    )


def test_each_worker_signs_and_a_dispute_keeps_its_line_unpaid(
    wsite,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    s, gc = wsite, wsite["actors"]["gc"]
    payroll = _confirmed(s)
    a, b, c = _workers(s)
    line = signature_services.payroll_line_sign(
        actor=gc, payroll=payroll, worker_id=a, method="fingerprint"
    )
    assert line.sign_status == workflow.LINE_SIGNED and line.signed_at and line.signed_on
    assert (
        line.signature_recorded_by == "gc_officer"
        and line.get_sign_method_display() == "按指纹确认"
    )
    signature_services.payroll_line_sign(actor=gc, payroll=payroll, worker_id=b, method="signature")
    payroll.refresh_from_db()
    assert payroll.status == workflow.CONFIRMED  # one worker still to sign
    with pytest.raises(ValidationFailed) as e:
        _pay(s, payroll, a, "1")
    assert e.value.code == "not_signed" and "1名工人" in e.value.message
    with django_capture_on_commit_callbacks(execute=True):
        signature_services.payroll_line_dispute(
            actor=gc, payroll=payroll, worker_id=c, reason="出勤天数少记一天"
        )
    payroll.refresh_from_db()
    assert payroll.status == workflow.SIGNED  # every line signed or disputed: ready to pay
    _pay(s, payroll, a, "1050")
    with pytest.raises(ValidationFailed) as e:
        _pay(s, payroll, c, "1")
    assert e.value.code == "line_disputed"
    # the dispute reaches the regulator (inbox and to-do) and the employer
    from jianguan.workbench.notifications.models import Notification

    told = set(Notification.objects.filter(kind="smartsite.wage_dispute").values_list(
        "user_id", flat=True
    ))  # fmt: skip
    assert {s["actors"]["regulator"].user_id, s["actors"]["labour"].user_id} <= told
    assert s["actors"]["other_labour"].user_id not in told
    items = [i for i in todo_for(s["actors"]["regulator"], today_local())
             if i.kind == "smartsite.wage_dispute"]  # fmt: skip
    assert len(items) == 1 and "出勤天数少记一天" in items[0].title
    assert not [i for i in todo_for(gc, today_local()) if i.kind == "smartsite.wage_dispute"]
    # settled: the worker signs after all, and is paid
    signature_services.payroll_line_sign(actor=gc, payroll=payroll, worker_id=c, method="face")
    for worker_id in (b, c):
        owed = PayrollLine.objects.get(payroll=payroll, worker_id=worker_id).owed
        _pay(s, payroll, worker_id, owed)
    assert Payroll.objects.get(pk=payroll.pk).status == workflow.PAID
    types = list(LedgerEntry.objects.values_list("type", flat=True))
    assert types.count("smartsite.payroll_line_signed") == 3
    assert types.count("smartsite.payroll_line_disputed") == 1


def test_the_paper_sheet_signs_the_lines_still_waiting(wsite):  # noqa: F811
    s, gc = wsite, wsite["actors"]["gc"]
    payroll = _confirmed(s)
    a, b, c = _workers(s)
    signature_services.payroll_line_dispute(actor=gc, payroll=payroll, worker_id=a, reason="不符")
    services.payroll_signatures_record(
        actor=gc,
        payroll=payroll,
        sheet=SimpleUploadedFile("s.pdf", b"%PDF-1.4\n% sheet\n", "application/pdf"),
    )
    statuses = dict(
        PayrollLine.objects.filter(payroll=payroll).values_list("worker_id", "sign_status")
    )
    assert statuses == {a: "disputed", b: "signed", c: "signed"}
    assert Payroll.objects.get(pk=payroll.pk).status == workflow.SIGNED


def test_bad_input_and_who_may_record(wsite):  # noqa: F811
    s, gc = wsite, wsite["actors"]["gc"]
    draft = services.payroll_draft(
        actor=gc, project=s["project"], employer=s["orgs"]["labour"], month=s["month"]
    )
    a, b, _c = _workers(s)
    with pytest.raises(ValidationFailed) as e:  # before the employer confirms
        signature_services.payroll_line_sign(actor=gc, payroll=draft, worker_id=a, method="face")
    assert e.value.code == "not_confirmed"
    payroll = services.payroll_confirm(actor=s["actors"]["labour"], payroll=draft)
    with pytest.raises(ValidationFailed) as e:
        signature_services.payroll_line_sign(actor=gc, payroll=payroll, worker_id=a, method="x")
    assert e.value.code == "bad_method"
    with pytest.raises(NotFound):
        signature_services.payroll_line_sign(
            actor=gc, payroll=payroll, worker_id=999_999, method="signature"
        )
    with pytest.raises(ValidationFailed) as e:
        signature_services.payroll_line_dispute(actor=gc, payroll=payroll, worker_id=a, reason=" ")
    assert e.value.code == "bad_reason"
    for who in ("labour", "other_gc", "regulator", "owner"):
        with pytest.raises(PermissionDenied):
            signature_services.payroll_line_sign(
                actor=s["actors"][who], payroll=payroll, worker_id=a, method="signature"
            )
    assert not PayrollLine.objects.filter(payroll=payroll).exclude(sign_status="pending").exists()
    signature_services.payroll_line_sign(actor=gc, payroll=payroll, worker_id=a, method="signature")
    with pytest.raises(ValidationFailed) as e:
        signature_services.payroll_line_sign(actor=gc, payroll=payroll, worker_id=a, method="face")
    assert e.value.code == "line_signed"
    with pytest.raises(ValidationFailed) as e:
        signature_services.payroll_line_dispute(
            actor=gc, payroll=payroll, worker_id=a, reason="晚了"
        )
    assert e.value.code == "line_state"
    assert PayrollLine.objects.get(payroll=payroll, worker_id=b).sign_status == "pending"


def test_the_payroll_page_and_the_api(login, client, bearer, wsite):  # noqa: F811
    s = wsite
    payroll = _confirmed(s)
    a, b, c = _workers(s)
    page = f"/smartsite/payrolls/{payroll.pk}/"
    gc_client = login(s["actors"]["gc"])
    text = gc_client.get(page).content.decode()
    assert text.count('name="method"') == 3 and "登记异议" in text
    r = gc_client.post(f"{page}lines/sign/", {"worker": a, "method": "fingerprint"})
    assert r.status_code == 302
    r = gc_client.post(f"{page}lines/dispute/", {"worker": b, "reason": ""})
    assert r.status_code == 400
    r = gc_client.post(f"{page}lines/sign/", {"worker": a, "method": "signature"})
    assert r.status_code == 400 and "无需重复登记" in r.content.decode()
    labour = login(s["actors"]["labour"])
    assert 'name="method"' not in labour.get(page).content.decode()
    assert labour.post(f"{page}lines/sign/", {"worker": b, "method": "face"}).status_code == 403
    text = login(s["actors"]["owner"]).get(page).content.decode()
    assert "按指纹确认" in text and "待本人签字" in text
    # the API
    base = f"/api/v1/smartsite/projects/{s['project'].pk}/payrolls/{payroll.pk}/lines"
    gc = bearer(s["actors"]["gc"])

    def post(path, body, headers):
        return client.post(path, data=json.dumps(body), content_type="application/json",
                           headers=headers)  # fmt: skip

    r = post(f"{base}/{b}/dispute", {"reason": "工资标准不对"}, gc)
    assert r.status_code == 200, r.content
    line = {ln["worker_id"]: ln for ln in r.json()["lines"]}[b]
    assert line["sign_status_label"] == "有异议" and line["dispute_reason"] == "工资标准不对"
    r = post(f"{base}/{c}/signature", {"method": "face"}, gc)
    assert r.status_code == 200 and r.json()["status"] == workflow.SIGNED
    r = post(f"{base}/{c}/signature", {"method": "face"}, gc)
    assert r.status_code == 400 and r.json()["code"] == "line_signed"
    r = post(f"{base}/{a}/signature", {"method": "scribble"}, gc)
    assert r.status_code in (400, 422)
    r = post(f"{base}/{b}/signature", {"method": "face"}, bearer(s["actors"]["labour"]))
    assert r.status_code == 403
    r = post(f"{base}/{b}/signature", {"method": "face"}, bearer(s["actors"]["other_gc"]))
    assert r.status_code == 404
