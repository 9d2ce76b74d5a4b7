"""Grants for real-name workers and attendance (deny by default).

Who acts: the general contractor's and the labour subcontractor's 劳资专管员 (labour officer,
保障农民工工资支付条例 第二十八条) hold the admin or staff role of their firm; the regulator
supervises. Which project and which workers each may reach is decided per object in
``selectors`` (participation in the project, employer of the worker).
"""

from jianguan.core.permissions import MEMBER_ROLES, pairs, register

REGULATOR = [("regulator", "admin"), ("regulator", "staff"), ("regulator", "inspector")]
LABOUR_OFFICERS = pairs(("general_contractor", "labour_subcontractor"), ("admin", "staff"))

register("smartsite.view", "查看智慧工地", pairs("*", MEMBER_ROLES))
register(
    "smartsite.workers_manage",
    "登记工人、签订劳动合同、办理进场和补录考勤",
    LABOUR_OFFICERS,
)
# The full identity and bank card numbers: only those who need them for wages and checks.
register("smartsite.identity_view", "查看完整身份证号和银行卡号", [*LABOUR_OFFICERS, *REGULATOR])
register(
    "smartsite.devices_manage",
    "登记考勤闸机",
    pairs("general_contractor", ("admin", "staff")),
)
register(
    "smartsite.alerts_handle",
    "处理进场告警",
    [*pairs("general_contractor", ("admin", "staff")), *REGULATOR],
)
# The personal blacklist is the regulator's (whoever decides, lists: 建市〔2017〕241号).
register(
    "smartsite.worker_blacklist_manage",
    "管理工人黑名单（列入、移出）",
    [g for g in REGULATOR if g[1] in ("admin", "staff")],
)
