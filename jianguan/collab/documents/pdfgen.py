"""Small PDFs with Chinese text (the demo's documents and drawings, the tests' samples), drawn
with reportlab in the platform's embedded TrueType font so that their text can be extracted."""

from __future__ import annotations

from io import BytesIO


def simple_pdf(title: str, lines: list[str] | tuple[str, ...] = ()) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from jianguan.core.pdf import font

    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(title)
    name = font()
    width, height = A4
    canvas.setFont(name, 18)
    canvas.drawString(60, height - 80, title)
    canvas.setFont(name, 11)
    y = height - 120
    for line in lines:
        if y < 60:
            canvas.showPage()
            canvas.setFont(name, 11)
            y = height - 60
        canvas.drawString(60, y, line)
        y -= 18
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
