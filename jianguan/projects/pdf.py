"""The permanent responsibility sign (永久性标牌) as a Chinese PDF (on the base in core.pdf).

《北京市建设工程质量条例》第五十三条: after completion acceptance the owner sets up a permanent
sign at a conspicuous place naming the project, its completion date, and the owner, surveyor,
designer, contractor and supervisor with their project leads.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from jianguan.core.actor import Actor
from jianguan.core.pdf import INK, Seal, esc, font, render, style
from jianguan.ledger.services import document_issue
from jianguan.projects.models import CompletionSignature, Participant, Project, ProjectLead
from jianguan.projects.workflow import FIVE_PARTIES, completion_date

PARTY_LABELS = {
    "owner": "建设单位",
    "surveyor": "勘察单位",
    "designer": "设计单位",
    "general_contractor": "施工单位",
    "supervisor": "监理单位",
}


def sign_facts(project: Project) -> dict:
    """What the sign shows: plain strings, also useful to tests and the page."""
    leads = {
        lead.party: lead
        for lead in ProjectLead.objects.filter(project=project, ended_on__isnull=True)
        .select_related("person", "organisation")
        .order_by("started_on", "pk")
    }
    orgs = {
        p.role: p.organisation.name
        for p in Participant.objects.filter(
            project=project, role__in=FIVE_PARTIES, is_active=True
        ).select_related("organisation")
    }
    parties = []
    for party in FIVE_PARTIES:
        lead = leads.get(party)
        parties.append(
            (
                PARTY_LABELS[party],
                lead.organisation.name if lead else orgs.get(party, "（未登记）"),
                lead.person.name if lead else "（未备案）",
            )
        )
    done = project.completion_date or completion_date(
        dict(CompletionSignature.objects.filter(project=project).values_list("party", "signed_on"))
    )
    location = (
        f"北京市大兴区{project.town.name}（东经 {project.longitude}°，北纬 {project.latitude}°）"
    )
    return {
        "name": project.name,
        "code": project.code,
        "location": location,
        "completion": f"{done:%Y年%m月%d日}" if done else "（尚未竣工验收）",
        "parties": parties,
    }


def _frame(canvas, doc) -> None:
    width, height = landscape(A4)
    canvas.saveState()
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(3)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(13 * mm, 13 * mm, width - 26 * mm, height - 26 * mm)
    canvas.setFont(font(), 8)
    canvas.setFillColor(colors.HexColor("#6b7280"))
    canvas.drawRightString(
        width - 16 * mm,
        15.5 * mm,
        # No "generated on" date: the seal carries the issue time, and a daily date would
        # make each day's download a new document.
        "依据《北京市建设工程质量条例》第五十三条设置　建管云生成",
    )
    canvas.restoreState()


def responsibility_sign(project: Project, seal: Seal | None = None) -> bytes:
    facts = sign_facts(project)
    # 15 pt and tighter rows than an unsealed sign had: the verification seal's band must fit
    # and the sign stay one page.
    label = style(15)
    value = style(15)
    head = style(15, centre=True, color=colors.white)
    story = [
        Paragraph("建设工程质量责任永久性标牌", style(34, centre=True, leading=44)),
        Spacer(1, 2 * mm),
        Paragraph("五方责任主体及项目负责人　依法承担工程质量终身责任", style(14, centre=True)),
        Spacer(1, 7 * mm),
    ]
    basics = [
        ("工程名称", facts["name"]),
        ("项目编号", facts["code"]),
        ("工程地点", facts["location"]),
        ("竣工日期", facts["completion"]),
    ]
    table = Table(
        [[Paragraph(k, label), Paragraph(esc(v), value)] for k, v in basics],
        colWidths=[36 * mm, 217 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                # the cell font, even under paragraphs: else reportlab names Helvetica
                ("FONTNAME", (0, 0), (-1, -1), font()),
                ("GRID", (0, 0), (-1, -1), 0.6, INK),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]
    rows = [[Paragraph(h, head) for h in ("责任主体", "单位名称", "项目负责人")]]
    rows += [
        [Paragraph(k, label), Paragraph(esc(org), value), Paragraph(esc(person), value)]
        for k, org, person in facts["parties"]
    ]
    parties = Table(rows, colWidths=[36 * mm, 167 * mm, 50 * mm])
    parties.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font()),
                ("GRID", (0, 0), (-1, -1), 0.6, INK),
                ("BACKGROUND", (0, 0), (-1, 0), INK),
                ("BACKGROUND", (0, 1), (0, -1), colors.HexColor("#e8eef7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story.append(parties)
    return render(
        story,
        title=f"{facts['code']} 工程质量责任永久性标牌",
        pagesize=landscape(A4),
        margins_mm={"left": 22, "right": 22, "top": 18, "bottom": 17},
        on_page=_frame,
        author="建管云",
        subject=facts["name"],
        seal=seal,
    )


def responsibility_sign_document(*, actor: Actor, project: Project) -> bytes:
    """The sign as issued by the owner (建设单位), its project lead signing: sealed and on the
    ledger, so the plate on site can be checked by scanning it."""
    _, owner, lead = sign_facts(project)["parties"][0]
    _, content = document_issue(
        actor=actor,
        obj=project,
        kind="projects.responsibility_sign",
        kind_label="工程质量责任永久性标牌",
        title=f"{project.code} 工程质量责任永久性标牌",
        issuer=owner,
        signer=lead,
        render=lambda seal: responsibility_sign(project, seal),
    )
    return content
