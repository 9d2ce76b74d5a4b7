"""Demo inspections and rectification orders over the demo projects, through the services.

Some orders passed, some failed; the demo contractor (吴项目's company) has two failed
re-inspections in a row; one project is stopped for a serious finding (停工整改) and one
order is overdue. Idempotent: does nothing once any inspection exists.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import Organisation, User
from jianguan.compliance import checklist, services
from jianguan.compliance.models import Inspection, Sanction
from jianguan.core import pdf
from jianguan.core.timeutil import today_local
from jianguan.projects.models import Participant, Project
from jianguan.projects.services.warnings import warnings_recompute

FINDINGS = [
    ("safety", "general", "外架连墙件缺失", "2号楼北侧外架"),
    ("quality", "major", "梁柱节点钢筋绑扎不符合设计要求", "3层梁柱节点"),
    ("environment", "general", "裸土未覆盖，扬尘控制不到位", "场区东南角"),
    ("labour", "general", "实名制考勤记录不全", "生活区门禁"),
    ("safety", "serious", "深基坑支护出现明显变形未停止作业", "基坑南侧"),
]


def _evidence(title: str, text: str) -> SimpleUploadedFile:
    """A real PDF in the house font (a reader who opens it expects legible Chinese)."""
    rows = [
        ("内容", text),
        ("形成方式", "现场拍照、测量并由责任人签字确认"),
        ("日期", f"{today_local():%Y年%m月%d日}"),
    ]
    story = [
        Paragraph(pdf.esc(title), pdf.style(16, centre=True, leading=26)),
        Spacer(1, 6 * mm),
        pdf.pairs(rows, pdf.style(11), [35 * mm, 135 * mm]),
    ]
    data = pdf.render(story, title=title)
    return SimpleUploadedFile(f"{title}.pdf", data, content_type="application/pdf")


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def seed() -> dict[str, object]:
    counts = _seed_loop()
    counts["sanctions"] = _seed_sanctions()
    from jianguan.compliance import demo_credit

    counts["credit"] = demo_credit.seed()
    return counts


def _seed_sanctions() -> dict[str, object]:
    """Two organisations on yellow, one on red, one blacklisted. Idempotent.

    The demo contractor's yellow card comes from its two failed re-inspections in a row
    (the card rule); the others are regulator decisions.
    """
    regulator = _actor("regulator")
    if regulator is None or Sanction.objects.filter(automatic=False).exists():
        return {"skipped": True}
    contractor = _actor("contractor")
    mine = contractor.organisation_id if contractor else None
    others = list(
        Organisation.objects.filter(kind="general_contractor").exclude(pk=mine).order_by("pk")[:3]
    )
    if len(others) < 3:
        return {"skipped": "too few contractors"}
    yellow, red, black = others
    services.card_issue(
        actor=regulator,
        organisation=yellow,
        kind="yellow",
        reason="施工现场扬尘治理不到位，经约谈仍未落实",
    )
    for text in ("未按规定设置临边防护", "特种作业人员无证上岗"):
        services.card_issue(actor=regulator, organisation=red, kind="yellow", reason=text)
    services.blacklist_issue(
        actor=regulator,
        organisation=black,
        trigger="illegal_subletting",
        reason="将承包工程转包给无资质单位",
        evidence=["京兴建罚〔2026〕12号行政处罚决定书"],
    )
    return {
        "yellow": Sanction.objects.filter(kind="yellow", status="active")
        .exclude(organisation=red)
        .values("organisation")
        .distinct()
        .count(),
        "red": 1,
        "blacklist": 1,
    }


def _seed_loop() -> dict[str, object]:
    if Inspection.objects.exists():
        return {"skipped": True}
    regulator, contractor = _actor("regulator"), _actor("contractor")
    if regulator is None or contractor is None:
        return {"skipped": "no demo users"}
    today = today_local()
    ours = Participant.objects.filter(
        organisation_id=contractor.organisation_id, role="general_contractor", is_active=True
    ).values("project_id")
    mine = list(Project.objects.filter(stage="construction", pk__in=ours).order_by("code")[:3])
    others = list(
        Project.objects.filter(stage="construction").exclude(pk__in=ours).order_by("code")[:3]
    )
    if not mine:
        return {"skipped": "no demo project in construction"}
    counts: dict[str, object] = {
        "inspections": 0,
        "orders": 0,
        "passed": 0,
        "failed": 0,
        "stop_work": 0,
    }

    def inspect(project, days_ago, kind, finding, responsible, **extra):
        inspection = services.inspection_create(
            actor=regulator,
            project=project,
            kind=kind,
            inspected_on=today - dt.timedelta(days=days_ago),
            notes="日常监督检查",
        )
        type_, severity, text, where = finding
        counts["inspections"] += 1
        counts["orders"] += 1
        return services.finding_raise(
            actor=regulator,
            inspection=inspection,
            type=type_,
            severity=severity,
            description=text,
            location=where,
            responsible_organisation=responsible,
            **extra,
        )

    def answer(order):
        services.order_answer(
            actor=contractor,
            order=order,
            text="已按要求整改完毕",
            files=[_evidence("整改回复", "已按整改通知单要求整改完毕，附整改前后对比照片")],
        )

    org = contractor.organisation
    # 1. failed, passed on the second try (an older pass) …
    order = inspect(mine[0], 40, "routine", FINDINGS[0], org)
    answer(order)
    services.order_reinspect(actor=regulator, order=order, result="failed", note="连墙件仍不足")
    answer(order)
    services.order_reinspect(actor=regulator, order=order, result="passed")
    counts["failed"] += 1
    counts["passed"] += 1
    # 2. … then two failures in a row on the same company: consecutive_failures == 2.
    order = inspect(mine[-1], 12, "special", FINDINGS[1], org)
    for note in ("钢筋间距仍不符合要求", "整改资料与现场不符"):
        answer(order)
        services.order_reinspect(actor=regulator, order=order, result="failed", note=note)
        counts["failed"] += 1
    # 3. other projects: an overdue order, a passed one, a stop-work order.
    for project, days_ago, finding, stop in zip(
        others,
        (30, 5, 2),
        (FINDINGS[2], FINDINGS[3], FINDINGS[4]),
        (False, False, True),
        strict=False,
    ):
        party = (
            Participant.objects.filter(project=project, role="general_contractor", is_active=True)
            .select_related("organisation")
            .first()
        )
        if party is None:
            continue
        inspect(
            project,
            days_ago,
            "joint" if stop else "routine",
            finding,
            party.organisation,
            stop_work=stop,
        )
        counts["stop_work"] += int(stop)
    # 4. risk register: a 重大 risk with its emergency plan on a project in construction, and a
    #    较大 one still without a plan on a project in tendering (its construction gate is shut).
    owner = _actor("owner")
    for project, level_item, with_plan in (
        (mine[0], {"likelihood": 4, "impact": 5}, True),
        (
            Project.objects.filter(stage="tendering").order_by("code").first(),
            {"likelihood": 3, "impact": 4},
            False,
        ),
    ):
        if project is None or owner is None:
            continue
        actor = owner if project.owner_id == owner.organisation_id else regulator
        items = {
            code: {"likelihood": 2, "impact": 2} for code, _, _ in checklist.checklist(project.type)
        }
        items[next(iter(items))] = level_item
        services.risk_assess(actor=actor, project=project, items=items)
        if with_plan:
            services.risk_emergency_plan_file(
                actor=actor,
                project=project,
                emergency_plan=_evidence(
                    "生产安全事故应急预案", "深基坑坍塌、高处坠落、触电事故的应急响应与处置程序"
                ),
                responsible_person="赵安全",
            )
        counts["risk_assessments"] = counts.get("risk_assessments", 0) + 1
    # The services recompute warnings after commit; the demo asks now as well (as projects does).
    for project in {*mine, *others}:
        warnings_recompute(project=project)
    return counts
