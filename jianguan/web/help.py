"""操作说明 (help): one page per module, and the statutory clocks each module runs on.

The clocks are read from the rule data (district over Beijing over national, in force today),
so a help page never states a number of the law that the platform does not itself apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from jianguan.core.timeutil import today_local
from jianguan.rules.labels import CLOCK_UNITS, display_value
from jianguan.rules.models import REGION_CHAIN, Region, Rule


@dataclass(frozen=True)
class HelpModule:
    slug: str
    title: str
    icon: str
    summary: str
    # rule code groups (the part before the first dot) whose time limits this module applies
    rule_groups: tuple[str, ...] = field(default=())


MODULES: tuple[HelpModule, ...] = (
    HelpModule(
        "projects",
        "项目台账与一张图",
        "ti-list-details",
        "政府投资项目从立项到保修期的统一台账：阶段、关键节点、五方责任主体、预警与地图。",
        ("warning", "completion_acceptance", "warranty", "five_parties", "archive", "quality"),
    ),
    HelpModule(
        "tendering",
        "电子招投标",
        "ti-gavel",
        "招标公告、招标文件、密封投标、开标解密、评标、公示、定标与投诉异议的全流程。",
        (
            "tender",
            "tender_notice",
            "prequal",
            "clarification",
            "bid_opening",
            "bid_bond",
            "objection",
            "complaint",
            "publicity",
            "award",
            "contract",
        ),
    ),
    HelpModule(
        "experts",
        "评标专家",
        "ti-users-group",
        "评标专家库、随机抽取评标委员会、回避与评分表提交。",
        ("expert", "evaluation_committee"),
    ),
    HelpModule(
        "contracts",
        "合同支付",
        "ti-file-certificate",
        "合同、工程量清单、变更与签证、进度款双审双控、支付与质量验收。",
        ("payment", "payment_claim", "retention", "variation", "settlement", "acceptance"),
    ),
    HelpModule(
        "compliance",
        "检查整改与信用评价",
        "ti-clipboard-check",
        "风险评估、监督检查、整改通知与复查、红黄牌、黑名单与企业和人员的信用分。",
        ("rectification", "card", "blacklist", "credit", "risk", "bid_ban"),
    ),
    HelpModule(
        "registry",
        "资质与准入核验",
        "ti-certificate",
        "企业资质、证照与注册人员，以及投标资格的准入核验。",
        ("access_standard", "registered_constructor"),
    ),
    HelpModule(
        "rules",
        "规则库与工作日历",
        "ti-scale",
        "平台中每一个法定时限、比例与限值的出处与生效期间，以及计算工作日所用的日历。",
    ),
    HelpModule(
        "ledger",
        "可信存证",
        "ti-fingerprint",
        "每一项监管决定都记入防篡改的默克尔日志，任何人均可离线核验。",
    ),
)

BY_SLUG = {m.slug: m for m in MODULES}


@dataclass(frozen=True)
class Clock:
    name: str
    value: str
    reference: str
    region: str
    verified: bool


def clocks_for(module: HelpModule) -> list[Clock]:
    """The time limits in force today for the module's rule groups, in one query."""
    if not module.rule_groups:
        return []
    today = today_local()
    chain = list(REGION_CHAIN[Region.DAXING])
    prefix = Q()
    for group in module.rule_groups:
        prefix |= Q(code__startswith=group + ".")
    rows = (
        Rule.objects.filter(prefix, unit__in=CLOCK_UNITS, region__in=chain)
        .filter(effective_from__lte=today)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .order_by("code", "-effective_from")
    )
    # District over Beijing over national, the newest version within a region (as lookup.rule).
    best: dict[str, Rule] = {}
    for rule in rows:
        held = best.get(rule.code)
        if held is None or chain.index(rule.region) < chain.index(held.region):
            best[rule.code] = rule
    order = {g: i for i, g in enumerate(module.rule_groups)}
    ranked = sorted(best.values(), key=lambda r: (order[r.code.split(".")[0]], r.code))
    return [
        Clock(
            name=r.name,
            value=display_value(r.value, r.unit),
            reference=r.reference,
            region=r.get_region_display(),
            verified=r.verified,
        )
        for r in ranked
    ]
