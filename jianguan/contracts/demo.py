"""Demo contracts for the projects in construction, through the real services.

The flagship (the demo owner's school building, built by the demo contractor and supervised
by the demo supervisor) carries the whole story: a BoQ imported from Excel, both signatures,
a specialist subcontract, variations and 签证 (one waiting for the regulator, one rejected),
two paid claims, a claim cut by the finance review and cut again by the auditor, a draft
that inflates a quantity beyond the BoQ (refused by the automatic check) and an acceptance
tree with a failed inspection lot. Two more contracts wait in the finance and the audit
worklists; the rest of the projects in construction get a signed contract with its BoQ.

Organisations without a demo login act through a stand-in signer (``demo-…``), marked as
such in the ledger. Idempotent: nothing is added once any contract exists.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jianguan.accounts import services as accounts
from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import Organisation, User
from jianguan.contracts.acceptance import services as acc
from jianguan.contracts.boq import services as boq_services
from jianguan.contracts.claims import reviews
from jianguan.contracts.claims import services as claim_services
from jianguan.contracts.demo_catalogue import BUILDING_BOQ, CIVIL_BOQ, FIRE_BOQ
from jianguan.contracts.models import ClaimLine, Contract, PaymentClaim
from jianguan.contracts.payments import money, qty
from jianguan.contracts.services import contracts as contract_services
from jianguan.contracts.variations import services as var_services
from jianguan.core.actor import SYSTEM, Actor
from jianguan.core.demo import clock as demo_clock
from jianguan.core.errors import DomainError
from jianguan.core.timeutil import SHANGHAI, now, today_local
from jianguan.projects.models import KeyNode, Participant, Project

FLAGSHIP = "北京市大兴区第八中学综合楼新建工程"


def _stand_in(org: Organisation) -> Actor:
    """A signer for an organisation without a demo login: a real user with a random password
    (nobody logs in as it), so every demo entry has a named person behind it."""
    username = f"demo-{org.credit_code[-8:]}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.user_create(
            actor=SYSTEM,
            username=username,
            password=secrets.token_urlsafe(24),
            display_name=f"{org.name[:20]}授权签章人",
        )
        accounts.membership_grant(
            actor=SYSTEM, user=user, organisation=org, roles=["admin", "staff", "signer"]
        )
    return actor_for(user, org.pk)


class _People:
    def __init__(self) -> None:
        names = ["regulator", "owner", "contractor", "supervisor", "finance", "auditor"]
        users = {u.username: u for u in User.objects.filter(username__in=names + ["subcontractor"])}
        self.by_name = {n: actor_for(u) for n, u in users.items()}
        self.by_org = {a.organisation_id: a for a in self.by_name.values()}

    def __getitem__(self, name: str) -> Actor:
        return self.by_name[name]

    def of(self, org: Organisation) -> Actor:
        if org.pk not in self.by_org:
            self.by_org[org.pk] = _stand_in(org)
        return self.by_org[org.pk]


def _workbook(rows: list[tuple], price: Decimal) -> tuple[SimpleUploadedFile, Decimal]:
    book = Workbook()
    sheet = book.active
    sheet.append(["项目编码", "项目名称", "项目特征", "计量单位", "工程量", "综合单价", "合价"])
    total = Decimal(0)
    for code, name, feature, unit, share, rate in rows:
        rate = Decimal(rate)
        quantity = (price * Decimal(share) / rate).quantize(Decimal("0.001"), ROUND_HALF_UP)
        if unit in ("樘", "台", "套", "个", "座", "株"):
            quantity = quantity.quantize(Decimal(1), ROUND_HALF_UP) or Decimal(1)
        amount = money(quantity * rate)
        total += amount
        sheet.append([code, name, feature, unit, str(quantity), str(rate), str(amount)])
    buf = io.BytesIO()
    book.save(buf)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return SimpleUploadedFile("工程量清单.xlsx", buf.getvalue(), content_type=xlsx), total


def _participant(project: Project, role: str) -> Organisation | None:
    row = (
        Participant.objects.filter(project=project, role=role, is_active=True)
        .select_related("organisation")
        .first()
    )
    return row.organisation if row else None


def _contract(people: _People, project: Project, auditor: Organisation) -> Contract | None:
    """A signed main contract with its BoQ (the price is the BoQ's total)."""
    gc = _participant(project, "general_contractor")
    if gc is None or _participant(project, "supervisor") is None:
        return None
    owner = people.of(project.owner)
    rows = BUILDING_BOQ if project.type == "building" else CIVIL_BOQ
    target = (project.budget * Decimal("0.72")).quantize(Decimal(1))
    stage = project.stages.filter(stage="construction").first()
    start = (stage.actual_start or stage.planned_start) if stage else today_local()
    # Signed before the works began (the permit needs the contract), not on the day of seeding.
    signed = dt.datetime.combine(start - dt.timedelta(days=10), dt.time(10), SHANGHAI)
    with demo_clock(min(signed, now()), "jianguan.contracts"):
        return _contract_signed(people, project, auditor, gc, owner, start, rows, target)


def _contract_signed(people, project, auditor, gc, owner, start, rows, target) -> Contract:
    file, total = _workbook(rows, target)
    contract = contract_services.contract_create(
        actor=owner,
        project=project,
        contractor=gc,
        title=f"{project.name}施工总承包合同",
        price=total,
        duration_days=720 if project.type == "building" else 540,
        tender_code=f"ZB-{start.year}-{project.pk:04d}",
        start_on=start,
        auditor=auditor,
        advance_ratio="0.10",
        progress_ratio="0.85",
        retention_form="cash",
        retention_ratio="0.03",
        security_form="bank_guarantee",
        security_amount=str(money(total * Decimal("0.05"))),
        security_reference=f"BH{start:%Y%m%d}{project.pk:04d}",
    )
    boq_services.boq_import(actor=owner, contract=contract, file=file)
    contract_services.contract_sign(actor=owner, contract=contract)
    return contract_services.contract_sign(actor=people.of(gc), contract=contract)


def _q(value: Decimal) -> str:
    return str(qty(value))


def _items(contract: Contract) -> dict[str, Any]:
    return {i.code: i for i in contract.boq_items.all()}


def _new_line(code: str, name: str, feature: str, unit: str, rate: str, quantity: str) -> dict:
    """A BoQ line a variation adds, with its own rate."""
    return {
        "code": code,
        "name": name,
        "feature": feature,
        "unit": unit,
        "unit_rate": rate,
        "quantity": quantity,
    }


def _variation(contract: Contract, raised_by: Actor, decisions, **fields: Any) -> None:
    """Raise one variation and take it through `decisions`: [(actor, decision, opinion)]."""
    variation = var_services.variation_raise(actor=raised_by, contract=contract, **fields)
    for actor, decision, opinion in decisions:
        var_services.variation_decide(
            actor=actor, variation=variation, decision=decision, opinion=opinion
        )


def _variations(people: _People, contract: Contract) -> int:
    items = _items(contract)
    gc, sup, owner = (
        people.of(contract.contractor),
        people.of(contract.supervisor),
        people.of(contract.employer),
    )
    slab = items[next(code for code in items if code.startswith(("010505", "040203")))]
    _variation(
        contract,
        gc,
        [(sup, "approve", "同意变更"), (owner, "approve", "同意")],
        kind="variation",
        title="楼板加厚及增设后浇带",
        reason="施工图设计变更：三层报告厅楼板由120mm加厚至150mm，增设后浇带。",
        cause="design_change",
        cause_reference="设计变更通知单 SJBG-03",
        lines=[
            {"boq_item": slab.pk, "quantity_delta": _q(slab.quantity / 20)},
            _new_line("010508001001", "后浇带", "C40微膨胀混凝土", "m3", "860.00", "85.5"),
        ],
    )
    _variation(
        contract,
        gc,
        [(sup, "approve", "情况属实"), (owner, "approve", "")],
        kind="site_instruction",
        title="地下障碍物清除",
        reason="基坑开挖中发现原有建筑基础，经四方现场确认需破除外运。",
        cause="site_condition",
        lines=[
            _new_line(
                "010103002001", "余方弃置", "原建筑基础破除外运，运距15km", "m3", "64.00", "1260"
            )
        ],
    )
    return 2


def _flagship_extras(people: _People, contract: Contract) -> None:
    items = _items(contract)
    gc, sup, owner = people["contractor"], people["supervisor"], people["owner"]
    # one large change waits for the regulator (above the district's threshold)
    rebar = items[next(code for code in items if code.startswith("010515"))]
    _variation(
        contract,
        gc,
        [(sup, "approve", "同意"), (owner, "approve", "同意")],
        kind="variation",
        title="增设地下一层风雨操场",
        reason="建设单位要求增加地下风雨操场，已取得设计变更及概算调整批复。",
        cause="owner_request",
        cause_reference="京兴教函〔2026〕41号",
        lines=[{"boq_item": rebar.pk, "quantity_delta": _q(rebar.quantity / 2)}],
    )
    # and one the supervisor turned down
    _variation(
        contract,
        gc,
        [(sup, "reject", "排水措施费已包含在安全文明施工及措施项目费中，不另行签证。")],
        kind="site_instruction",
        title="雨季排水措施费",
        reason="连续降雨增加基坑排水台班。",
        cause="site_condition",
        lines=[_new_line("011707001001", "排水、降水", "潜水泵排水", "工日", "420.00", "60")],
    )


def _periods(project: Project, count: int) -> list[tuple[dt.date, dt.date]]:
    """`count` monthly periods ending before the first key node that gates payment and has
    not passed (its planned date), and before this month."""
    today = today_local()
    end = today.replace(day=1) - dt.timedelta(days=1)
    pending = (
        KeyNode.objects.filter(project=project, gates_payment=True)
        .exclude(status="passed")
        .exclude(planned_date__isnull=True)
        .order_by("planned_date")
        .values_list("planned_date", flat=True)
        .first()
    )
    if pending is not None and pending <= end:
        end = pending.replace(day=1) - dt.timedelta(days=1)
    out = []
    for _ in range(count):
        start = end.replace(day=1)
        out.append((start, end))
        end = start - dt.timedelta(days=1)
    return out[::-1]


def _claim(people: _People, contract: Contract, period, share: Decimal):
    lines = [
        {
            "boq_item": item.pk,
            "cumulative_quantity": _q(item.current_quantity * share),
            "evidence_note": f"第{period[1]:%m}月计量单 JL-{period[1]:%Y%m}",
        }
        for item in contract.boq_items.order_by("sequence")
    ]
    claim = claim_services.claim_create(
        actor=people.of(contract.contractor),
        contract=contract,
        period_start=period[0],
        period_end=period[1],
        lines=lines,
    )
    return claim_services.claim_submit(actor=people.of(contract.contractor), claim=claim)


def _review(people: _People, claim: PaymentClaim, org: Organisation, cuts=(), opinion="同意"):
    actor = people.of(org)
    review = reviews.review_start(actor=actor, claim=claim)
    for line, ratio, reason in cuts:
        accepted = max(qty(line.cumulative_quantity * ratio), line.previous_quantity)
        reviews.review_cut(
            actor=actor, review=review, line=line, accepted_quantity=accepted, reason=reason
        )
    reviews.review_submit(actor=actor, review=review, decision="approve", opinion=opinion)
    claim.refresh_from_db()
    return claim


def _through(people, claim, until: str, finance_cuts=(), audit_cuts=()) -> PaymentClaim:
    c = claim.contract
    claim = _review(people, claim, c.supervisor, opinion="工程量经现场核实")
    claim = _review(people, claim, c.employer)
    if until == "finance":
        return claim
    claim = _review(people, claim, c.finance_bureau, finance_cuts, "财政评审意见见审减明细")
    if until == "audit":
        return claim
    return _review(people, claim, c.auditor, audit_cuts, "审计复审意见见审减明细")


def _lines(claim: PaymentClaim) -> list[ClaimLine]:
    return list(ClaimLine.objects.filter(claim=claim).order_by("boq_item__sequence"))


def _pay(people: _People, claim: PaymentClaim) -> None:
    claim_services.payment_record(
        actor=people["finance"],
        claim=claim,
        amount=claim.payable_amount,
        paid_on=today_local(),
        reference=f"GKZF{claim.number[-8:].replace('-', '')}",
    )


def _flagship_claims(people: _People, contract: Contract) -> dict[str, int]:
    periods = _periods(contract.project, 4)
    paid = 0
    for period, share in zip(periods[:2], (Decimal("0.18"), Decimal("0.36")), strict=True):
        claim = _through(people, _claim(people, contract, period, share), "approved")
        _pay(people, claim)
        paid += 1
    claim = _claim(people, contract, periods[2], Decimal("0.55"))
    lines = _lines(claim)
    claim = _through(
        people,
        claim,
        "approved",
        finance_cuts=[
            (lines[5], Decimal("0.90"), "满堂基础工程量按竣工图复核，扣减重复计算的集水坑部分"),
            (lines[9], Decimal("0.93"), "钢筋工程量按施工图重新计算，扣除搭接长度多计部分"),
        ],
        audit_cuts=[
            (lines[9], Decimal("0.88"), "抽查钢筋隐蔽验收记录，三层以上钢筋未完成验收"),
            (lines[14], Decimal("0.80"), "外窗到货未安装部分不予计量"),
        ],
    )
    # the draft that claims more rebar than the contract holds: the automatic check refuses it
    draft = claim_services.claim_create(
        actor=people["contractor"],
        contract=contract,
        period_start=periods[3][0],
        period_end=periods[3][1],
        lines=[
            {
                "boq_item": line.boq_item_id,
                "cumulative_quantity": _q(
                    line.boq_item.current_quantity * Decimal("1.30" if i == 9 else "0.68")
                ),
                "evidence_note": f"第{periods[3][1]:%m}月计量单",
            }
            for i, line in enumerate(lines)
        ],
    )
    try:
        claim_services.claim_submit(actor=people["contractor"], claim=draft)
    except DomainError:
        pass  # 累计申报工程量超过合同工程量: stays a draft with the failed check shown
    return {"paid": paid, "cut_twice": 1, "refused_draft": 1}


def _waiting_claim(people: _People, contract: Contract, until: str) -> None:
    period = _periods(contract.project, 1)[0]
    claim = _claim(people, contract, period, Decimal("0.22"))
    lines = _lines(claim)
    _through(
        people,
        claim,
        until,
        finance_cuts=[(lines[1], Decimal("0.92"), "土方工程量按实测断面复核")],
    )


def _subcontract(people: _People, contract: Contract) -> None:
    """The fire-protection specialist subcontract: BoQ, the owner's approval, both signatures."""
    sub = people["subcontractor"].organisation if "subcontractor" in people.by_name else None
    if sub is None:
        return
    gc = people["contractor"]
    file, total = _workbook(FIRE_BOQ, (contract.price * Decimal("0.035")).quantize(Decimal(1)))
    s = contract_services.subcontract_create(
        actor=gc,
        parent=contract,
        contractor=sub,
        subcontract_type="specialist",
        title="消防工程专业分包合同",
        scope="消火栓及自动喷水灭火系统、火灾自动报警系统的供应与安装",
        price=str(total),
        duration_days=240,
    )
    boq_services.boq_import(actor=gc, contract=s, file=file)
    contract_services.subcontract_approve(
        actor=people["owner"], contract=s, approve=True, opinion="同意分包"
    )
    contract_services.contract_sign(actor=gc, contract=s)
    contract_services.contract_sign(actor=people["subcontractor"], contract=s)


def _acceptance(people: _People, contract: Contract) -> None:
    gc, sup = people["contractor"], people["supervisor"]

    def add(level, code, name, parent=None):
        return acc.acceptance_item_add(
            actor=gc, contract=contract, level=level, code=code, name=name, parent=parent
        )

    def ok(item):
        acc.acceptance_self_check(actor=gc, item=item, note="自检合格")
        acc.acceptance_decide(actor=sup, item=item, passed=True, opinion="验收合格")

    unit = add("unit", "DW01", "综合楼")
    base = add("division", "DW01-01", "地基与基础", unit)
    for i, name in enumerate(("土方开挖", "灌注桩", "筏板基础"), 1):
        sub = add("subdivision", f"DW01-01-{i:02d}", name, base)
        for j in (1, 2):
            ok(add("lot", f"DW01-01-{i:02d}-{j:02d}", f"{name}检验批{j}", sub))
        ok(sub)
    ok(base)
    body = add("division", "DW01-02", "主体结构", unit)
    concrete = add("subdivision", "DW01-02-01", "混凝土结构", body)
    ok(add("lot", "DW01-02-01-01", "一层柱梁板混凝土", concrete))
    ok(add("lot", "DW01-02-01-02", "二层柱梁板混凝土", concrete))
    rebar = add("subdivision", "DW01-02-02", "钢筋", body)
    ok(add("lot", "DW01-02-02-01", "二层钢筋安装", rebar))
    bad = add("lot", "DW01-02-02-02", "三层钢筋安装", rebar)
    acc.acceptance_self_check(actor=gc, item=bad, note="自检合格")
    acc.acceptance_decide(
        actor=sup,
        item=bad,
        passed=False,
        opinion="三层梁柱节点箍筋间距超差，部分钢筋保护层垫块缺失",
        severity="general",
    )
    add("division", "DW01-03", "建筑装饰装修", unit)


def seed() -> dict[str, object]:
    if Contract.objects.exists():
        return {"skipped": Contract.objects.count()}
    people = _People()
    auditors = list(Organisation.objects.filter(kind="auditor").order_by("pk"))
    if not auditors or "owner" not in people.by_name:
        return {"skipped": "no demo organisations"}
    main_auditor = people["auditor"].organisation if "auditor" in people.by_name else auditors[0]
    projects = list(
        Project.objects.filter(stage="construction", contracts__isnull=True)
        .select_related("owner")
        .order_by("code")
    )
    flagship = next((p for p in projects if p.name == FLAGSHIP), None)
    result: dict[str, Any] = {"contracts": 0, "variations": 0}
    if flagship is not None:
        contract = _contract(people, flagship, main_auditor)
        if contract is not None:
            result["contracts"] += 1
            result["variations"] += _variations(people, contract) + 2
            _flagship_extras(people, contract)
            contract.refresh_from_db()
            result["claims"] = _flagship_claims(people, contract)
            _subcontract(people, contract)
            _acceptance(people, contract)
    waiting = ["audit", "finance"]
    for i, project in enumerate(p for p in projects if p is not flagship):
        contract = _contract(
            people, project, auditors[i % len(auditors)] if i > 1 else main_auditor
        )
        if contract is None:
            continue
        result["contracts"] += 1
        if i % 3 == 0:
            result["variations"] += _variations(people, contract)
            contract.refresh_from_db()
        if waiting and contract.auditor_id == main_auditor.pk:
            _waiting_claim(people, contract, waiting.pop(0))
    return result
