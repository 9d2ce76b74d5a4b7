"""Each worker signs its own line of the payroll (《保障农民工工资支付条例》第三十一条: the sheet
is "signed by each worker"). Workers are not platform users: the general contractor's labour
officer records the worker's signature, fingerprint or face confirmation, with the time, or
the worker's dispute with its reason. A disputed line is kept out of payment and goes to the
regulator (the rights-protection hotline on the notice board is the worker's own way there);
the sheet is ready to pay once every line with pay is signed or disputed.

The paper-sheet upload (``wages.services.payroll_signatures_record``) stays: it signs every line
still waiting at once.
"""

from __future__ import annotations

from django.db import transaction

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound, ValidationFailed
from jianguan.core.timeutil import now, to_local
from jianguan.ledger.services import record
from jianguan.smartsite.wages import workflow
from jianguan.smartsite.wages.models import Payroll, PayrollLine
from jianguan.smartsite.wages.services import _lock, _require_gc, _wf


def awaiting_signature(payroll: Payroll):
    """Lines with pay that neither the worker signed nor disputed."""
    return payroll.lines.filter(sign_status=workflow.LINE_PENDING, amount__gt=0)


def _line(payroll: Payroll, worker_id: int) -> PayrollLine:
    line = (
        PayrollLine.objects.select_for_update()
        .select_related("worker")
        .filter(payroll=payroll, worker_id=worker_id)
        .first()
    )
    if line is None:
        raise NotFound("该工人不在此工资表上", code="line_not_found")
    return line


def _advance(actor: Actor, payroll: Payroll) -> None:
    status = workflow.status_after_signatures(payroll.status, awaiting_signature(payroll).count())
    if status == payroll.status:
        return
    payroll.status = status
    payroll.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        type="smartsite.payroll_signed",
        obj=payroll,
        payload={
            "per_worker": True,
            "disputed": payroll.lines.filter(sign_status=workflow.LINE_DISPUTED).count(),
        },
    )


@transaction.atomic
def payroll_line_sign(
    *, actor: Actor, payroll: Payroll, worker_id: int, method: str
) -> PayrollLine:
    """The worker confirmed its line (signature, fingerprint or face), recorded now."""
    payroll = _lock(payroll)
    _require_gc(actor, payroll.project)
    if method not in workflow.SIGN_METHODS:
        raise ValidationFailed("请选择确认方式（本人签字、按指纹或人脸识别）", code="bad_method")
    line = _line(payroll, worker_id)
    _wf(workflow.check_line_sign, payroll.status, line.sign_status)
    at = now()
    was_disputed = line.sign_status == workflow.LINE_DISPUTED
    line.sign_status = workflow.LINE_SIGNED
    line.sign_method = method
    line.signed_at = at
    line.signed_on = to_local(at).date()
    line.signature_recorded_by = actor.display_name or actor.username
    line.save(
        update_fields=[
            "sign_status",
            "sign_method",
            "signed_at",
            "signed_on",
            "signature_recorded_by",
        ]
    )
    record(
        actor=actor,
        type="smartsite.payroll_line_signed",
        obj=payroll,
        payload={
            "worker": line.worker.name,
            "id_number_index": line.worker.id_number_index,
            "amount": line.amount,
            "method": method,
            "signed_at": at,
            "after_dispute": was_disputed,
        },
    )
    _advance(actor, payroll)
    return line


@transaction.atomic
def payroll_line_dispute(
    *, actor: Actor, payroll: Payroll, worker_id: int, reason: str
) -> PayrollLine:
    """The worker does not sign: its reason is recorded, the line is kept out of payment and
    the regulator and the worker's employer are told."""
    payroll = _lock(payroll)
    _require_gc(actor, payroll.project)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > 300:
        raise ValidationFailed("请填写异议原因（不超过300字）", code="bad_reason")
    line = _line(payroll, worker_id)
    _wf(workflow.check_line_dispute, payroll.status, line.sign_status)
    line.sign_status = workflow.LINE_DISPUTED
    line.dispute_reason = reason
    line.disputed_at = now()
    line.save(update_fields=["sign_status", "dispute_reason", "disputed_at"])
    record(
        actor=actor,
        type="smartsite.payroll_line_disputed",
        obj=payroll,
        payload={
            "worker": line.worker.name,
            "id_number_index": line.worker.id_number_index,
            "amount": line.amount,
            "reason": reason,
        },
    )
    _advance(actor, payroll)
    transaction.on_commit(lambda: _tell_dispute(payroll, line), robust=True)
    return line


def _tell_dispute(payroll: Payroll, line: PayrollLine) -> None:
    from django.urls import reverse

    from jianguan.smartsite.notices import people_of, regulator_people
    from jianguan.workbench.notifications.services import notify

    notify(
        recipients=regulator_people() + people_of([payroll.employer_id]),
        kind="smartsite.wage_dispute",
        title=f"工资异议：{payroll.project.name}，{payroll}，{line.worker.name}"
        f"（应发 {line.amount:,.2f} 元）：{line.dispute_reason}",
        url=reverse("smartsite:payroll", args=[payroll.pk]) + "#lines",
        urgent=True,
    )
