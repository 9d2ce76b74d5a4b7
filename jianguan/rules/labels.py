"""Chinese words for rule units and rule groups (the first part of a rule's code), for pages.

The codes themselves stay in the data and the API; people read these labels (issue 16).
"""

from __future__ import annotations

import re

UNITS: dict[str, str] = {
    "bool": "",
    "day": "日",
    "working_day": "个工作日",
    "month": "个月",
    "year": "年",
    "hour": "小时",
    "minute": "分钟",
    "season": "季",
    "points": "分",
    "ratio": "",  # shown as a percentage instead
    "factor": "倍",
    "count": "次",
    "text": "",
    "yuan": "元",
    "db_a": "dB(A)",
    "ug_m3": "μg/m³",
    "time_range": "",
}

# Units that are time limits: the help pages list these as the module's statutory clocks.
CLOCK_UNITS = {"day", "working_day", "month", "year", "hour"}

GROUPS: dict[str, str] = {
    "abnormally_low_bid": "异常低价",
    "acceptance": "质量验收",
    "advance": "预付款",
    "access_standard": "准入标准",
    "archive": "工程档案",
    "award": "定标与中标通知",
    "bid_ban": "禁止投标",
    "bid_bond": "投标保证金",
    "bid_opening": "开标",
    "bidders": "投标人数",
    "blacklist": "黑名单",
    "candidates": "中标候选人",
    "card": "红黄牌",
    "clarification": "澄清与修改",
    "collusion": "围标串标筛查",
    "complaint": "投诉",
    "completion_acceptance": "竣工验收",
    "contract": "合同签订",
    "credit": "信用评价",
    "defects_insurance": "工程质量潜在缺陷保险",
    "dust": "扬尘",
    "e_tendering": "电子招投标",
    "evaluation": "评标办法",
    "evaluation_committee": "评标委员会",
    "expert": "评标专家",
    "five_parties": "五方责任主体",
    "funding": "资金来源",
    "labour_register": "劳动用工登记",
    "lifetime_responsibility": "终身责任",
    "noise": "施工噪声",
    "objection": "异议",
    "overpayment": "超付",
    "payment": "工程款支付",
    "payment_claim": "进度款申请",
    "performance_bond": "履约保证金",
    "prequal": "资格预审",
    "procurement": "政府采购",
    "procurement_ban": "禁止参加政府采购",
    "publicity": "中标候选人公示",
    "quality": "工程质量",
    "rectification": "整改",
    "registered_constructor": "注册建造师",
    "retention": "质量保证金",
    "risk": "风险评估",
    "safety": "安全生产",
    "settlement": "竣工结算",
    "smartsite": "智慧工地",
    "rfi": "工作联系单",
    "subcontract": "分包",
    "submittal": "报审报验",
    "tender": "招标",
    "tender_notice": "招标公告",
    "tracking_audit": "全过程跟踪审计",
    "variation": "变更与签证",
    "wage": "农民工工资",
    "wage_account": "工资专用账户",
    "warning": "项目预警",
    "warranty": "保修",
    "worker_registration": "实名制登记",
}

# Keys of a rule value that is a table (warning thresholds by level).
KEYS = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}


def unit_label(unit: str) -> str:
    return UNITS.get(unit, unit)


def group_label(group: str) -> str:
    return GROUPS.get(group, "其他")


def _one(value, unit: str) -> str:
    from decimal import Decimal, InvalidOperation

    if value is True:
        return "是"
    if value is False:
        return "否"
    if unit == "ratio":
        try:
            pct = Decimal(str(value)) * 100
        except (InvalidOperation, ValueError):
            return str(value)
        # 0.03 -> 3 %, 0.0005 -> 0.05 %: no trailing zeros, so the law's own figure shows.
        text = f"{pct.normalize():f}"
        return f"{text} %"
    if unit == "yuan":
        try:
            return f"{Decimal(str(value)):,.2f} 元"
        except (InvalidOperation, ValueError):
            return str(value)
    label = unit_label(unit)
    return f"{value} {label}".strip() if label else str(value)


def display_value(value, unit: str) -> str:
    """A rule's value as people read it: 0.03 ratio -> "3 %", 20 day -> "20 日", ranges as a–b."""
    if isinstance(value, dict):
        if "min" in value and "max" in value:
            return f"{_one(value['min'], unit)} – {_one(value['max'], unit)}"
        if "start" in value and "end" in value:
            return f"{value['start']} – {value['end']}"
        return "；".join(f"{KEYS.get(k, k)} {_one(v, unit)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_one(v, unit) for v in value)
    return _one(value, unit)


_CODE = re.compile(r"\b[a-z][a-z_]*\.[a-z_.]*[a-z]\b")


def name_codes(text: str, names: dict[str, str]) -> str:
    """A note that cites another rule by code reads its name instead: 见 procurement_ban.period
    -> 见「禁止参加政府采购的期限」. Unknown dotted words (a web address) stay as written."""
    return _CODE.sub(
        lambda m: f"「{names[m.group(0)]}」" if m.group(0) in names else m.group(0), text
    )
