"""The demo district's policy library, made through the services in the district's timeline:
a few national, Beijing and district construction policies (titles of public documents; the
texts here are short summaries written for the demo, not the official texts), pushed to the
organisation kinds they concern; the contractor has confirmed some, the supervisor has read
one without confirming, one district notice is still a draft."""

from __future__ import annotations

import datetime as dt

from jianguan.accounts.actors import actor_for
from jianguan.accounts.models import User
from jianguan.collab.policies import services
from jianguan.collab.policies.models import Policy
from jianguan.core.demo import clock
from jianguan.core.timeutil import SHANGHAI, today_local

NOTE = "\n\n（摘要，正式内容以发文机关公布的文本为准。）"
GC, SUP, LAB, SPEC = (
    "general_contractor",
    "supervisor",
    "labour_subcontractor",
    "specialist_subcontractor",
)

POLICIES = [
    {
        "title": "保障农民工工资支付条例",
        "issuer": "国务院",
        "number": "国务院令第724号",
        "issued_on": dt.date(2019, 12, 30),
        "effective_on": dt.date(2020, 5, 1),
        "summary": "工程建设领域实行农民工实名制管理、工资专用账户、总包代发和工资保证金制度。",
        "full_text": "一、施工总承包单位应当按照有关规定开设农民工工资专用账户，专项用于支付该工程建设项目农民工工资。\n"
        "二、施工总承包单位或者分包单位应当依法与所招用的农民工订立劳动合同并进行用工实名登记。\n"
        "三、分包单位对所招用农民工的实名制管理和工资支付负直接责任，施工总承包单位对分包单位劳动用工和工资发放等情况进行监督。\n"
        "四、施工总承包单位应当按照有关规定存储工资保证金，专项用于支付为所承包工程提供劳动的农民工被拖欠的工资。",
        "tags": ["农民工工资", "实名制"],
        "target_kinds": [GC, LAB, SPEC],
        "ack": True,
    },
    {
        "title": "危险性较大的分部分项工程安全管理规定",
        "issuer": "住房和城乡建设部",
        "number": "住房和城乡建设部令第37号",
        "issued_on": dt.date(2018, 3, 8),
        "effective_on": dt.date(2018, 6, 1),
        "summary": "危大工程专项施工方案的编制、论证、交底、验收和监测要求，以及各方主体责任。",
        "full_text": "一、施工单位应当在危大工程施工前组织工程技术人员编制专项施工方案。\n"
        "二、对于超过一定规模的危大工程，施工单位应当组织召开专家论证会对专项施工方案进行论证。\n"
        "三、监理单位应当结合危大工程专项施工方案编制监理实施细则，并对危大工程施工实施专项巡视检查。\n"
        "四、对于按照规定需要验收的危大工程，施工单位、监理单位应当组织相关人员进行验收。",
        "tags": ["安全生产", "危大工程"],
        "target_kinds": [GC, SUP],
        "ack": True,
        "read_by_supervisor": True,
    },
    {
        "title": "北京市建设工程施工现场管理办法",
        "issuer": "北京市人民政府",
        "number": "北京市人民政府令第247号",
        "issued_on": dt.date(2013, 5, 7),
        "effective_on": dt.date(2013, 7, 1),
        "summary": "施工现场安全、扬尘和噪声防治、围挡、运输车辆及文明施工的管理要求。",
        "full_text": "一、施工单位应当在施工现场设置连续、密闭的围挡，出入口设置车辆冲洗设施。\n"
        "二、施工现场土方应当集中堆放并采取覆盖或者固化等措施，遇有四级以上大风天气不得进行土方施工。\n"
        "三、施工单位应当按照规定在施工现场设置安全防护设施，对施工人员进行安全教育。\n"
        "四、建设单位应当将施工现场安全文明施工措施费用及时足额支付给施工单位。",
        "tags": ["文明施工", "扬尘治理"],
        "target_kinds": [GC, "owner"],
        "ack": False,
    },
    {
        "title": "建设工程质量管理条例",
        "issuer": "国务院",
        "number": "国务院令第279号",
        "issued_on": dt.date(2000, 1, 30),
        "effective_on": dt.date(2000, 1, 30),
        "summary": "建设、勘察、设计、施工、工程监理单位的质量责任和义务，以及质量保修制度。",
        "full_text": "一、建设单位应当将工程发包给具有相应资质等级的单位，不得将建设工程肢解发包。\n"
        "二、施工单位对建设工程的施工质量负责，必须按照工程设计图纸和施工技术标准施工。\n"
        "三、工程监理单位应当依照法律、法规以及有关技术标准、设计文件和建设工程承包合同，代表建设单位对施工质量实施监理。\n"
        "四、建设工程实行质量保修制度。",
        "tags": ["工程质量"],
        "target_kinds": [],
        "ack": False,
    },
]
DRAFT = {
    "title": "关于做好大兴区建设工程冬期施工安全管理工作的通知",
    "issuer": "北京市大兴区住房和城乡建设委员会",
    "number": "",
    "summary": "冬期施工期间防火、防煤气中毒、防滑和混凝土冬期施工质量的工作提示。",
    "full_text": "各施工现场应加强冬期施工防火管理和临时取暖设施检查，严禁使用明火取暖；"
    "做好混凝土冬期施工测温记录；大风、降雪天气停止高处作业和吊装作业。",
    "tags": ["冬期施工", "安全生产"],
    "target_kinds": [GC, SUP],
}


def _actor(username: str):
    user = User.objects.filter(username=username).first()
    return actor_for(user) if user else None


def seed() -> dict[str, object]:
    reg = _actor("regulator")
    if reg is None or Policy.objects.exists():
        return {"skipped": True}
    gc, sup = _actor("contractor"), _actor("supervisor")
    today = today_local()
    counts = {"policies": 0, "acknowledged": 0}
    for n, spec in enumerate(POLICIES):
        spec = dict(spec)
        ack, read_sup = spec.pop("ack"), spec.pop("read_by_supervisor", False)
        at = dt.datetime.combine(
            today - dt.timedelta(days=20 - 4 * n), dt.time(9, 30), tzinfo=SHANGHAI
        )
        with clock(at, "jianguan.collab.policies"):
            p = services.policy_create(actor=reg, **{**spec, "full_text": spec["full_text"] + NOTE})
            p = services.policy_publish(actor=reg, policy=p)
        counts["policies"] += 1
        later = at + dt.timedelta(days=1, hours=2)
        with clock(later, "jianguan.collab.policies"):
            if ack and gc is not None:
                services.policy_read(actor=gc, policy=p)
                services.policy_acknowledge(actor=gc, policy=p)
                counts["acknowledged"] += 1
            if read_sup and sup is not None:
                services.policy_read(actor=sup, policy=p)
    services.policy_create(actor=reg, issued_on=today, **DRAFT)
    counts["policies"] += 1
    return counts
