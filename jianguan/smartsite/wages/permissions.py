"""Grants for wages (deny by default). Which project and which payroll each may reach is decided
per object in ``services``/``selectors`` (the project's general contractor, the payroll's
employer, the regulator)."""

from jianguan.core.permissions import pairs, register
from jianguan.smartsite.workers.permissions import LABOUR_OFFICERS, REGULATOR

# The GC's labour officer (劳资专管员, 第二十八条) keeps the account, drafts and pays (第三十一条).
register(
    "smartsite.wages_manage",
    "管理工资专用账户、编制和发放农民工工资",
    pairs("general_contractor", ("admin", "staff")),
)
# Daily rates are agreed between the employer and its workers: either labour officer sets them.
register("smartsite.pay_rates_set", "设定日工资标准", LABOUR_OFFICERS)
# The subcontractor verifies its workers' workload each month (第三十一条).
register("smartsite.payroll_confirm", "确认本单位工资表（考核工作量）", LABOUR_OFFICERS)
register(
    "smartsite.wage_arrears_decide",
    "认定拖欠农民工工资并记入信用",
    [g for g in REGULATOR if g[1] in ("admin", "staff")],
)
