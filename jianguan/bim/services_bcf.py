"""BCF 2.1 out and in for a clash set. Export: one topic per clash with a deterministic GUID (a
re-export updates the topics a tool already has). Import (from Navisworks, Solibri, BIMcollab):
statuses and comments matched by topic GUID, in one transaction with its ledger entry; the
file's SM3 is in the entry. A status a party may not set here is left (counted as skipped)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.db import transaction

from jianguan.bim import workflow
from jianguan.bim.models import Clash, ClashComment, ClashSet
from jianguan.bim.services_clash import require_coordinate
from jianguan.core.actor import Actor
from jianguan.core.errors import ValidationFailed
from jianguan.core.timeutil import now
from jianguan.ledger.services import record

MAX_BCF_BYTES = 100 * 1024 * 1024


def _author(c: ClashComment) -> str:
    if c.author_id:
        return str(c.author)  # the name, not the login
    return c.author_name or "外部"


def clash_bcf_export(*, actor: Actor, clash_set: ClashSet) -> bytes:
    """The BCF zip of the clash set's current clashes (any participant who sees it)."""
    from jianguan.bim.engine import bcf

    items = []
    for c in clash_set.clashes.prefetch_related("comments__author").order_by("pk"):
        items.append(
            {
                "a": c.a_guid,
                "b": c.b_guid,
                "a_class": c.a_class,
                "b_class": c.b_class,
                "a_name": c.a_name,
                "b_name": c.b_name,
                "status": c.status,
                "reason": c.reason,
                "p1": c.p1,
                "p2": c.p2,
                "created": c.created_at,
                "comments": [
                    {"date": m.created_at, "author": _author(m), "text": m.text}
                    for m in c.comments.all()
                ],
            }
        )
    with tempfile.TemporaryDirectory(prefix="bcf-") as tmp:
        path = Path(tmp) / "out.bcf"
        bcf.export(items, clash_set=clash_set.name, project_name=clash_set.project.name, path=path)
        return path.read_bytes()


def _target(update, is_owner: bool) -> str | None:
    from jianguan.bim.engine import bcf

    status = update.status
    if status == "verified" and bcf.ACCEPTED_LABEL in (update.labels or []):
        status = workflow.ACCEPTED
    if status is None:
        return None
    # the owner closes; the assignee's tool may say it is resolved
    if not is_owner and status != workflow.RESOLVED:
        return None
    return status


def clash_bcf_import(*, actor: Actor, clash_set: ClashSet, upload) -> dict[str, int]:
    from jianguan.bim.engine import bcf

    require_coordinate(actor, clash_set.project_id)
    if upload is None or not upload.size:
        raise ValidationFailed("请选择 BCF 文件", code="missing_file")
    if upload.size > MAX_BCF_BYTES:
        raise ValidationFailed("BCF 文件不能超过 100 MB", code="file_too_large")
    data = upload.read()
    with tempfile.NamedTemporaryFile(suffix=".bcf") as fh:
        fh.write(data)
        fh.flush()
        try:
            updates = bcf.read(fh.name)
        except bcf.BcfError as exc:
            raise ValidationFailed(exc.message, code=exc.code) from None
    is_owner = actor.organisation_id == clash_set.organisation_id
    by_topic = {c.topic_guid: c for c in clash_set.clashes.exclude(topic_guid="")}
    counts = {"topics": len(updates), "updated": 0, "comments": 0, "unknown": 0}
    changes = []
    with transaction.atomic():
        for update in updates:
            c = by_topic.get(update.guid)
            if c is None:
                counts["unknown"] += 1
                continue
            target = _target(update, is_owner)
            if target and target != c.status:
                changes.append({"clash": c.pk, "from": c.status, "to": target})
                c.status = target
                if target == workflow.ACCEPTED and not c.reason:
                    c.reason = "BCF 导入：按设计接受"
                c.save(update_fields=["status", "reason", "updated_at"])
                counts["updated"] += 1
            counts["comments"] += _comments(c, update.comments)
        record(
            actor=actor,
            type="bim.bcf_imported",
            obj=clash_set,
            payload={**counts, "changes": changes, "at": now().isoformat()},
            files=[(upload.name or "import.bcf", data)],
        )
        _recompute(clash_set.project_id)
    return counts


def _comments(c: Clash, comments: list[dict]) -> int:
    known = set(c.comments.exclude(bcf_guid="").values_list("bcf_guid", flat=True))
    # our own export read back: the same text is the same comment
    texts = set(c.comments.values_list("text", flat=True))
    added = 0
    for item in comments:
        guid = str(item.get("guid") or "")[:36]
        text = str(item.get("text") or "").strip()
        if not text or (guid and guid in known) or text in texts:
            continue
        ClashComment.objects.create(
            clash=c,
            author_name=str(item.get("author") or "外部")[:100],
            text=text[:2000],
            bcf_guid=guid,
        )
        known.add(guid)
        texts.add(text)
        added += 1
    return added


def _recompute(project_id: int) -> None:
    from jianguan.projects.services.warnings import recompute_after_commit

    recompute_after_commit(project_id)
