"""The supervisor's review stamp on a submitted PDF: a red round seal with the supervisor
organisation's name around it and the decision in the middle, a box beside it with the
reviewer by name, the date and the ledger's verification code, and the QR code of the
verification page (扫码验真), drawn by reportlab on a page of the submitted page's size and
merged onto the submitted PDF's last page with pypdf. The stamped PDF's SM3 goes on the
ledger (services_submittal)."""

from __future__ import annotations

import io
import math

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from jianguan.core.errors import ValidationFailed
from jianguan.core.pdf import Seal, _qr_runs, font
from jianguan.core.timeutil import to_local

RED = colors.HexColor("#c8102e")
MARK = "/JianGuanStamp"  # the document info key a reader finds the stamp by


def page_count(content: bytes) -> int:
    """The number of pages of a readable PDF; a clear 400 otherwise (a file that starts with
    %PDF but cannot be read is refused before anything is saved)."""
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise ValidationFailed("报审文件为加密 PDF，请上传未加密的文件", code="pdf_encrypted")
        n = len(reader.pages)
    except ValidationFailed:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError):
        raise ValidationFailed("报审文件不是可读取的 PDF", code="bad_pdf") from None
    if n == 0:
        raise ValidationFailed("报审文件没有页面", code="bad_pdf")
    return n


def _seal(canv: Canvas, cx: float, cy: float, r: float, org: str, words: str) -> None:
    """The round seal: the organisation's name on the upper arc, a star, the decision."""
    canv.setStrokeColor(RED)
    canv.setFillColor(RED)
    canv.setLineWidth(1.6)
    canv.circle(cx, cy, r, stroke=1, fill=0)
    canv.setLineWidth(0.6)
    canv.circle(cx, cy, r - 2.2, stroke=1, fill=0)
    name = org[:20]
    size = 8.5 if len(name) <= 14 else 7
    span = math.radians(200)  # the arc the name takes, centred on the top
    n = max(len(name), 1)
    for i, ch in enumerate(name):
        angle = math.pi / 2 + span / 2 - span * (i + 0.5) / n
        x = cx + (r - 9) * math.cos(angle)
        y = cy + (r - 9) * math.sin(angle)
        canv.saveState()
        canv.translate(x, y)
        canv.rotate(math.degrees(angle) - 90)
        canv.setFont(font(), size)
        canv.drawCentredString(0, -size / 3, ch)
        canv.restoreState()
    canv.setFont(font(), 13)
    canv.drawCentredString(cx, cy + 1, "★")
    canv.setFont(font(), 10)
    canv.drawCentredString(cx, cy - 13, words)


def _qr(canv: Canvas, x: float, y: float, side: float, url: str) -> None:
    count, runs = _qr_runs(url)
    box = side / (count + 8)
    canv.setFillColor(colors.black)
    for row, col, length in runs:
        canv.rect(x + (col + 4) * box, y + side - (row + 5) * box, length * box, box, 0, 1)


def overlay(
    width: float, height: float, *, org: str, words: str, reviewer: str, seal: Seal
) -> bytes:
    """One page of (width, height) points with the stamp in its lower right corner."""
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=(width, height), invariant=1)
    r = 19 * mm
    box_w, box_h = 62 * mm, 24 * mm
    cx = width - 12 * mm - r
    cy = 14 * mm + r
    bx = max(4 * mm, cx - r - 4 * mm - box_w)
    by = cy - box_h / 2
    canv.setFillColor(colors.white)
    canv.rect(bx, by, box_w, box_h, stroke=0, fill=1)
    canv.setStrokeColor(RED)
    canv.setLineWidth(1)
    canv.rect(bx, by, box_w, box_h, stroke=1, fill=0)
    canv.setFillColor(RED)
    canv.setFont(font(), 9)
    lines = [
        f"监理审查：{words}",
        f"审查人：{reviewer}",
        f"日期：{to_local(seal.issued_at):%Y-%m-%d}",
        f"验证码：{seal.code}",
    ]
    for i, text in enumerate(lines):
        canv.drawString(bx + 2 * mm, by + box_h - 5.5 * mm - i * 4.6 * mm, text)
    side = 18 * mm
    _qr(canv, bx + box_w - side - 1 * mm, by + (box_h - side) / 2, side, seal.url)
    _seal(canv, cx, cy, r, org, words)
    canv.showPage()
    canv.save()
    return buf.getvalue()


def stamp(content: bytes, *, org: str, words: str, reviewer: str, seal: Seal) -> bytes:
    """The submitted PDF with the stamp merged onto its last page (other pages unchanged)."""
    page_count(content)
    reader = PdfReader(io.BytesIO(content))
    writer = PdfWriter(clone_from=reader)
    last = writer.pages[-1]
    box = last.mediabox
    mark = PdfReader(
        io.BytesIO(
            overlay(
                float(box.width),
                float(box.height),
                org=org,
                words=words,
                reviewer=reviewer,
                seal=seal,
            )
        )
    ).pages[0]
    if box.left or box.bottom:
        from pypdf import Transformation

        last.merge_transformed_page(
            mark, Transformation().translate(float(box.left), float(box.bottom))
        )
    else:
        last.merge_page(mark)
    writer.add_metadata({MARK: f"{seal.code} {words} {org}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def read_mark(content: bytes) -> str:
    """The stamp's mark as read back from a PDF ('' when it carries none)."""
    meta = PdfReader(io.BytesIO(content)).metadata or {}
    return str(meta.get(MARK, ""))
