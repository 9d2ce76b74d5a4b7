"""Investment control figures of one project (概算 → 预算/最高投标限价 → 合同价 → 变更 →
已付 → 预测总投资 → 结算): the arithmetic and the deviations. Pure (no Django): the
selectors gather the sums in a few aggregate queries and hand them here.

政府投资条例 第二十三条: the investment must not exceed the approved estimate (概算); the
project register's cost_overrun warning weighs the forecast against it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole to four places (shown as a percentage), None when there is no whole."""
    if part is None or not whole or whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    estimate: Decimal  # 批复概算 (Project.budget)
    budget: Decimal | None  # 预算, or the tenders' price ceilings (最高投标限价)
    budget_source: str  # "plan" | "ceiling" | ""
    contract_price: Decimal  # 签约合同价 of the main contracts
    variations_approved: Decimal  # 已批准变更、签证 (current value − signed price)
    variations_pending: Decimal  # 审批中的变更、签证
    contingency: Decimal  # owner's reserve for what is not yet known
    paid: Decimal  # 累计已支付
    settled: Decimal | None  # 结算审定金额, when every main contract has one

    @property
    def contract_current(self) -> Decimal:
        return self.contract_price + self.variations_approved

    @property
    def forecast(self) -> Decimal:
        """预测总投资: the settled amount once known; before, the current contract value plus
        the variations being approved plus the contingency."""
        if self.settled is not None:
            return self.settled
        return self.contract_current + self.variations_pending + self.contingency

    @property
    def forecast_deviation(self) -> Decimal:
        return self.forecast - self.estimate

    @property
    def forecast_ratio(self) -> Decimal | None:
        return ratio(self.forecast, self.estimate)

    @property
    def contract_vs_budget(self) -> Decimal | None:
        return None if self.budget is None else self.contract_price - self.budget

    @property
    def paid_ratio(self) -> Decimal | None:
        return ratio(self.paid, self.contract_current)

    @property
    def settled_vs_contract(self) -> Decimal | None:
        return None if self.settled is None else self.settled - self.contract_current


def figures(
    *,
    estimate,
    plan_budget=None,
    ceilings=None,
    contract_price=0,
    contract_current=0,
    pending=0,
    contingency=0,
    paid=0,
    settled=None,
) -> Figures:
    if plan_budget is not None:
        budget, source = _money(plan_budget), "plan"
    elif ceilings:
        budget, source = _money(ceilings), "ceiling"
    else:
        budget, source = None, ""
    price = _money(contract_price)
    return Figures(
        estimate=_money(estimate),
        budget=budget,
        budget_source=source,
        contract_price=price,
        variations_approved=_money(contract_current) - price,
        variations_pending=_money(pending),
        contingency=_money(contingency),
        paid=_money(paid),
        settled=None if settled is None else _money(settled),
    )


def overrun_facts(f: Figures) -> dict:
    """What the cost_overrun warning weighs (FACT KEYS of jianguan.projects.warnings): the
    forecast as contract value plus "variations" (approved, pending and the contingency), or
    the settled amount alone once the final accounts are settled."""
    if f.settled is not None:
        return {"contract_value": f.settled, "variations_value": ZERO}
    return {
        "contract_value": f.contract_price,
        "variations_value": f.forecast - f.contract_price,
    }


def add(rows: list[Figures]) -> dict[str, Decimal]:
    """Totals of a group of projects (district view)."""
    out = {
        k: ZERO
        for k in (
            "estimate",
            "budget",
            "contract_price",
            "variations_approved",
            "variations_pending",
            "contingency",
            "paid",
            "forecast",
            "settled",
        )
    }
    for f in rows:
        out["estimate"] += f.estimate
        out["budget"] += f.budget or ZERO
        out["contract_price"] += f.contract_price
        out["variations_approved"] += f.variations_approved
        out["variations_pending"] += f.variations_pending
        out["contingency"] += f.contingency
        out["paid"] += f.paid
        out["forecast"] += f.forecast
        out["settled"] += f.settled or ZERO
    out["deviation"] = out["forecast"] - out["estimate"]
    out["forecast_ratio"] = ratio(out["forecast"], out["estimate"])
    out["paid_ratio"] = ratio(out["paid"], out["contract_price"] + out["variations_approved"])
    return out
