"""Demo credit histories: a year of good and bad records and a published score for each day.

Run after the inspection loop and the sanctions: their records are kept, the historical ones
are generated here as if the platform had been live for the past year. The texts read like
real records; the footer banner, not each text, says the install holds demo data.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import F

from jianguan.accounts.models import Organisation
from jianguan.compliance.models import CreditPublication, CreditRecord
from jianguan.compliance.selectors_credit import SCORED_ORG_KINDS, SCORED_PERSON_KINDS
from jianguan.compliance.services import credit_history_backfill
from jianguan.compliance.services.credit import credit_record_make
from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import today_local
from jianguan.registry.models import RegisteredPerson

DAYS = 365
GOOD = [
    ("clean_inspection", "日常监督检查未发现问题", 0.55),
    ("on_time_completion", "承建项目按合同工期竣工", 0.12),
    ("award_municipal", "获北京市结构长城杯", 0.06),
    ("award_provincial", "获北京市建设工程安全文明工地", 0.03),
]
BAD = [
    ("finding_general", "检查发现一般问题（安全防护、文明施工）", 0.30),
    ("finding_major", "检查发现较大问题（脚手架连墙件不足）", 0.08),
    ("rectification_failed", "整改复查不合格", 0.04),
    ("wage_arrears", "拖欠农民工工资经查实", 0.015),
]


def _dates(today: dt.date) -> None:
    """Organisations founded and constructors registered years before the history starts."""
    for org in Organisation.objects.filter(established_on__isnull=True).only("pk"):
        years = 4 + org.pk % 17
        Organisation.objects.filter(pk=org.pk).update(
            established_on=today.replace(year=today.year - years, day=1)
        )
    for person in RegisteredPerson.objects.filter(registered_on__isnull=True).only("pk"):
        years = 2 + person.pk % 11
        RegisteredPerson.objects.filter(pk=person.pk).update(
            registered_on=today.replace(year=today.year - years, day=1)
        )


def _subjects():
    for org in Organisation.objects.filter(kind__in=SCORED_ORG_KINDS).order_by("pk"):
        yield f"credit-demo-{org.credit_code}", {"organisation": org}, 1.0
    for person in RegisteredPerson.objects.filter(kind__in=SCORED_PERSON_KINDS).order_by("pk"):
        yield f"credit-demo-{person.certificate_number}", {"person": person}, 0.4


def _history(today: dt.date) -> int:
    made = 0
    for seed, subject, rate in _subjects():
        rng = random.Random(seed)
        careful = rng.random()  # some firms are better run than others
        for week in range(DAYS // 7):
            day = today - dt.timedelta(days=DAYS - 1 - week * 7 - rng.randint(0, 6))
            if day >= today:
                continue
            for kind, text, chance in GOOD:
                if rng.random() < rate * chance * (0.5 + careful) / 4:
                    credit_record_make(
                        actor=SYSTEM, kind=kind, occurred_on=day, description=text, **subject
                    )
                    made += 1
            for kind, text, chance in BAD:
                if rng.random() < rate * chance * (1.5 - careful) / 4:
                    credit_record_make(
                        actor=SYSTEM, kind=kind, occurred_on=day, description=text, **subject
                    )
                    made += 1
    return made


def seed() -> dict[str, object]:
    if CreditPublication.objects.exists():
        return {"skipped": True}
    today = today_local()
    _dates(today)
    made = _history(today)
    # As if the platform had been live: each record was known on the day it happened.
    CreditRecord.objects.filter(occurred_on__lt=today).update(recorded_on=F("occurred_on"))
    days = credit_history_backfill(start=today - dt.timedelta(days=DAYS - 1), end=today)
    return {"records": made, "days": days}
