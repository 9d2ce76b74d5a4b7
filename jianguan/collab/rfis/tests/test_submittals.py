"""Submittals: the contractor submits a PDF, the supervisor reviews it; an approval stamps the
PDF (read back with pypdf) and puts the stamped PDF's SM3 on the ledger; a rejection goes back
for a new revision; non-PDF files and parties out of court are refused."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from jianguan.collab.rfis import services, services_submittal, stamp, workflow
from jianguan.collab.rfis.models import Submittal
from jianguan.collab.rfis.tests.conftest import pdf_upload
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.ledger.models import IssuedDocument, LedgerEntry
from jianguan.ledger.services import sm3_hex
from jianguan.rules.lookup import add_working_days, rule_value


def submit(team, **over) -> Submittal:
    args = dict(
        actor=team["actors"]["contractor"],
        project=team["project"],
        kind="special_scheme",
        title="深基坑支护专项施工方案",
        description="基坑深 6.5 米",
        file=pdf_upload(),
    )
    args.update(over)
    return services_submittal.submittal_submit(**args)


def body(entry) -> dict:
    return json.loads(bytes(entry.leaf_input))


@pytest.mark.rule("submittal.review_working_days.*", "submittal.review_working_days.special_scheme")
def test_approval_stamps_the_pdf_and_puts_its_sm3_on_the_ledger(team, clock):
    s = submit(team)
    assert s.number == "BS-0001" and s.state == workflow.UNDER_REVIEW
    assert s.reviewer_org_id == team["orgs"]["supervisor"].pk
    days = rule_value("submittal.review_working_days.special_scheme")
    assert s.due_on == add_working_days(clock.day, days, provisional=True)
    s = services_submittal.submittal_review(
        actor=team["actors"]["supervisor"], submittal=s, decision=workflow.APPROVED
    )
    assert s.state == workflow.APPROVED and s.due_on is None
    rev = s.revisions.get()
    with rev.stamped_file.open("rb") as fh:
        stamped = fh.read()
    reader = PdfReader(io.BytesIO(stamped))
    assert len(reader.pages) == 2  # merged onto the last page, no page added
    text = reader.pages[-1].extract_text()
    flat = "".join(text.split())  # the seal's name runs round the arc, one glyph at a time
    assert "审核通过" in text and team["orgs"]["supervisor"].name in flat
    assert rev.document_code in text
    assert "审核通过" not in (reader.pages[0].extract_text() or "")
    assert stamp.read_mark(stamped).startswith(rev.document_code)
    assert rev.stamped_sm3 == sm3_hex(stamped) != rev.sm3
    entry = LedgerEntry.objects.get(type="collab_rfis.submittal_reviewed", object_id=str(s.pk))
    assert body(entry)["files"][0]["sm3"] == sm3_hex(stamped)
    assert body(entry)["payload"]["document_code"] == rev.document_code
    doc = IssuedDocument.objects.get(code=rev.document_code)
    assert doc.sm3 == sm3_hex(stamped) and doc.issuer == team["orgs"]["supervisor"].name


def test_rejection_then_revision_then_approval_with_comments(team, clock):
    a = team["actors"]
    s = submit(team, kind="material", title="钢筋进场报验")
    with pytest.raises(ValidationFailed) as e:
        services_submittal.submittal_review(
            actor=a["supervisor"], submittal=s, decision=workflow.REJECTED
        )
    assert e.value.code == "comments_missing"
    s = services_submittal.submittal_review(
        actor=a["supervisor"], submittal=s, decision=workflow.REJECTED, comments="缺复试报告"
    )
    assert s.state == workflow.REJECTED and not s.revisions.get().stamped_file
    with pytest.raises(Conflict):
        services_submittal.submittal_review(
            actor=a["supervisor"], submittal=s, decision=workflow.APPROVED
        )
    s = services_submittal.submittal_resubmit(
        actor=a["contractor"], submittal=s, file=pdf_upload("复试.pdf", 1), note="补复试报告"
    )
    assert s.state == workflow.UNDER_REVIEW and s.revision_count == 2 and s.due_on
    s = services_submittal.submittal_review(
        actor=a["supervisor"],
        submittal=s,
        decision=workflow.APPROVED_WITH_COMMENTS,
        comments="按意见复核间距",
    )
    revs = list(s.revisions.order_by("revision"))
    assert [r.decision for r in revs] == [workflow.REJECTED, workflow.APPROVED_WITH_COMMENTS]
    with revs[1].stamped_file.open("rb") as fh:
        text = PdfReader(fh).pages[-1].extract_text()
    assert "同意（附意见）" in text


def test_non_pdf_is_refused_with_a_clear_message(team, clock):
    word = SimpleUploadedFile(
        "方案.pdf", b"PK\x03\x04 not a pdf at all", content_type="application/pdf"
    )
    with pytest.raises(ValidationFailed) as e:
        submit(team, file=word)
    assert e.value.code == "not_pdf" and "PDF" in e.value.message
    broken = SimpleUploadedFile(
        "坏.pdf", b"%PDF-1.4 garbage garbage", content_type="application/pdf"
    )
    with pytest.raises(ValidationFailed) as e:
        submit(team, file=broken)
    assert e.value.code == "bad_pdf"
    with pytest.raises(ValidationFailed):
        submit(team, file=None)
    with pytest.raises(ValidationFailed):
        submit(team, kind="poem")
    assert not Submittal.objects.exists()


def test_only_the_projects_contractor_submits_and_its_supervisor_reviews(team, clock):
    a = team["actors"]
    for who in ("owner", "designer", "supervisor", "outsider"):
        with pytest.raises(PermissionDenied):
            submit(team, actor=a[who])
    s = submit(team)
    for who in ("contractor", "owner", "designer"):
        with pytest.raises(PermissionDenied):
            services_submittal.submittal_review(
                actor=a[who], submittal=s, decision=workflow.APPROVED
            )
    other = team["actors"]["other_supervisor"]
    with pytest.raises(PermissionDenied):
        services_submittal.submittal_review(actor=other, submittal=s, decision=workflow.APPROVED)
    s.refresh_from_db()
    assert s.state == workflow.UNDER_REVIEW


def test_submittal_escalates_by_the_clock(team, clock):
    import datetime as dt

    s = submit(team, kind="inspection_lot", title="一层梁板检验批")
    out = services.clock_sweep(today=s.due_on + dt.timedelta(days=40))
    assert out["escalated"] == 3
    s.refresh_from_db()
    assert s.escalation_level == 3
    types = LedgerEntry.objects.filter(object_id=str(s.pk), object_model="submittal")
    assert types.filter(type="collab_rfis.submittal_escalated").count() == 3
