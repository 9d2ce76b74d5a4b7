"""Tenders: draft, publish with their documents, clarify (the deadline moves), objections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from jianguan.accounts.models import Organisation
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, ValidationFailed
from jianguan.core.permissions import require
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.projects.models import Project
from jianguan.registry.models import AccessStandard
from jianguan.rules.lookup import rule, rule_value
from jianguan.tendering import access, procedures, workflow
from jianguan.tendering.models import (
    Clarification,
    Invitation,
    Lot,
    Objection,
    Tender,
    TenderDocument,
)
from jianguan.tendering.ocds.services import ocds_release
from jianguan.tendering.services.common import (
    local_date,
    move,
    next_code,
    periods,
    require_manager,
    violations_error,
    wf,
)
from jianguan.workbench.search.index import index_on_commit

MAX_LOTS = 20


def _money(value: Any, what: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{what}须为金额", code="bad_amount") from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e14"):
        raise ValidationFailed(f"{what}须为正数金额", code="bad_amount")
    return amount


def _lots(raw: Iterable[dict], estimate: Decimal, on: dt.date) -> list[dict]:
    lots = list(raw or ())
    if not 1 <= len(lots) <= MAX_LOTS:
        raise ValidationFailed(f"标段数须为 1 至 {MAX_LOTS} 个", code="bad_lots")
    ratio = rule("bid_bond.ratio_max", on=on)
    cap = workflow.bond_cap(estimate, ratio.value)
    out = []
    for i, lot in enumerate(lots, 1):
        ceiling = _money(lot.get("price_ceiling"), f"第{i}标段最高投标限价")
        bond = _money(lot.get("bond_amount"), f"第{i}标段投标保证金")
        if bond > cap:
            raise ValidationFailed(
                f"第{i}标段投标保证金 {bond} 元超过招标估算价的 {(ratio.value * 100).normalize():f}%（{cap} 元）",
                code="bond_too_high",
                details={"article": ratio.reference},
            )
        title = str(lot.get("title") or "").strip()[:200] or f"第{i}标段"
        out.append({"number": i, "title": title, "price_ceiling": ceiling, "bond_amount": bond})
    return out


def _agency_id(actor: Actor, project: Project, agency: Organisation | None) -> int | None:
    """The caller when an agency creates; the owner may name an agency it entrusted."""
    if not actor.is_system and actor.organisation_id != project.owner_id:
        if agency is not None and agency.pk != actor.organisation_id:
            raise ValidationFailed(
                "招标代理机构只能以本单位名义办理受托项目的招标，不能指定其他代理机构",
                code="agency_not_caller",
            )
        return actor.organisation_id
    if agency is None:
        return None
    if agency.kind != "tender_agency":
        raise ValidationFailed("招标代理机构须为招标代理类机构", code="bad_agency")
    if not access.is_entrusted(agency.pk, project.pk):
        raise ValidationFailed(
            f"{agency.name}未持有本项目有效的招标委托，请先在“招标委托”中办理委托",
            code="agency_not_entrusted",
        )
    return agency.pk


@transaction.atomic
def tender_create(
    *,
    actor: Actor,
    project: Project,
    title: str,
    procedure: str,
    estimate: Any,
    lots: Iterable[dict],
    description: str = "",
    agency: Organisation | None = None,
    access_standard: AccessStandard | None = None,
    invitees: Iterable[Organisation] = (),
    original: Tender | None = None,
) -> Tender:
    """A draft tender of the project's owner, or of an agency the owner entrusted with the
    project's tendering (then that agency is the tender's agency, never another one)."""
    access.require_manage(actor, project=project)
    agency_id = _agency_id(actor, project, agency)
    proc = wf(procedures.procedure, procedure)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("请填写招标项目名称", code="title_missing")
    estimate = _money(estimate, "招标估算价")
    today = local_date(now())
    lot_rows = _lots(lots, estimate, today)
    invitees = list(invitees or ())
    if proc.invited:
        minimum = rule(proc.min_invitees_rule, on=today)
        if len({o.pk for o in invitees}) < int(minimum.value):
            raise ValidationFailed(
                f"邀请招标应当向{minimum.value}个以上的潜在投标人发出邀请",
                code="too_few_invitees",
                details={"article": minimum.reference},
            )
    tender = Tender.objects.create(
        code=next_code(today.year),
        project=project,
        title=title[:200],
        description=(description or "")[:5000],
        procedure=proc.code,
        tenderer=project.owner,
        agency_id=agency_id,
        access_standard=access_standard,
        evaluation_method=proc.evaluation_method,
        estimate=estimate,
        original=original,
        created_by=actor.username,
    )
    Lot.objects.bulk_create([Lot(tender=tender, **row) for row in lot_rows])
    for org in {o.pk: o for o in invitees}.values():
        Invitation.objects.create(tender=tender, organisation=org)
    record(
        actor=actor,
        type="tendering.tender_created",
        obj=tender,
        payload={
            "code": tender.code,
            "project": project.code,
            "title": tender.title,
            "procedure": proc.code,
            "estimate": estimate,
            "lots": lot_rows,
            "invitees": [o.credit_code for o in invitees],
            "original": original.code if original else None,
        },
    )
    index_on_commit(kind="tenders", ids=[tender.pk])
    return tender


def _document(tender: Tender, upload, kind: str, title: str, at: dt.datetime) -> TenderDocument:
    ext = uploads.check(upload, title, uploads.EVIDENCE_TYPES, uploads.MAX_DOC_BYTES)
    digest = uploads.sm3(upload)
    upload.name = f"{tender.code}-{kind}-{digest[:12]}{ext}"
    index_on_commit(kind="tenders", ids=[tender.pk])  # its documents follow it
    doc = TenderDocument.objects.create(
        tender=tender,
        kind=kind,
        title=title[:200],
        file=upload,
        sm3=digest,
        size=upload.size,
        published_at=at,
    )
    index_on_commit(kind="documents", ids=[doc.pk])
    return doc


@transaction.atomic
def tender_publish(
    *,
    actor: Actor,
    tender: Tender,
    documents_from: dt.datetime,
    sale_end: dt.datetime,
    bid_deadline: dt.datetime,
    documents: Any,
    prequal_deadline: dt.datetime | None = None,
) -> Tender:
    """Publishes the notice and the tender documents; refuses a schedule the law forbids."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    require_manager(actor, tender)
    if tender.status != workflow.Status.DRAFT:
        raise Conflict("只有草稿状态的招标项目可以发布", code="not_draft")
    at = now()
    problems = workflow.check_schedule(
        periods(local_date(at)),
        documents_from=documents_from,
        sale_end=sale_end,
        deadline=bid_deadline,
        now=at,
    )
    if tender.procedure_class.prequalification:
        problems += _prequal_schedule(at, sale_end, prequal_deadline, bid_deadline)
    if problems:
        raise violations_error(problems)
    if documents is None:
        raise ValidationFailed("请上传招标文件", code="missing_file")
    doc = _document(tender, documents, "tender_documents", "招标文件", at)
    tender.documents_from, tender.sale_end = documents_from, sale_end
    tender.bid_deadline, tender.published_at = bid_deadline, at
    tender.prequal_deadline = prequal_deadline if tender.procedure_class.prequalification else None
    tender.next_check_at = min(d for d in (sale_end, tender.prequal_deadline, bid_deadline) if d)
    move(actor, tender, workflow.Status.PUBLISHED)
    record(
        actor=actor,
        type="tendering.tender_published",
        obj=tender,
        payload={
            "code": tender.code,
            "documents_from": documents_from,
            "sale_end": sale_end,
            "bid_deadline": bid_deadline,
            "documents": [{"name": doc.title, "sm3": doc.sm3}],
        },
        files=[{"name": "tender_documents", "sm3": doc.sm3}],
    )
    ocds_release(tender=tender, tag="tender", actor=actor)
    return tender


def _prequal_schedule(at, sale_end, prequal_deadline, bid_deadline) -> list[workflow.Violation]:
    if prequal_deadline is None:
        return [
            workflow.Violation("prequal_deadline_missing", "资格预审项目须设定申请截止时间", "")
        ]
    gap = rule("prequal.application_after_sale_min", on=local_date(at))
    out = []
    if prequal_deadline - sale_end < dt.timedelta(days=int(gap.value)):
        out.append(
            workflow.Violation(
                "prequal_too_short",
                f"自资格预审文件停止发售之日起至提交申请截止不得少于{gap.value}日",
                gap.reference,
            )
        )
    if prequal_deadline >= bid_deadline:
        out.append(
            workflow.Violation("prequal_after_deadline", "资格预审申请截止须早于投标截止", "")
        )
    return out


@transaction.atomic
def tender_retender(*, actor: Actor, tender: Tender) -> Tender:
    """重新招标 after 流标: a new draft with the same project, lots and standard, linked back."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    require_manager(actor, tender)
    if tender.status != workflow.Status.FAILED:
        raise Conflict("只有流标的招标项目可以重新招标", code="not_failed")
    if tender.retenders.exists():
        raise Conflict("已就该项目重新招标", code="already_retendered")
    return tender_create(
        actor=actor,
        project=tender.project,
        title=tender.title,
        procedure=tender.procedure,
        estimate=tender.estimate,
        lots=[
            {"title": lot.title, "price_ceiling": lot.price_ceiling, "bond_amount": lot.bond_amount}
            for lot in tender.lots.all()
        ],
        description=tender.description,
        # the agency stays on only while it still holds the owner's entrustment
        agency=tender.agency if access.is_entrusted(tender.agency_id, tender.project_id) else None,
        access_standard=tender.access_standard,
        invitees=[i.organisation for i in tender.invitations.select_related("organisation")],
        original=tender,
    )


@transaction.atomic
def clarification_issue(
    *, actor: Actor, tender: Tender, text: str, document: Any = None, affects_bids: bool = True
) -> Clarification:
    """澄清或修改: published to everyone; late ones push the deadline (实施条例 21)."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    require_manager(actor, tender)
    if tender.status not in workflow.ACCEPTING_BIDS:
        raise Conflict("投标截止后不能再澄清或修改招标文件", code="not_accepting")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写澄清或修改内容", code="text_missing")
    at = now()
    old = tender.bid_deadline
    new = (
        workflow.deadline_after_clarification(periods(local_date(at)), deadline=old, issued_at=at)
        if affects_bids
        else old
    )
    doc = _document(tender, document, "clarification", "澄清或修改文件", at) if document else None
    item = Clarification.objects.create(
        tender=tender,
        text=text[:10000],
        affects_bids=affects_bids,
        issued_at=at,
        old_deadline=old,
        new_deadline=new,
        document=doc,
        issued_by=actor.username,
    )
    tender.bid_deadline = new
    tender.next_check_at = min(tender.sale_end, new) if tender.sale_end > at else new
    tender.save()
    record(
        actor=actor,
        type="tendering.clarification_issued",
        obj=tender,
        payload={
            "code": tender.code,
            "text": item.text,
            "old_deadline": old,
            "new_deadline": new,
            "document": doc.sm3 if doc else None,
        },
    )
    ocds_release(tender=tender, tag="tenderAmendment", actor=actor)
    return item


@transaction.atomic
def objection_file(*, actor: Actor, tender: Tender, text: str) -> Objection:
    """异议 to the documents up to N days before the deadline; the process pauses."""
    require(actor, "tendering.bid")
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status not in workflow.ACCEPTING_BIDS:
        raise Conflict("当前阶段不能对招标文件提出异议", code="not_accepting")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写异议内容", code="text_missing")
    at = now()
    p = periods(local_date(at))
    wf(workflow.check_objection_window, p, deadline=tender.bid_deadline, now=at)
    item = Objection.objects.create(
        tender=tender,
        organisation_id=actor.organisation_id,
        text=text[:5000],
        filed_at=at,
        answer_due=at + dt.timedelta(days=p.objection_answer_days),
        filed_by=actor.username,
    )
    if rule_value("objection.suspends_process", on=local_date(at)) and tender.paused_at is None:
        tender.paused_at, tender.paused_reason = at, "对招标文件的异议待答复"
        tender.save()
    record(
        actor=actor,
        type="tendering.objection_filed",
        obj=tender,
        payload={"code": tender.code, "objection": item.pk, "text": item.text},
    )
    return item


@transaction.atomic
def objection_answer(*, actor: Actor, objection: Objection, answer: str) -> Objection:
    """The answer resumes the process; the paused time is added to the deadline."""
    item = Objection.objects.select_for_update().select_related("tender").get(pk=objection.pk)
    tender = Tender.objects.select_for_update().get(pk=item.tender_id)
    require_manager(actor, tender)
    if item.answered_at is not None:
        raise Conflict("该异议已答复", code="objection_answered")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed("请填写答复内容", code="answer_missing")
    at = now()
    item.answer, item.answered_at, item.answered_by = answer[:5000], at, actor.username
    item.save()
    old = tender.bid_deadline
    pending = Objection.objects.filter(tender=tender, answered_at__isnull=True).exists()
    if tender.paused_at is not None and not pending:
        if tender.status == workflow.Status.PUBLICITY:  # 实施条例 54: the publicity resumes
            tender.publicity_until = workflow.deadline_after_pause(
                tender.publicity_until, tender.paused_at, at
            )
        else:
            tender.bid_deadline = workflow.deadline_after_pause(old, tender.paused_at, at)
            tender.next_check_at = tender.bid_deadline
        tender.paused_at, tender.paused_reason = None, ""
        tender.save()
    record(
        actor=actor,
        type="tendering.objection_answered",
        obj=tender,
        payload={
            "code": tender.code,
            "objection": item.pk,
            "answer": item.answer,
            "old_deadline": old,
            "new_deadline": tender.bid_deadline,
        },
    )
    return item


@transaction.atomic
def tender_cancel(*, actor: Actor, tender: Tender, reason: str) -> Tender:
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    require_manager(actor, tender)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写终止招标的原因", code="reason_missing")
    published = tender.status != workflow.Status.DRAFT
    tender = move(actor, tender, workflow.Status.CANCELLED, reason)
    if published:
        ocds_release(tender=tender, tag="tenderCancellation", actor=actor)
    return tender
