"""The first-login guide: a short, role-specific "what to do first" on the dashboard.

Shown until the person closes it (a GuideDismissal row): closing it is the only write, done
by `guide_dismiss`. The steps link only to pages the actor's grants open (each step names
the permission its page asks for), so the guide never points at a 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from jianguan.core.actor import Actor
from jianguan.core.permissions import permission_required
from jianguan.web.models import GuideDismissal

# (text, url name, permission the page asks for)
Step = tuple[str, str, str]

_TODO: Step = ("先看工作台的“待办”：需要您处理的事项按法定期限排列，逾期的标红。", "", "")
_HELP: Step = ("不清楚怎么做时，打开右上角用户菜单中的“操作说明”。", "web:help", "dashboard.view")

STEPS: dict[str, list[Step]] = {
    "regulator": [
        (
            "在“项目台账”和“一张图”中查看全区项目及其预警。",
            "projects:register",
            "projects.view_own",
        ),
        ("在“检查整改”中开展检查、签发整改通知单并复查。", "compliance:index", "compliance.view"),
        ("在“电子招投标”中监督开标、评标，处理投诉。", "tendering:index", "tendering.view"),
        ("在“可信存证”中检索和核验各项决定的存证记录。", "ledger:ledger_home", "ledger.view_all"),
    ],
    "owner": [
        (
            "在“项目台账”中核对本单位的项目、参建单位和关键节点。",
            "projects:register",
            "projects.view_own",
        ),
        (
            "招标：在“电子招投标”中新建招标，或在“招标委托”中委托代理机构。",
            "tendering:index",
            "tendering.view",
        ),
        ("在“合同支付”中签订合同、审批变更并审核进度款。", "contracts:index", "contracts.view"),
    ],
    "contractor": [
        ("在“合同支付”中查看合同与清单，按期提交进度款申请。", "contracts:index", "contracts.view"),
        (
            "整改通知单会出现在待办中：在期限内回复并上传整改材料。",
            "compliance:index",
            "compliance.view",
        ),
        ("在“电子招投标”中参加投标。", "tendering:index", "tendering.view"),
    ],
    "supervisor": [
        ("在“进度款待审”中签认施工单位申报的工程量。", "contracts:worklist", "contracts.review"),
        ("在“项目台账”中查看监理的项目与关键节点。", "projects:register", "projects.view_own"),
    ],
    "designer": [
        (
            "在“项目台账”中查看本单位参建的项目，指定项目负责人。",
            "projects:register",
            "projects.view_own",
        ),
    ],
    "finance": [
        (
            "在“进度款待审”中完成财政评审，逐项记录审减及理由。",
            "contracts:worklist",
            "contracts.review",
        ),
        ("在“项目台账”中查看全区项目的投资与支付情况。", "projects:register", "projects.view_own"),
    ],
    "auditor": [
        (
            "在“进度款待审”中独立复审进度款（提交前看不到财政评审的审减）。",
            "contracts:worklist",
            "contracts.review",
        ),
        ("在“可信存证”中核验存证记录。", "ledger:ledger_home", "ledger.view_all"),
    ],
    "agency": [
        (
            "在“招标委托”中查看委托本机构的项目和委托期限。",
            "tendering:entrustments",
            "tendering.manage",
        ),
        ("在“电子招投标”中编制、发布招标文件并组织开标。", "tendering:index", "tendering.view"),
    ],
    "insurer": [
        ("在“项目台账”中查看承保项目的进展与预警。", "projects:register", "projects.view_own"),
    ],
    "expert": [
        (
            "被抽中的评标任务会出现在待办中；评标前如有利害关系请声明回避。",
            "experts:pool",
            "experts.view",
        ),
        ("在评标委员会页面填写并提交评分表，提交后不能修改。", "", ""),
    ],
    "bidder": [
        (
            "在“电子招投标”中找到招标项目，登记投标公钥，在截止前上传密封投标文件。",
            "tendering:index",
            "tendering.view",
        ),
        ("开标时提交解密密钥；文件名中不要写报价。", "", ""),
    ],
}

TITLES = {
    "regulator": "监管人员",
    "owner": "建设单位",
    "contractor": "施工单位",
    "supervisor": "监理单位",
    "designer": "设计、勘察单位",
    "finance": "财政评审",
    "auditor": "第三方审计",
    "agency": "招标代理机构",
    "insurer": "保险公司",
    "expert": "评标专家",
    "bidder": "投标经办人",
}

_KINDS = {
    "regulator": "regulator",
    "owner": "owner",
    "general_contractor": "contractor",
    "specialist_subcontractor": "contractor",
    "labour_subcontractor": "contractor",
    "supervisor": "supervisor",
    "designer": "designer",
    "surveyor": "designer",
    "finance_bureau": "finance",
    "auditor": "auditor",
    "tender_agency": "agency",
    "insurer": "insurer",
}


@dataclass(frozen=True)
class Guide:
    title: str
    steps: list[tuple[str, str]]  # (text, url or "")


def persona_of(actor: Actor) -> str | None:
    # Personal roles first: an expert acts for itself, a bidder's job is the bid.
    if actor.has_role("expert") and not actor.organisation_id:
        return "expert"
    if actor.has_role("bidder"):
        return "bidder"
    return _KINDS.get(actor.organisation_kind or "")


def guide_for(actor: Actor) -> Guide | None:
    """The guide for a signed-in actor who has not closed it yet; None otherwise."""
    if not actor.is_authenticated or not actor.user_id:
        return None
    if GuideDismissal.objects.filter(user_id=actor.user_id).exists():
        return None
    persona = persona_of(actor)
    steps: list[tuple[str, str]] = []
    for text, url_name, permission in [_TODO, *STEPS.get(persona or "", []), _HELP]:
        url = ""
        if url_name and actor.can(permission):
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                url = ""
        elif url_name:
            continue  # a page this actor may not open: leave the step out
        steps.append((text, url))
    return Guide(title=TITLES.get(persona or "", "新用户"), steps=steps)


def guide_dismiss(*, actor: Actor) -> None:
    """Remember that the person closed the guide (idempotent)."""
    GuideDismissal.objects.get_or_create(user_id=actor.user_id)


@require_POST
@permission_required("dashboard.view")
def dismiss(request: HttpRequest) -> HttpResponse:
    guide_dismiss(actor=request.actor)
    if request.htmx:
        return HttpResponse("")
    return redirect("web:dashboard")
