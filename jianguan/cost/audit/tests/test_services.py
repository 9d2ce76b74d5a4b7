"""The settlement audit end to end through its services, every figure checked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jianguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jianguan.cost.audit import services as svc
from jianguan.cost.audit import services_close as close
from jianguan.cost.audit import workflow as wf
from jianguan.cost.audit.models import AuditLineResult, SettlementAudit
from jianguan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def _lines(account):
    return {line.code: line for line in account.lines.all()}


def _engage(deal, account, who="owner"):
    return svc.audit_engage(
        actor=deal["actors"][who],
        account=account,
        firm=deal["orgs"]["auditor"],
        reference="京兴审委〔2026〕18号",
    )


def _reviews(audit):
    return {r.stage: r for r in audit.reviews.all()}


def test_journey_double_review_dispute_meeting_report(deal, account):
    a = deal["actors"]
    audit = _engage(deal, account)
    account.refresh_from_db()
    assert account.status == "in_audit"
    assert audit.state == wf.REVIEWING and audit.submitted_amount == Decimal("206000.00")
    L = _lines(account)
    r = _reviews(audit)
    # finance cuts two lines, the audit firm three (one the same line, lower)
    svc.cuts_set(
        actor=a["finance"],
        review=r["finance"],
        rows=[
            (L["010101001001"].pk, "95000.00", "工程量按竣工图重算"),
            (L["BG-001"].pk, "18000", "变更单价套用错误"),
        ],
    )
    svc.cuts_set(
        actor=a["auditor"],
        review=r["audit"],
        rows=[
            (L["010101001001"].pk, "92000.00", "土方运距核减"),
            (L["QZ-001"].pk, "6000.00", "签证无监理签字部分不计"),
            (L["KJ-001"].pk, "-2500.00", "甲供材扣款漏计"),
        ],
    )
    # independence: neither sees the other's drafts; the firm does not see finance's
    # submitted cuts before its own are in
    from jianguan.cost.audit.selectors import visible_reviews

    svc.review_submit(actor=a["finance"], review=r["finance"], opinion="同意按审定金额结算")
    assert [x.stage for x in visible_reviews(a["auditor"], audit)] == ["audit"]
    assert [x.stage for x in visible_reviews(a["finance"], audit)] == ["finance"]
    assert [x.stage for x in visible_reviews(a["contractor"], audit)] == ["finance"]
    svc.review_submit(actor=a["auditor"], review=r["audit"])
    assert {x.stage for x in visible_reviews(a["auditor"], audit)} == {"audit", "finance"}
    audit.refresh_from_db()
    r = _reviews(audit)
    # finance: 206000 − 5000 − 2000 = 199000; audit: 206000 − 8000 − 2000 − 500 = 195500
    assert r["finance"].reviewed_amount == Decimal("199000.00")
    assert r["audit"].reviewed_amount == Decimal("195500.00")
    # merged, lower per line: 92000 + 50000 + 18000 + 6000 + 30000 − 2500 = 193500
    assert audit.state == wf.RESPONDING and audit.proposed_amount == Decimal("193500.00")
    assert AuditLineResult.objects.filter(audit=audit).count() == 4
    # the contractor disputes the earthwork cut, confirms the rest
    close.cuts_respond(
        actor=a["contractor"], audit=audit, disputes={L["010101001001"].pk: "运距有监理签认"}
    )
    audit.refresh_from_db()
    assert audit.state == wf.DISPUTED and audit.meeting_due_on
    close.meeting_record(
        actor=a["owner"],
        audit=audit,
        held_on=dt.date.today(),
        venue="建设单位会议室",
        attendees="建设单位、施工单位、审计机构、财政评审机构",
        minutes="经核对监理签认的运距记录，土方按 94000 元结算。",
        figures={L["010101001001"].pk: "94000.00"},
    )
    audit.refresh_from_db()
    assert audit.state == wf.AGREED
    close.report_issue(actor=a["auditor"], audit=audit)
    audit.refresh_from_db()
    account.refresh_from_db()
    # 94000 + 50000 + 18000 + 6000 + 30000 − 2500 = 195500; (206000 − 195500)/206000 = 5.10 %
    assert audit.audited_amount == Decimal("195500.00") == account.audited_amount
    assert account.status == "audited"
    assert audit.reduction_ratio == Decimal("0.0510")
    assert audit.credit_recorded
    from jianguan.compliance.models import CreditRecord

    rec = CreditRecord.objects.get(source_type="settlement_audit", source_id=audit.pk)
    assert (
        rec.kind == "audit_reduction"
        and rec.organisation_id == deal["orgs"]["general_contractor"].pk
    )
    types = list(
        LedgerEntry.objects.filter(object_app="cost_audit")
        .order_by("index")
        .values_list("type", flat=True)
    )
    assert types == [
        "cost_audit.engaged",
        "cost_audit.review_submitted",
        "cost_audit.review_submitted",
        "cost_audit.reviews_merged",
        "cost_audit.cuts_answered",
        "cost_audit.meeting_recorded",
        "cost_audit.report_issued",
    ]
    settled = dict(account.lines.values_list("code", "settled_amount"))
    assert settled["010101001001"] == Decimal("94000.00")
    assert settled["010401001001"] == Decimal("30000.00")  # stage settled, untouched
    # the report: PDF and Excel
    from jianguan.cost.audit.report import report_document, report_xlsx

    pdf = report_document(actor=a["auditor"], audit=audit)
    assert pdf.startswith(b"%PDF")
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report_xlsx(audit)))
    summary = list(book["竣工结算审核汇总表"].values)
    assert summary[-1][:4] == ("合计", 206000, 195500, 10500)
    assert book["分部分项审核明细表"].max_row == 7


def test_small_cut_makes_no_credit_record(deal, account):
    a = deal["actors"]
    audit = _engage(deal, account, who="finance")
    L, r = _lines(account), _reviews(audit)
    svc.cuts_set(actor=a["auditor"], review=r["audit"], rows=[(L["BG-001"].pk, "19000", "核减")])
    svc.review_submit(actor=a["finance"], review=r["finance"])
    svc.review_submit(actor=a["auditor"], review=r["audit"])
    close.cuts_respond(actor=a["contractor"], audit=SettlementAudit.objects.get(pk=audit.pk))
    audit.refresh_from_db()
    assert audit.state == wf.AGREED
    close.report_issue(actor=a["auditor"], audit=audit)
    audit.refresh_from_db()
    assert audit.reduction_ratio == Decimal("0.0049") and not audit.credit_recorded


def test_no_cuts_at_all_goes_straight_to_the_report(deal, account):
    a = deal["actors"]
    audit = _engage(deal, account)
    r = _reviews(audit)
    svc.review_submit(actor=a["finance"], review=r["finance"])
    svc.review_submit(actor=a["auditor"], review=r["audit"])
    audit.refresh_from_db()
    assert audit.state == wf.AGREED and audit.proposed_amount == audit.submitted_amount


def test_bad_cuts_are_refused_and_nothing_changes(deal, account):
    a = deal["actors"]
    audit = _engage(deal, account)
    L, r = _lines(account), _reviews(audit)
    ok = (L["BG-001"].pk, "100", "理由")
    bad = [
        ((L["010101001001"].pk, "100000.01", "超过送审"), "cut_out_of_range"),
        ((L["010101001001"].pk, "-1", "负数"), "bad_amount"),
        ((L["010101001001"].pk, "NaN", "非数"), "bad_amount"),
        ((L["010101001001"].pk, "Infinity", "无穷"), "bad_amount"),
        ((L["010101001001"].pk, "1.001", "厘"), "bad_amount"),
        ((L["010101001001"].pk, "1", "  "), "reason_missing"),
        ((L["010401001001"].pk, "1", "过程结算"), "stage_settled"),
        ((L["KJ-001"].pk, "-1000", "扣减少扣"), "cut_out_of_range"),
        ((999999, "1", "不存在"), "line_not_found"),
        (("x", "1", "不存在"), "line_not_found"),
    ]
    for row, code in bad:
        with pytest.raises((ValidationFailed, NotFound)) as e:
            svc.cuts_set(actor=a["auditor"], review=r["audit"], rows=[ok, row])
        assert e.value.code == code, row
    assert not r["audit"].cuts.exists()
    # other's review, wrong organisation, wrong role
    with pytest.raises(PermissionDenied):
        svc.cuts_set(actor=a["finance"], review=r["audit"], rows=[ok])
    with pytest.raises(PermissionDenied):
        svc.cuts_set(actor=a["contractor"], review=r["audit"], rows=[ok])
    # a submitted review is closed
    svc.review_submit(actor=a["auditor"], review=r["audit"])
    with pytest.raises(Conflict):
        svc.cuts_set(actor=a["auditor"], review=r["audit"], rows=[ok])
    # the contractor answers only after both are in
    with pytest.raises(Conflict):
        close.cuts_respond(actor=a["contractor"], audit=audit)


def test_engagement_refusals(deal, account):
    a, o = deal["actors"], deal["orgs"]
    with pytest.raises(PermissionDenied):
        svc.audit_engage(actor=a["contractor"], account=account, firm=o["auditor"], reference="x")
    with pytest.raises(PermissionDenied):
        svc.audit_engage(actor=a["other_owner"], account=account, firm=o["auditor"], reference="x")
    with pytest.raises(ValidationFailed) as e:
        svc.audit_engage(actor=a["owner"], account=account, firm=o["owner"], reference="x")
    assert e.value.code == "firm_not_auditor"
    with pytest.raises(ValidationFailed):
        svc.audit_engage(actor=a["owner"], account=account, firm=o["auditor"], reference=" ")
    _engage(deal, account)
    with pytest.raises(Conflict):
        _engage(deal, account)


def test_another_firm_can_be_appointed(deal, account):
    """The owner may appoint a firm other than the contract's named auditor; it sees and
    reports the audit of this account."""
    a, o = deal["actors"], deal["orgs"]
    audit = svc.audit_engage(
        actor=a["owner"], account=account, firm=o["other_auditor"], reference="委2"
    )
    from jianguan.cost.audit.selectors import audits_visible_to

    assert audits_visible_to(actor=a["other_auditor"]).filter(pk=audit.pk).exists()
    r = _reviews(audit)
    svc.review_submit(actor=a["finance"], review=r["finance"])
    svc.review_submit(actor=a["other_auditor"], review=r["audit"])
    with pytest.raises(PermissionDenied):
        close.report_issue(actor=a["auditor"], audit=audit)
    close.report_issue(actor=a["other_auditor"], audit=SettlementAudit.objects.get(pk=audit.pk))


def test_meeting_must_settle_exactly_the_disputed_lines(deal, account):
    a = deal["actors"]
    audit = _engage(deal, account)
    L, r = _lines(account), _reviews(audit)
    svc.cuts_set(
        actor=a["auditor"],
        review=r["audit"],
        rows=[(L["BG-001"].pk, "15000", "核减"), (L["QZ-001"].pk, "7000", "核减")],
    )
    svc.review_submit(actor=a["finance"], review=r["finance"])
    svc.review_submit(actor=a["auditor"], review=r["audit"])
    with pytest.raises(ValidationFailed) as e:
        close.cuts_respond(actor=a["contractor"], audit=audit, disputes={L["010101002001"].pk: "x"})
    assert e.value.code == "line_not_cut"
    with pytest.raises(PermissionDenied):
        close.cuts_respond(actor=a["owner"], audit=audit, disputes={})
    close.cuts_respond(actor=a["contractor"], audit=audit, disputes={L["BG-001"].pk: "有依据"})
    kw = dict(held_on=dt.date.today(), venue="会议室", attendees="各方", minutes="纪要")
    with pytest.raises(ValidationFailed) as e:
        close.meeting_record(actor=a["owner"], audit=audit, figures={L["QZ-001"].pk: "1"}, **kw)
    assert e.value.code == "figures_mismatch"
    with pytest.raises(ValidationFailed) as e:
        close.meeting_record(
            actor=a["owner"], audit=audit, figures={L["BG-001"].pk: "20000.01"}, **kw
        )
    assert e.value.code == "cut_out_of_range"
    with pytest.raises(PermissionDenied):
        close.meeting_record(
            actor=a["contractor"], audit=audit, figures={L["BG-001"].pk: "1"}, **kw
        )
    audit.refresh_from_db()
    assert audit.state == wf.DISPUTED
