"""What 结算审计 registers with the platform (called from the app's ready()): grants, ledger
words and visibility (each review's cuts embargoed from the other reviewer until its own are
in, even against ledger.view_all), to-do items with their clocks, notification events,
navigation and the demo seeder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from jianguan.core.actor import Actor
from jianguan.core.todo import TodoItem, pk_url, register_todo

LEDGER_WORDS = {
    "cost_audit.engaged": "委托结算审计",
    "cost_audit.review_submitted": "提交结算审核审减意见",
    "cost_audit.reviews_merged": "财政评审与审计复核合并",
    "cost_audit.cuts_answered": "施工单位确认或异议审减",
    "cost_audit.meeting_recorded": "记录结算争议会商纪要",
    "cost_audit.report_issued": "出具结算审计报告",
    "cost_audit.report": "结算审计报告",
}


def _todo(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    from django.db.models import Q

    from jianguan.cost.audit import workflow as wf
    from jianguan.cost.audit.models import SettlementAudit

    org = actor.organisation_id
    if org is None or not actor.can("cost_audit.view"):
        return
    url = pk_url("cost_audit:audit")
    q = Q()
    if actor.can("cost_audit.review"):
        q |= Q(state=wf.REVIEWING, reviews__organisation_id=org, reviews__submitted_at=None)
    if actor.can("cost_audit.respond"):
        q |= Q(state=wf.RESPONDING, account__contract__contractor_id=org)
    if actor.can("cost_audit.meeting"):
        q |= Q(state=wf.DISPUTED, account__contract__employer_id=org)
    if actor.can("cost_audit.report"):
        q |= Q(state=wf.AGREED, firm_id=org)
    if not q:
        return
    rows = (
        SettlementAudit.objects.filter(q)
        .select_related("account__contract__project")
        .distinct()
        .order_by("pk")[:200]
    )
    for a in rows:  # one query
        name = a.account.contract.project.name
        kind, what, due = {
            wf.REVIEWING: ("cost_audit.review", "审核竣工结算（审减）", a.review_due_on),
            wf.RESPONDING: ("cost_audit.respond", "确认或异议结算审减", a.response_due_on),
            wf.DISPUTED: ("cost_audit.meeting", "召开结算争议会商并记录纪要", a.meeting_due_on),
            wf.AGREED: ("cost_audit.report", "出具结算审计报告", None),
        }[a.state]
        yield TodoItem(
            kind=kind,
            title=f"{what}：{a.account.number}（{name}）",
            url=url(a.pk),
            due=due,
            overdue=bool(due and due < today),
            module="cost_audit",
        )


def _audit_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.cost.audit.selectors import audits_visible_to

    if not object_id.isascii() or not object_id.isdigit():
        return False
    return audits_visible_to(actor=actor).filter(pk=int(object_id)).exists()


def _review_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.cost.audit.models import AuditReview
    from jianguan.cost.audit.selectors import audits_visible_to, review_visible

    if not object_id.isascii() or not object_id.isdigit():
        return False
    review = AuditReview.objects.filter(pk=int(object_id)).first()
    if review is None or not audits_visible_to(actor=actor).filter(pk=review.audit_id).exists():
        return False
    return review_visible(actor, review, list(review.audit.reviews.all()))


def _meeting_rule(actor: Actor, object_id: str) -> bool:
    from jianguan.cost.audit.models import DisputeMeeting

    if not object_id.isascii() or not object_id.isdigit():
        return False
    audit_id = DisputeMeeting.objects.filter(pk=int(object_id)).values_list("audit_id", flat=True)
    audit_id = audit_id.first()
    return audit_id is not None and _audit_rule(actor, str(audit_id))


def _withheld_reviews(actor: Actor):
    """Against ledger.view_all too: a reviewer never reads the other review before its own
    is submitted (the queryset is evaluated inside the ledger's query, so it lifts then)."""
    from django.db.models import Exists, OuterRef

    from jianguan.cost.audit.models import AuditReview

    if actor.organisation_id is None:
        return None
    mine_open = AuditReview.objects.filter(
        audit=OuterRef("audit"), organisation_id=actor.organisation_id, submitted_at=None
    )
    return AuditReview.objects.exclude(organisation_id=actor.organisation_id).filter(
        Exists(mine_open)
    )


def register_all() -> None:
    from jianguan.core.demo import register_seeder
    from jianguan.cost.audit import permissions  # noqa: F401  (registers grants)
    from jianguan.ledger import labels, visibility
    from jianguan.web.nav import NavItem, register
    from jianguan.workbench.notifications.events import register_event

    register_todo("cost_audit.review", "竣工结算待审核审减", _todo)
    register_todo("cost_audit.respond", "结算审减待确认")
    register_todo("cost_audit.meeting", "结算争议待会商")
    register_todo("cost_audit.report", "结算审计报告待出具")
    for kind, label in {
        "cost_audit.engaged": "竣工结算已委托审计",
        "cost_audit.merged": "结算审核完成待确认审减",
        "cost_audit.answered": "施工单位已答复结算审减",
        "cost_audit.meeting": "结算争议会商纪要已记录",
        "cost_audit.reported": "结算审计报告已出具",
    }.items():
        register_event(kind, label)
    labels.register(LEDGER_WORDS)
    visibility.register("cost_audit", "settlementaudit", _audit_rule)
    visibility.register("cost_audit", "auditreview", _review_rule)
    visibility.register("cost_audit", "disputemeeting", _meeting_rule)
    visibility.embargo(
        "cost_audit",
        "auditreview",
        objects=_withheld_reviews,
        reason="本单位结算审核提交前，另一审核单位的审减意见保密（独立双审）",
    )
    register(
        NavItem(
            "cost_audit", "结算审计", "cost_audit:index", "ti-file-analytics", "cost_audit.view", 58
        )
    )
    register_seeder("cost_audit", "jianguan.cost.audit.demo:seed", order=97)
