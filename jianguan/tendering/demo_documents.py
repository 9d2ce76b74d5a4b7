"""The demo tenders' paper: 招标文件, 委托合同 and 技术标 as real PDFs with content.

A demo that uploads a 45-byte placeholder cannot be shown to anyone: a reader who opens the
招标文件 expects a title page, the project's facts, the key dates and the evaluation method.
Built from core.pdf's house helpers (font, styles, tables), so they look like the platform's
own documents and follow its font when that changes.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from jianguan.core import pdf
from jianguan.core.timeutil import to_local

FUNDING = {
    "government": "财政资金",
    "state_owned": "国有企业自有资金",
    "private": "企业自筹资金",
    "ppp": "政府和社会资本合作（PPP）",
}
METHODS = {
    "lowest_evaluated_price": (
        "经评审的最低投标价法",
        [
            "初步评审：形式、资格、响应性评审，不合格者否决其投标。",
            "详细评审：对通过初步评审的投标按评审因素折算评标价。",
            "按评标价由低到高排序，推荐不超过3名中标候选人；投标报价低于成本的予以否决。",
        ],
    ),
    "comprehensive": (
        "综合评估法",
        [
            "技术部分30分：施工组织设计20分、质量安全保证措施10分，取评委打分的算术平均值。",
            "商务部分5分：类似工程业绩；信用部分5分：采用开标当日公布的信用分。",
            "价格部分60分：以有效投标报价的算术平均值下浮K值为评标基准价，"
            "高于基准价每1%扣1分，低于基准价每1%扣0.5分。",
            "按综合得分由高到低排序，推荐不超过3名中标候选人。",
        ],
    ),
}


def _when(value: dt.datetime | None) -> str:
    return f"{to_local(value):%Y年%m月%d日 %H:%M}" if value else "—"


def _title_page(story: list, title: str, subtitle: str, lines: list[str]) -> None:
    story += [
        Spacer(1, 60 * mm),
        Paragraph(pdf.esc(title), pdf.style(22, centre=True, leading=32)),
        Spacer(1, 8 * mm),
        Paragraph(pdf.esc(subtitle), pdf.style(28, centre=True, leading=40)),
        Spacer(1, 50 * mm),
    ]
    story += [Paragraph(pdf.esc(line), pdf.style(13, centre=True)) for line in lines]
    story.append(PageBreak())


def tender_documents(tender, project, *, tenderer: str, agency: str = "") -> bytes:
    """招标文件: title page, 招标公告 facts, 投标人须知前附表 dates, the evaluation method."""
    body, head = pdf.style(10.5), pdf.style(14, leading=22)
    story: list = []
    lines = [f"招标人：{tenderer}"]
    if agency:
        lines.append(f"招标代理机构：{agency}")
    lines.append(f"招标编号：{tender.code}")
    lines.append(f"{to_local(tender.documents_from):%Y年%m月}")
    _title_page(story, tender.title, "招 标 文 件", lines)
    lot = tender.lots.order_by("number").first()
    story += [Paragraph("第一章 招标公告", head), Spacer(1, 3 * mm)]
    facts = [
        ("项目名称", project.name),
        ("项目编号", project.code),
        ("建设地点", f"北京市大兴区{project.town.name if project.town_id else ''}"),
        ("资金来源", FUNDING.get(project.funding, project.funding)),
        ("招标范围", f"{lot.title if lot else '施工总承包'}：施工图纸及工程量清单所含全部内容"),
        ("招标估算价", f"{tender.estimate:,.2f} 元" if tender.estimate else "—"),
        ("最高投标限价", f"{lot.price_ceiling:,.2f} 元" if lot else "—"),
        ("投标保证金", f"{lot.bond_amount:,.2f} 元（不超过估算价的2%）" if lot else "—"),
        ("投标人资格", "具有建筑工程施工总承包二级及以上资质和有效的安全生产许可证"),
    ]
    story.append(pdf.pairs(facts, body, [40 * mm, 130 * mm]))
    story += [Spacer(1, 6 * mm), Paragraph("第二章 投标人须知前附表（关键时间）", head)]
    dates = [
        ("招标文件发出时间", _when(tender.documents_from)),
        ("招标文件发售截止", _when(tender.sale_end) + "（不少于5日，实施条例第十六条）"),
        ("对招标文件提出异议截止", "投标截止时间10日前（实施条例第二十二条）"),
        ("投标截止时间（即开标时间）", _when(tender.bid_deadline)),
        ("开标地点", "大兴区建管云电子招标投标交易平台（网上开标）"),
        ("投标有效期", "自投标截止之日起90日"),
    ]
    story.append(pdf.pairs(dates, body, [55 * mm, 115 * mm]))
    name, rules = METHODS.get(tender.evaluation_method, METHODS["lowest_evaluated_price"])
    story += [Spacer(1, 6 * mm), Paragraph(f"第三章 评标办法（{name}）", head)]
    story += [Paragraph(pdf.esc(f"{i}. {text}"), body) for i, text in enumerate(rules, 1)]
    story += [
        Spacer(1, 6 * mm),
        Paragraph("第四章 投标文件格式", head),
        Paragraph(
            "投标文件分商务标、技术标和经济标，使用平台投标工具加密后在投标截止时间前上传；"
            "逾期上传的投标文件平台不予接收（《电子招标投标办法》第二十七条）。",
            body,
        ),
    ]
    return pdf.render(story, title=f"{tender.title} 招标文件", author=tenderer)


def entrustment_contract(project, *, owner: str, agency: str, starts_on, ends_on) -> bytes:
    body = pdf.style(11)
    story: list = []
    _title_page(story, project.name, "招标代理委托合同", [f"委托人：{owner}", f"受托人：{agency}"])
    rows = [
        ("委托事项", "施工招标：编制招标文件、发布公告、组织开标评标、发布结果公示"),
        ("项目", f"{project.name}（{project.code}）"),
        ("委托期限", f"{starts_on:%Y年%m月%d日} 至 {ends_on:%Y年%m月%d日}"),
        ("代理服务费", "按国家发展改革委相关收费标准下浮10%计取，由中标人支付"),
        ("保密", "受托人对投标人名称、数量及评标情况负有保密义务，不得泄露"),
    ]
    story.append(pdf.pairs(rows, body, [35 * mm, 135 * mm]))
    return pdf.render(story, title=f"{project.name} 招标代理委托合同", author=owner)


# Each firm writes its own proposal with its own software: the collusion screens compare the
# proposals' text (实施条例 40(四)) and the PDFs' Creator and creation times, so honest bidders
# must not look alike. The ring shares one variant and one laptop on purpose.
PROPOSALS = [
    (
        "WPS Office",
        [
            (
                "第一章 施工总体部署",
                "项目部按区段划分三个施工作业队，土方开挖阶段优先完成北侧基坑支护。",
            ),
            (
                "第二章 进度保证措施",
                "关键线路为基础底板与主体结构，每周召开生产例会，滞后三日即启动赶工预案。",
            ),
            (
                "第三章 质量控制",
                "钢筋隐蔽验收实行班组自检、质检员专检、监理旁站三道关口，混凝土留置同条件试块。",
            ),
            (
                "第四章 安全文明施工",
                "塔吊与施工升降机安装前办理使用登记，场内主要道路硬化并设置雾炮降尘。",
            ),
        ],
    ),
    (
        "Microsoft Word",
        [
            (
                "一、工程概况理解",
                "本工程位于既有校区内，需在不停课条件下组织施工，噪声和交通组织是难点。",
            ),
            (
                "二、施工方案",
                "采用装配式铝合金模板体系，标准层施工周期控制在六天，外立面采用爬架防护。",
            ),
            ("三、工期安排", "利用寒暑假完成对教学影响较大的拆除与吊装作业，学期内避开考试时段。"),
            ("四、绿色施工", "建筑垃圾分类回收利用，施工用水经沉淀池循环，夜间不安排高噪声工序。"),
        ],
    ),
    (
        "Adobe Acrobat",
        [
            (
                "1 项目管理机构",
                "项目经理持一级建造师证书，技术负责人具有高级工程师职称并驻场管理。",
            ),
            ("2 主要施工方法", "基坑采用土钉墙加局部桩锚支护，地下室外墙防水采用预铺反粘卷材。"),
            (
                "3 劳动力与机械计划",
                "高峰期投入劳动力约二百八十人，配备两台塔式起重机和一台汽车泵。",
            ),
            ("4 应急管理", "编制防汛、防坍塌、防触电专项应急预案，每季度组织一次综合应急演练。"),
        ],
    ),
    (
        "永中Office",
        [
            ("（一）重点难点分析", "场地狭小、材料堆场不足，拟采用分批进场和场外加工的方式解决。"),
            ("（二）技术措施", "大体积混凝土采用测温监控和保温养护，内外温差控制在二十五度以内。"),
            ("（三）成品保护", "装饰装修阶段设专人负责成品保护，楼梯踏步和门窗洞口采用木板包护。"),
            ("（四）农民工工资保障", "开设工资专用账户，实名制考勤与工资发放按月核对并公示。"),
        ],
    ),
    (
        "LibreOffice",
        [
            ("A. 施工组织", "实行项目经理负责制，下设工程、技术、质量、安全、物资五个职能部门。"),
            (
                "B. 进度计划",
                "总工期按合同要求安排，设置基础完成、主体封顶、竣工验收三个里程碑节点。",
            ),
            ("C. 检验试验", "原材料进场见证取样送检，检测不合格的材料当日清退出场并留存记录。"),
            ("D. 智慧工地", "安装视频监控、扬尘噪声在线监测和人员定位设备，数据接入监管平台。"),
        ],
    ),
]


def technical_bid(tender_title: str, bidder: str, duration_days: int, variant: int = 0) -> bytes:
    creator, sections = PROPOSALS[variant % len(PROPOSALS)]
    body, head = pdf.style(11), pdf.style(14, leading=22)
    story: list = []
    _title_page(story, tender_title, "投标文件（技术标）", [f"投标人：{bidder}"])
    story += [Paragraph(pdf.esc(f"计划工期：{duration_days}日历天"), body), Spacer(1, 4 * mm)]
    for heading, text in sections:
        story += [Paragraph(heading, head), Paragraph(pdf.esc(text), body), Spacer(1, 4 * mm)]
    return pdf.render(story, title=f"{tender_title} 技术标", author=bidder, creator=creator)
