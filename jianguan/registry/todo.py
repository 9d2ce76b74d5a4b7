"""What the registry asks of an organisation (待办): renew a qualification, safety licence or
registered person's certificate before it lapses. Shown to those who keep the organisation's
records (registry.manage_own), from the furthest warning threshold of
``warning.credential_expiry_days`` (the day a project would first turn blue for it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from jianguan.core.actor import Actor
from jianguan.core.errors import NotFound
from jianguan.core.todo import TodoItem, register_todo
from jianguan.registry.models import Qualification, RegisteredPerson, SafetyLicence
from jianguan.rules.lookup import rule_value


def _horizon(today: dt.date) -> dt.date | None:
    try:
        levels = rule_value("warning.credential_expiry_days", on=today)
    except NotFound:  # no threshold in force (rule data not loaded): nothing to measure against
        return None
    return today + dt.timedelta(days=max(int(v) for v in levels.values()))


def credentials_to_renew(actor: Actor, today: dt.date) -> Iterator[TodoItem]:
    org = actor.organisation_id
    if not org or not actor.can("registry.manage_own"):
        return
    horizon = _horizon(today)
    if horizon is None:
        return
    url = reverse("registry:organisation", args=[org])
    found: list[tuple[dt.date, str]] = []
    latest: dict[str, tuple[dt.date, str]] = {}
    for q in Qualification.objects.filter(organisation_id=org).order_by("valid_to"):
        latest[q.category] = (q.valid_to, f"资质 {q.category}{q.get_grade_display()}")
    found += list(latest.values())
    licence = SafetyLicence.objects.filter(organisation_id=org).order_by("-valid_to").first()
    if licence:
        found.append((licence.valid_to, f"安全生产许可证 {licence.number}"))
    for p in RegisteredPerson.objects.filter(employer_id=org, valid_to__lte=horizon):
        found.append((p.valid_to, f"{p.name}的{p.get_kind_display()}证书"))
    for valid_to, what in sorted(found):
        if valid_to > horizon:
            continue
        state = "已过期" if valid_to < today else "即将到期"
        yield TodoItem(
            kind="registry.credential_renew",
            title=f"{what}{state}（有效期至 {valid_to:%Y-%m-%d}），请办理延续并更新",
            url=url,
            due=valid_to,
            overdue=valid_to < today,
            module="registry",
        )


def register_all() -> None:
    register_todo("registry.credential_renew", "证照待延续", credentials_to_renew)
