"""Transmittals (文件传递单): a party of the project sends versions of its documents to other
organisations of the project; each recipient organisation acknowledges receipt. Until it does,
its members have a to-do item and were notified once when it was sent."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse

from jianguan.collab.documents import selectors, workflow
from jianguan.collab.documents.models import DocumentVersion, Transmittal, TransmittalRecipient
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.services import record
from jianguan.projects.models import Participant, Project

MAX_ITEMS = 200
MAX_RECIPIENTS = 30


def _clean(value, label: str, limit: int, *, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code="missing_field", details={"field": label})
    if len(text) > limit:
        raise ValidationFailed(
            f"{label}不能超过 {limit} 个字", code="too_long", details={"field": label}
        )
    return text


def _next_number(project: Project) -> str:
    n = Transmittal.objects.filter(project=project).count() + 1
    return f"TR-{n:04d}"


def transmittal_send(
    *,
    actor: Actor,
    project: Project,
    subject: str,
    version_ids: list[int],
    recipient_ids: list[int],
    purpose: str = "information",
    message: str = "",
) -> Transmittal:
    if not selectors.may_write(actor, project.pk):
        raise PermissionDenied("仅本项目的参建单位可发送文件传递单", code="permission_denied")
    subject = _clean(subject, "主题", 200, required=True)
    message = _clean(message, "说明", 2000, required=False)
    if purpose not in workflow.TRANSMITTAL_PURPOSES:
        raise ValidationFailed("请选择传递用途", code="invalid_purpose")
    version_ids = sorted({int(v) for v in version_ids or []})
    recipient_ids = sorted({int(r) for r in recipient_ids or []} - {actor.organisation_id})
    if not version_ids:
        raise ValidationFailed("请选择要传递的文件", code="no_documents")
    if not recipient_ids:
        raise ValidationFailed("请选择接收单位（本单位以外的参建单位）", code="no_recipients")
    if len(version_ids) > MAX_ITEMS or len(recipient_ids) > MAX_RECIPIENTS:
        raise ValidationFailed(
            f"一份传递单最多 {MAX_ITEMS} 个文件、{MAX_RECIPIENTS} 个接收单位", code="too_many"
        )
    versions = list(DocumentVersion.objects.filter(pk__in=version_ids, project=project))
    if len(versions) != len(version_ids):
        raise ValidationFailed("所选文件版本不属于本项目", code="version_not_in_project")
    parties = set(
        Participant.objects.filter(
            project=project, organisation_id__in=recipient_ids, is_active=True
        ).values_list("organisation_id", flat=True)
    )
    if parties != set(recipient_ids):
        raise ValidationFailed("接收单位须为本项目的参建单位", code="recipient_not_party")
    try:
        with transaction.atomic():
            item = Transmittal.objects.create(
                project=project,
                number=_next_number(project),
                subject=subject,
                purpose=purpose,
                message=message,
                sender_id=actor.organisation_id,
                sent_by=actor.user,
                sent_at=now(),
            )
            item.versions.set(versions)
            TransmittalRecipient.objects.bulk_create(
                TransmittalRecipient(transmittal=item, organisation_id=org) for org in recipient_ids
            )
            record(
                actor=actor,
                type="collab_documents.transmittal_sent",
                obj=item,
                payload={
                    "project": project,
                    "number": item.number,
                    "subject": subject,
                    "purpose": purpose,
                    "recipients": recipient_ids,
                    "versions": [{"id": v.pk, "label": v.label, "sm3": v.sm3} for v in versions],
                },
            )
    except IntegrityError:
        raise Conflict(
            "传递单编号冲突（同时有人发送），请重试", code="transmittal_conflict"
        ) from None
    pk = item.pk
    transaction.on_commit(lambda: _notify_sent(pk), robust=True)
    return item


def transmittal_acknowledge(*, actor: Actor, transmittal: Transmittal) -> TransmittalRecipient:
    """The actor's organisation confirms it received the transmittal (once)."""
    if not actor.can("collab_documents.acknowledge"):
        raise PermissionDenied("无权确认收到文件", code="permission_denied")
    with transaction.atomic():
        receipt = (
            TransmittalRecipient.objects.select_for_update()
            .filter(transmittal=transmittal, organisation_id=actor.organisation_id)
            .first()
        )
        if receipt is None:
            raise PermissionDenied("本单位不是此传递单的接收单位", code="not_recipient")
        if receipt.acknowledged_at is not None:
            raise Conflict("本单位已确认收到此传递单", code="already_acknowledged")
        receipt.acknowledged_at = now()
        receipt.acknowledged_by = actor.user
        receipt.save(update_fields=["acknowledged_at", "acknowledged_by"])
        record(
            actor=actor,
            type="collab_documents.transmittal_acknowledged",
            obj=transmittal,
            payload={
                "project": transmittal.project_id,
                "number": transmittal.number,
                "organisation": actor.organisation_id,
            },
        )
    pk = transmittal.pk
    transaction.on_commit(lambda: _notify_acknowledged(pk, actor.organisation_name), robust=True)
    return receipt


def _url(pk: int) -> str:
    return reverse("collab_documents:transmittal", args=[pk])


def _members(org_ids) -> list[int]:
    from jianguan.accounts.models import Membership

    return list(
        Membership.objects.filter(organisation_id__in=list(org_ids), is_active=True).values_list(
            "user_id", flat=True
        )
    )


def _notify_sent(pk: int) -> None:
    from jianguan.workbench.notifications.services import notify

    t = Transmittal.objects.select_related("project", "sender").filter(pk=pk).first()
    if t is None:
        return
    orgs = t.recipients.values_list("organisation_id", flat=True)
    notify(
        recipients=_members(orgs),
        kind="collab_documents.transmittal_received",
        title=f"请确认收到文件：{t.project.name}，{t.sender.name}《{t.subject}》（{t.number}）",
        url=_url(t.pk),
    )


def _notify_acknowledged(pk: int, by: str) -> None:
    from jianguan.workbench.notifications.services import notify

    t = Transmittal.objects.select_related("project").filter(pk=pk).first()
    if t is None:
        return
    notify(
        recipients=[t.sent_by_id],
        kind="collab_documents.transmittal_acknowledged",
        title=f"{by}已确认收到文件传递单 {t.number}《{t.subject}》",
        url=_url(t.pk),
    )
