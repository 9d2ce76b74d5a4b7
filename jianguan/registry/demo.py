"""Demo credentials for the Daxing demo organisations (accounts/demo.py): qualifications,
safety licences and registered persons, a few expiring within 30 and 90 days and one expired.

Through the services (so on the ledger). Idempotent: a certificate number already registered
is skipped. Dates are relative to the day of loading, so the badges look the same any day.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from jianguan.accounts.models import Organisation
from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import today_local
from jianguan.registry import services
from jianguan.registry.models import Qualification, RegisteredPerson, SafetyLicence

ISSUER_CITY = "北京市住房和城乡建设委员会"
ISSUER_MINISTRY = "中华人民共和国住房和城乡建设部"
# (kind, category, grade) of the qualification each kind of organisation holds.
QUALIFICATIONS = {
    "general_contractor": [
        ("建筑工程施工总承包", ("特级", "一级", "一级", "二级")),
        ("市政公用工程施工总承包", ("一级", "二级", "二级", "三级")),
    ],
    "specialist_subcontractor": [
        ("消防设施工程专业承包", ("一级", "二级")),
        ("建筑幕墙工程专业承包", ("一级", "二级")),
    ],
    "supervisor": [("房屋建筑工程监理", ("甲级", "乙级"))],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建华", "志强", "国庆", "海涛", "晓东", "立新", "文斌", "德胜", "永刚", "春生"]
# Days from today to the validity end of the n-th organisation's credential, so that some expire soon.
HORIZON = [900, 25, 700, 80, 1200, -12, 400, 60, 1500, 20]


def _number(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:10].upper()


def seed() -> dict[str, int]:
    today = today_local()
    counts = {"qualifications": 0, "licences": 0, "persons": 0}
    n = 0
    for kind in ("general_contractor", "specialist_subcontractor", "supervisor"):
        for i, org in enumerate(Organisation.objects.filter(kind=kind).order_by("pk")):
            left = HORIZON[n % len(HORIZON)]
            n += 1
            for j, (category, grades) in enumerate(QUALIFICATIONS[kind]):
                grade = grades[i % len(grades)]
                if grade not in ("特级", "一级", "二级", "三级"):
                    grade = "一级" if grade == "甲级" else "二级"
                number = f"D{211000000 + n * 10 + j}"
                if Qualification.objects.filter(organisation=org, number=number).exists():
                    continue
                services.qualification_add(
                    actor=SYSTEM,
                    organisation=org,
                    category=category,
                    grade=grade,
                    number=number,
                    issuer=ISSUER_MINISTRY if grade in ("特级", "一级") else ISSUER_CITY,
                    valid_from=today - dt.timedelta(days=1400),
                    valid_to=today + dt.timedelta(days=left if j == 0 else 1000 + 30 * i),
                )
                counts["qualifications"] += 1
            if kind != "supervisor":
                number = f"（京）JZ安许证字〔{today.year - 2}〕{_number(org.credit_code)[:6]}"
                if not SafetyLicence.objects.filter(number=number).exists():
                    services.safety_licence_add(
                        actor=SYSTEM,
                        organisation=org,
                        number=number,
                        issuer=ISSUER_CITY,
                        valid_from=today - dt.timedelta(days=1000),
                        valid_to=today + dt.timedelta(days=HORIZON[(n + 3) % len(HORIZON)]),
                    )
                    counts["licences"] += 1
            people = (
                [
                    ("constructor", "建筑工程", "一级"),
                    ("constructor", "市政公用工程", "二级"),
                    ("safety_officer", "", ""),
                ]
                if kind != "supervisor"
                else [
                    ("chief_supervisor", "房屋建筑工程", ""),
                    ("supervision_engineer", "市政公用工程", ""),
                ]
            )
            for k, (cert_kind, specialty, grade) in enumerate(people):
                cert = f"京{cert_kind[:2].upper()}{_number(org.credit_code, k)}"
                if RegisteredPerson.objects.filter(certificate_number=cert).exists():
                    continue
                name = SURNAMES[(n + k) % len(SURNAMES)] + GIVEN[(n * 3 + k) % len(GIVEN)]
                services.person_register(
                    actor=SYSTEM,
                    employer=org,
                    name=name,
                    id_number_masked=f"110115********{(n * 37 + k) % 10000:04d}",
                    kind=cert_kind,
                    specialty=specialty,
                    grade=grade,
                    certificate_number=cert,
                    valid_to=today + dt.timedelta(days=HORIZON[(n + k + 5) % len(HORIZON)] + 200),
                )
                counts["persons"] += 1
    return counts
