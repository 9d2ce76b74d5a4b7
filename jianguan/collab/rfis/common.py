"""What the RFI and submittal services share: text checks, the parties of a project, who to
tell (members of an organisation, its heads, the owner, the district's inspectors), the
answer clock from rule data, and numbering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from jianguan.collab.rfis import workflow
from jianguan.core import uploads
from jianguan.core.actor import Actor
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.rules.lookup import add_working_days, rule_value

REMIND_CODE = "rfi.remind_before_working_days"
LEVEL_CODES = tuple(f"rfi.escalate_level{n}_working_days" for n in (1, 2, 3))
HEAD_ROLES = ("org_admin", "admin")


def wf(check, *args):
    try:
        return check(*args)
    except workflow.RfiError as exc:
        if exc.code == "not_in_court":
            raise PermissionDenied(exc.message, code=exc.code) from None
        if exc.code in ("bad_state",):
            raise Conflict(exc.message, code=exc.code) from None
        raise ValidationFailed(exc.message, code=exc.code) from None


def text(value: Any, label: str, limit: int = 5000, *, required: bool = True) -> str:
    out = str(value or "").strip()
    if required and not out:
        raise ValidationFailed(f"请填写{label}", code="missing_field", details={"field": label})
    if len(out) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 个字", code="too_long")
    return out


def participant_orgs(project_id: int) -> dict[int, str]:
    """The project's active parties: organisation id -> its role on the project."""
    from jianguan.projects.models import Participant

    rows = Participant.objects.filter(project_id=project_id, is_active=True).values_list(
        "organisation_id", "role"
    )
    return dict(rows)


def require_party(actor: Actor, project_id: int, message: str) -> None:
    if actor.organisation_id is None or actor.organisation_id not in participant_orgs(project_id):
        raise PermissionDenied(message, code="not_project_party")


def members(org_ids: Iterable[int], *, heads_only: bool = False) -> list[int]:
    """Active members' user ids of these organisations (their heads only, when asked)."""
    from jianguan.accounts.models import Membership

    rows = Membership.objects.filter(organisation_id__in=list(org_ids), is_active=True)
    return sorted(
        {
            user_id
            for user_id, roles in rows.values_list("user_id", "roles")
            if not heads_only or set(roles or ()) & set(HEAD_ROLES)
        }
    )


def owners_of(project_id: int) -> list[int]:
    return [org for org, role in participant_orgs(project_id).items() if role == "owner"]


def inspectors() -> list[int]:
    """The district regulator's inspectors (roles is a JSON list: read here, they are few)."""
    from jianguan.accounts.models import Membership

    rows = Membership.objects.filter(is_active=True, organisation__kind="regulator")
    return sorted(u for u, roles in rows.values_list("user_id", "roles") if "inspector" in roles)


def tell(user_ids: Iterable[int], *, kind: str, title: str, url: str, urgent: bool = False):
    """Notify after the transaction commits (nobody hears of a change that was rolled back)."""
    from jianguan.workbench.notifications.services import notify

    ids = sorted(set(user_ids))
    if ids:
        transaction.on_commit(
            lambda: notify(recipients=ids, kind=kind, title=title, url=url, urgent=urgent)
        )


def start_clock(obj: Any, code: str, today: dt.date) -> None:
    """A new answer clock on `obj` (an RFI or a submittal): due date and reminder day in
    working days from rule data; reminder and escalation start again."""
    days = int(rule_value(code, on=today))
    before = int(rule_value(REMIND_CODE, on=today))
    obj.due_on = add_working_days(today, days, provisional=True)
    obj.remind_on = add_working_days(today, max(days - before, 0), provisional=True)
    obj.reminded = False
    obj.escalation_level = 0
    obj.escalated_at = None


def stop_clock(obj: Any) -> None:
    obj.due_on = obj.remind_on = None
    obj.reminded = False
    obj.escalation_level = 0
    obj.escalated_at = None


def level_dates(due_on: dt.date, today: dt.date) -> list[dt.date]:
    return [
        add_working_days(due_on, int(rule_value(code, on=today)), provisional=True)
        for code in LEVEL_CODES
    ]


def next_number(model: Any, project_id: int, prefix: str) -> str:
    """PREFIX-0001, … per project (the rows are few per project: read the highest)."""
    last = (
        model.objects.filter(project_id=project_id, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1 if last else 1):04d}"


def check_files(files: Iterable[Any], label: str = "附件") -> list[tuple[Any, str]]:
    files = [f for f in (files or ()) if f is not None]
    if len(files) > uploads.MAX_FILES:
        raise ValidationFailed(f"{label}最多 {uploads.MAX_FILES} 个", code="too_many_files")
    return [
        (f, uploads.check(f, label, uploads.EVIDENCE_TYPES, uploads.MAX_DOC_BYTES)) for f in files
    ]


def content_of(upload: Any) -> bytes:
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def as_file(data: bytes, name: str) -> ContentFile:
    return ContentFile(data, name=name)
