"""Compliance services with a database: the rectification loop, the risk guard, bad input."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.compliance import pdf as order_pdf
from jianguan.compliance import selectors, services
from jianguan.compliance.models import (
    Finding,
    Inspection,
    RectificationAnswer,
    RectificationOrder,
    RiskAssessment,
)
from jianguan.compliance.tests.helpers import (
    PDF,
    building_items,
    create,
    in_construction,
    jpeg,
    to_construction_ready,
)
from jianguan.core import uploads
from jianguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from jianguan.core.timeutil import today_local
from jianguan.ledger.models import LedgerEntry
from jianguan.projects import services as projects
from jianguan.projects.facts import project_facts
from jianguan.projects.services.warnings import gather_facts, warnings_recompute
from jianguan.projects.workflow import Stage, check_transition

CJK = "\u4e00"


def _plan():
    return SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")


def _evidence():
    return [SimpleUploadedFile("e.pdf", PDF, content_type="application/pdf"), jpeg()]


@pytest.fixture
def site(world):
    project = in_construction(world)
    reg = world["actors"]["regulator"]
    inspection = services.inspection_create(
        actor=reg, project=project, kind="routine", inspected_on=today_local(), notes="例行检查"
    )
    return {"project": project, "inspection": inspection, **world}


def _raise(site, **over):
    args = dict(
        actor=site["actors"]["regulator"],
        inspection=site["inspection"],
        type="safety",
        severity="general",
        description="临边防护缺失",
        location="3号楼5层东侧",
        responsible_organisation=site["orgs"]["general_contractor"],
        photos=[jpeg()],
    )
    args.update(over)
    return services.finding_raise(**args)


def _answer(site, order):
    return services.order_answer(
        actor=site["actors"]["contractor"], order=order, text="已加设防护栏杆", files=_evidence()
    )


def _counts():
    return (
        Inspection.objects.count(),
        Finding.objects.count(),
        RectificationOrder.objects.count(),
        RectificationAnswer.objects.count(),
        LedgerEntry.objects.count(),
    )


def test_loop_fail_twice_then_pass_resets(site):
    order = _raise(site)
    assert order.number.startswith(f"ZG-{today_local().year}-")
    assert order.due_on == today_local() + dt.timedelta(days=15)  # rule data: 一般 15 日
    gc = site["orgs"]["general_contractor"]
    reg = site["actors"]["regulator"]
    for n in (1, 2):
        _answer(site, order)
        order = services.order_reinspect(actor=reg, order=order, result="failed", note="防护不牢固")
        assert order.status == "failed"
        assert selectors.consecutive_failures(gc) == n
    _answer(site, order)
    sup = site["actors"]["supervisor"]  # the project's supervisor may re-inspect too
    order = services.order_reinspect(actor=sup, order=order, result="passed")
    assert order.status == "passed" and order.closed_at is not None
    assert selectors.consecutive_failures(gc) == 0
    types = list(
        LedgerEntry.objects.filter(type__startswith="compliance.").values_list("type", flat=True)
    )
    assert types.count("compliance.order_answered") == 3
    assert types.count("compliance.order_reinspected") == 3
    entry = LedgerEntry.objects.get(type="compliance.finding_raised")
    body = json.loads(bytes(entry.leaf_input))
    assert body["payload"]["number"] == order.number
    with pytest.raises(ValidationFailed):
        _answer(site, order)  # a passed order is closed


def test_reinspect_before_answer_conflicts(site):
    order = _raise(site)
    with pytest.raises(Conflict):
        services.order_reinspect(actor=site["actors"]["regulator"], order=order, result="passed")


@pytest.mark.parametrize(
    "over, code",
    [
        ({"type": "fire"}, "unknown_finding_type"),
        ({"severity": "huge"}, "unknown_severity"),
        ({"due_on": "yesterday"}, "due_before_inspection"),
        (
            {"photos": [SimpleUploadedFile("x.gif", b"GIF89a....", content_type="image/gif")]},
            "bad_file_type",
        ),
        ({"photos": [SimpleUploadedFile("x.pdf", PDF)]}, "bad_file_type"),
        ({"stop_work": True}, "stop_work_not_allowed"),
        ({"description": "  "}, "description_missing"),
    ],
)
def test_bad_findings_refused_and_nothing_written(site, over, code):
    if over.get("due_on") == "yesterday":
        over["due_on"] = site["inspection"].inspected_on - dt.timedelta(days=1)
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        _raise(site, **over)
    assert exc.value.code == code and exc.value.status == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert _counts() == before


def test_oversize_photo_refused(site, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PHOTO_BYTES", 100)
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        _raise(site, photos=[jpeg(size=(64, 64))])
    assert exc.value.code == "file_too_large" and "超过" in exc.value.message
    assert _counts() == before


def test_non_participant_responsible_refused(site):
    with pytest.raises(ValidationFailed) as exc:
        _raise(site, responsible_organisation=site["orgs"]["other_owner"])
    assert exc.value.code == "not_participant"


def test_contractor_cannot_inspect(site):
    before = _counts()
    with pytest.raises(PermissionDenied) as exc:
        services.inspection_create(
            actor=site["actors"]["contractor"],
            project=site["project"],
            kind="routine",
            inspected_on=today_local(),
        )
    assert exc.value.status == 403 and "监督检查" in exc.value.message
    with pytest.raises(PermissionDenied):
        services.inspection_create(  # a supervisor not on this project
            actor=site["actors"]["other_supervisor"],
            project=site["project"],
            kind="routine",
            inspected_on=today_local(),
        )
    with pytest.raises(ValidationFailed):
        services.inspection_create(
            actor=site["actors"]["regulator"],
            project=site["project"],
            kind="casual",
            inspected_on=today_local(),
        )
    assert _counts() == before


def test_only_the_responsible_org_answers_with_valid_evidence(site):
    order = _raise(site)
    before = _counts()
    with pytest.raises(PermissionDenied) as exc:
        services.order_answer(
            actor=site["actors"]["supervisor"], order=order, text="已整改", files=_evidence()
        )
    assert "责任单位" in exc.value.message
    gc = site["actors"]["contractor"]
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as exc:
        services.order_answer(actor=gc, order=order, text="已整改", files=[jpeg(), bad])
    assert exc.value.code == "bad_file_type"
    with pytest.raises(ValidationFailed):
        services.order_answer(actor=gc, order=order, text="已整改", files=[])
    assert _counts() == before
    assert RectificationOrder.objects.get(pk=order.pk).status == "open"


def test_stop_work_turns_the_project_red_until_cleared(site):
    order = _raise(site, severity="serious", stop_work=True, type="quality")
    assert order.due_on == today_local() + dt.timedelta(days=3)
    project = site["project"]
    warnings_recompute(project=project)
    project.refresh_from_db()
    assert project.warning_level == 4
    facts = project_facts(project)
    assert facts["stop_work_orders"] == [order.number]
    assert facts["open_rectification_orders"] == 1
    _answer(site, order)
    services.order_reinspect(actor=site["actors"]["regulator"], order=order, result="passed")
    warnings_recompute(project=project)
    project.refresh_from_db()
    assert project.warning_level == 0
    assert project_facts(project)["stop_work_orders"] == []


def test_open_orders_block_completion_acceptance(site):
    _raise(site)
    unmet = check_transition(
        Stage.CONSTRUCTION, Stage.COMPLETION_ACCEPTANCE, project_facts(site["project"])
    )
    assert "rectification_orders_closed" in {u.code for u in unmet}


def test_overdue_order_feeds_rectification_warning(site):
    order = _raise(site, due_on=today_local())
    RectificationOrder.objects.filter(pk=order.pk).update(
        due_on=today_local() - dt.timedelta(days=20)
    )
    facts = gather_facts([site["project"]], today_local())[site["project"].pk]
    assert any(order.number in f["text"] for f in facts["findings"])
    warnings_recompute(project=site["project"])
    warning = site["project"].warnings.get(rule_code="rectification_overdue")
    assert warning.level == 2 and order.number in warning.reason
    assert selectors.overdue_orders(actor=site["actors"]["regulator"]).count() == 1


def test_risk_guard_blocks_construction_without_plan(world):
    owner = world["actors"]["owner"]
    project = to_construction_ready(world, create(world))
    risk = services.risk_assess(
        actor=owner,
        project=project,
        items=building_items(deep_excavation={"likelihood": 4, "impact": 5}),
    )
    assert risk.level == "serious" and risk.max_score == 20
    unmet = check_transition(Stage.TENDERING, Stage.CONSTRUCTION, project_facts(project))
    assert [u.code for u in unmet] == ["risk_emergency_plan"]
    with pytest.raises(Exception) as exc:
        projects.project_transition(actor=owner, project=project, target="construction")
    assert "应急预案" in str(exc.value.args[0]) or "应急预案" in str(
        getattr(exc.value, "details", "")
    )
    with pytest.raises(ValidationFailed) as bad:
        services.risk_emergency_plan_file(
            actor=owner, project=project, emergency_plan=jpeg(), responsible_person="王工"
        )
    assert bad.value.code == "bad_file_type"
    with pytest.raises(ValidationFailed):
        services.risk_emergency_plan_file(
            actor=owner, project=project, emergency_plan=_plan(), responsible_person=""
        )
    services.risk_emergency_plan_file(
        actor=owner, project=project, emergency_plan=_plan(), responsible_person="王工"
    )
    entry = LedgerEntry.objects.get(type="compliance.emergency_plan_filed")
    assert RiskAssessment.objects.get().emergency_plan_sm3 in bytes(entry.leaf_input).decode()
    project = projects.project_transition(actor=owner, project=project, target="construction")
    assert project.stage == "construction"


def test_low_risk_and_no_assessment_pass_the_guard(world):
    project = to_construction_ready(world, create(world))
    assert check_transition(Stage.TENDERING, Stage.CONSTRUCTION, project_facts(project)) == []
    services.risk_assess(actor=world["actors"]["owner"], project=project, items=building_items())
    assert RiskAssessment.objects.get().level == "low"
    assert check_transition(Stage.TENDERING, Stage.CONSTRUCTION, project_facts(project)) == []


def test_risk_bad_input(world):
    owner = world["actors"]["owner"]
    project = create(world)
    with pytest.raises(ValidationFailed) as exc:
        services.risk_assess(actor=owner, project=project, items=building_items(volcano={}))
    assert exc.value.code == "unknown_risk_item"
    items = building_items()
    items.pop("geology")
    with pytest.raises(ValidationFailed) as exc:
        services.risk_assess(actor=owner, project=project, items=items)
    assert "地质条件" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        services.risk_assess(
            actor=owner,
            project=project,
            items=building_items(geology={"likelihood": 6, "impact": 1}),
        )
    assert exc.value.code == "bad_risk_value"
    with pytest.raises(PermissionDenied):
        services.risk_assess(
            actor=world["actors"]["other_owner"], project=project, items=building_items()
        )
    assert not RiskAssessment.objects.exists()


def test_order_pdf_has_chinese_text(site, tmp_path):
    order = _raise(site)
    data = order_pdf.order_pdf(order)
    assert data.startswith(b"%PDF")
    path = tmp_path / "order.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "整改通知单" in text and "临边防护缺失" in text and order.number in text
