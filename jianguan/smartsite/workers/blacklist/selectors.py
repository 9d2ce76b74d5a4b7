"""Reads of the personal blacklist: the whole list is the regulator's, who keeps it; a person's
entries are read through a worker the caller already sees."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.smartsite.workers.models import Worker, WorkerBlacklistEntry


def blacklist_visible_to(*, actor: Actor) -> QuerySet[WorkerBlacklistEntry]:
    """The whole personal blacklist: the regulator's, who keeps it."""
    qs = WorkerBlacklistEntry.objects.select_related("authority", "worker")
    if actor.is_kind("regulator") and actor.can("smartsite.worker_blacklist_manage"):
        return qs.order_by("lifted_on", "-valid_from", "-pk")
    return qs.none()


def blacklist_entry(*, actor: Actor, pk: int) -> WorkerBlacklistEntry:
    found = blacklist_visible_to(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("黑名单记录不存在或无权查看", code="blacklist_entry_not_found")
    return found


def blacklist_of(worker: Worker) -> QuerySet[WorkerBlacklistEntry]:
    """A visible worker's entries, past ones too, matched by identity (the caller has checked
    that the actor sees the worker)."""
    return WorkerBlacklistEntry.objects.filter(
        id_number_index=worker.id_number_index
    ).select_related("authority")


def blacklisted_among(indexes: list[str], on: dt.date) -> set[str]:
    """Which of these identities an entry bars on `on` (one query for a whole roster)."""
    entries = WorkerBlacklistEntry.objects.filter(
        id_number_index__in=indexes, valid_from__lte=on
    ).exclude(lifted_on__lte=on)
    return {e.id_number_index for e in entries if e.in_force(on)}


def registration_warnings(worker: Worker, on: dt.date) -> list[str]:
    """What the labour officer who has just registered `worker` is told, one line an entry that
    bars the person now or from a later day. Registering stays allowed (the record of who
    works where must be complete); placement and the gate refuse the person, and the officer
    should know that before promising the job, not at the gate."""
    entries = (
        WorkerBlacklistEntry.objects.filter(id_number_index=worker.id_number_index)
        .exclude(lifted_on__lte=on)
        .order_by("valid_from", "pk")
    )
    return [
        f"注意：{worker.name}（{worker.id_number_masked}）在工人黑名单中。"
        f"列入依据：{e.get_basis_display()}，{e.article}；原因：{e.reason}；期限：{_term(e)}。"
        "已完成实名登记，但在列期间不能进场，闸机将拒绝通行。"
        for e in entries
        if e.in_force(on) or on < e.valid_from
    ]


def _term(entry: WorkerBlacklistEntry) -> str:
    start = f"{entry.valid_from:%Y年%m月%d日}"
    if entry.valid_until is None:
        return f"自{start}起，至移出黑名单为止"
    return f"{start}至{entry.valid_until:%Y年%m月%d日}"
