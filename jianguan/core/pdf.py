"""The one base every generated PDF uses: the Chinese font, the house ink, paragraph styles,
escaping, bordered tables and the A4 page.

A document module (projects' responsibility sign, tendering's notices, the evaluation report,
rectification orders, payment certificates) builds its story from these, so a change of font
(the workbench issue asks for an embedded one) or of house style is made once, here.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "STSong-Light"
INK = colors.HexColor("#1d3557")
HEADER_FILL = "#e8edf5"


@lru_cache(maxsize=1)
def font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def style(
    size: float, *, centre: bool = False, leading: float | None = None, **kw
) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{centre}",
        fontName=font(),
        fontSize=size,
        leading=leading or size * 1.35,
        alignment=TA_CENTER if centre else 0,
        wordWrap="CJK",
        textColor=kw.pop("color", INK),
        **kw,
    )


def esc(text: str) -> str:
    """Text for a reportlab Paragraph, which reads its input as markup."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def grid(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header: bool = False,
    font_size: float | None = None,
    repeat_rows: int = 0,
) -> Table:
    """A bordered table in the house ink; widths in points (multiply by ``mm``)."""
    table = Table(list(rows), colWidths=list(widths), repeatRows=repeat_rows)
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), font()),
        ("GRID", (0, 0), (-1, -1), 0.5, INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if font_size:
        commands.insert(1, ("FONTSIZE", (0, 0), (-1, -1), font_size))
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
    table.setStyle(TableStyle(commands))
    return table


def render(
    story: list,
    *,
    title: str,
    pagesize: tuple[float, float] = A4,
    margins_mm: dict[str, float] | None = None,
    on_page: Callable | None = None,
    **meta: str,
) -> bytes:
    """The PDF's bytes. margins_mm: any of left, right, top, bottom (20 mm at the sides and
    top unless given; the bottom keeps reportlab's inch); meta: author, subject."""
    margins = {"left": 20, "right": 20, "top": 20} | (margins_mm or {})
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=pagesize,
        title=title,
        **{f"{side}Margin": value * mm for side, value in margins.items()},
        **meta,
    )
    if on_page:
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    else:
        doc.build(story)
    return buf.getvalue()


def pairs(rows: Sequence[tuple[str, str]], body: ParagraphStyle, widths: Sequence[float]) -> Table:
    """A two-column "label: value" table, both escaped and wrapped in the body style."""
    return grid([[Paragraph(esc(k), body), Paragraph(esc(v), body)] for k, v in rows], widths)
