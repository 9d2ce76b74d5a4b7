"""The one base every generated PDF uses: the Chinese font, the house ink, paragraph styles,
escaping, bordered tables, the A4 page and the verification seal (扫码验真).

A document module (projects' responsibility sign, tendering's notices, the evaluation report,
rectification orders, payment certificates) builds its story from these, so a change of font
or of house style is made once, here.

**Fonts are embedded.** reportlab's built-in ``STSong-Light`` is only *named* in the file, so a
reader without Chinese fonts shows boxes. reportlab embeds TrueType (glyf-outline) fonts, as
subsets, but not CFF/OTF ones (Noto/Source Han CJK), so the font is a TrueType one found by
``font_path()``: the ``PDF_FONT_PATH`` setting, else WenQuanYi Micro Hei (Apache-2.0) shipped by
the PyPI package ``paperang-p2-fonts-cjk`` (a dependency, so ``pip install`` brings it), else a
Debian font package's file. ``initialFontName`` keeps reportlab from naming Helvetica, which it
would never embed.

**PDF/A-2b, as far as the library allows.** reportlab (open source) has no PDF/A mode; ``pdfa``
adds what it lacks with pypdf: XMP metadata (``pdfaid:part=2``, ``conformance=B``, matching the
Info dictionary) and an sRGB output intent (Pillow's built-in profile). Rendering is
deterministic (fixed clock, content-derived /ID), which the verification seal relies on. Not
checked by a validator (veraPDF is not installable here): reportlab's simple-font TrueType
subsets are the part most likely to need work for a strict validator.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "JianGuanCJK"
INK = colors.HexColor("#1d3557")
HEADER_FILL = "#e8edf5"
CREATOR = "建管云 JianGuan"
SEAL_QR = 20 * mm  # the QR code's side: a phone reads it from a print at arm's length
# Debian's TrueType CJK fonts (fonts-wqy-microhei, fonts-wqy-zenhei, fonts-arphic-uming): the
# last resort when neither the setting nor the PyPI font package is there.
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def _packaged_font() -> Path | None:
    try:
        import paperang_p2_fonts_cjk
    except ImportError:
        return None
    return Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"


def font_path() -> Path:
    """The TrueType font file every PDF embeds (see the module's docstring for the order)."""
    configured = getattr(settings, "PDF_FONT_PATH", "")
    if configured:
        # A configured font that is missing is a mistake to report, not to paper over.
        if not Path(configured).is_file():
            raise ImproperlyConfigured(f"PDF_FONT_PATH 指向的字体文件不存在：{configured}")
        return Path(configured)
    for candidate in (_packaged_font(), *map(Path, SYSTEM_FONTS)):
        if candidate is not None and candidate.is_file():
            return candidate
    raise ImproperlyConfigured(
        "找不到可嵌入 PDF 的中文 TrueType 字体：请安装依赖 paperang-p2-fonts-cjk（pip install -e .），"
        "或安装 Debian 软件包 fonts-wqy-microhei，或设置 PDF_FONT_PATH 指向 .ttf/.ttc 字体文件"
    )


@lru_cache(maxsize=1)
def font() -> str:
    path = font_path()
    try:
        pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
    except TTFError as exc:  # e.g. an OpenType/CFF font, which reportlab cannot embed
        raise ImproperlyConfigured(
            f"字体 {path} 无法嵌入 PDF（需要 TrueType 轮廓的 .ttf/.ttc）：{exc}"
        ) from exc
    # <b>/<i> in a paragraph look the face up by family; one face serves them all.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT, bold, italic, FONT)
    return FONT


@dataclass(frozen=True)
class Seal:
    """What makes a printed document checkable against the ledger: who issued and signed it,
    when, and the verification code with its public address (drawn as a QR code)."""

    code: str
    url: str
    issued_at: dt.datetime
    issuer: str
    signer: str


def person(username: str) -> str:
    """A person's name for a document (never a login name): the user's display name, else
    the stored value itself when it is not a username (older rows keep a name)."""
    from django.contrib.auth import get_user_model

    if not username:
        return "—"
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return username
    return getattr(user, "display_name", "") or user.get_full_name() or "（未登记姓名）"


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


@lru_cache(maxsize=64)
def _qr_runs(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code of ``url`` (level M) as (module count, dark runs: row, column, length).

    reportlab's encoder is pure Python and takes a good part of a second; its widget encodes
    twice per drawing (bounds, then draw), and a document of several pages draws the same code
    on each page, so the modules are computed once and drawn as plain rectangles."""
    from reportlab.graphics.barcode import qrencoder

    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(url)
    qr.make()
    runs = []
    for r, row in enumerate(qr.modules):
        c = 0
        for dark, group in itertools.groupby(bool(m) for m in row):
            n = len(list(group))
            if dark:
                runs.append((r, c, n))
            c += n
    return qr.getModuleCount(), tuple(runs)


def _draw_seal(canv: Canvas, doc: SimpleDocTemplate, seal: Seal, bottom: float) -> None:
    """The footer of every page, ``bottom`` points above the page's edge: issuer and signer
    by name, the QR code and the short URL."""
    from jianguan.core.timeutil import to_local

    side = SEAL_QR
    x = doc.pagesize[0] - doc.rightMargin - side
    y = bottom
    count, runs = _qr_runs(seal.url)
    box = side / (count + 8)  # a quiet zone of four modules on each side
    canv.saveState()
    canv.setFillColor(colors.black)
    for row, col, length in runs:
        canv.rect(x + (col + 4) * box, y + side - (row + 5) * box, length * box, box, 0, 1)
    canv.setStrokeColor(INK)
    canv.setLineWidth(0.4)
    canv.line(doc.leftMargin, y + side + 2 * mm, x + side, y + side + 2 * mm)
    canv.setFillColor(INK)
    canv.setFont(font(), 8)
    lines = [
        f"签发单位：{seal.issuer}",
        f"签发人：{seal.signer}　　签发时间：{to_local(seal.issued_at):%Y-%m-%d %H:%M}",
        f"扫码验真：{seal.url}　　验证码：{seal.code}",
        f"本文件的 SM3 摘要与存证记录见验真页；第 {canv.getPageNumber()} 页",
    ]
    for i, text in enumerate(lines):
        canv.drawString(doc.leftMargin, y + side - 3 * mm - i * 4.2 * mm, text)
    canv.restoreState()


def _canvas_at(when: dt.datetime) -> Callable[..., Canvas]:
    """A canvas whose clock reads ``when``: with reportlab's invariant mode (a fixed /ID seed)
    the same story then gives the same bytes, so an issued document can be re-rendered and
    recognised by its SM3. reportlab has no public setter for the date, hence the timestamp
    object it keeps."""

    def make(*args: Any, **kwargs: Any) -> Canvas:
        canv = Canvas(*args, **kwargs)
        stamp = canv._doc._timeStamp
        utc = when.astimezone(dt.UTC)
        stamp.t = utc.timestamp()
        stamp.lt = utc.timetuple()
        stamp.YMDhms = tuple(stamp.lt)[:6]
        stamp.dhh = stamp.dmm = 0
        return canv

    return make


def render(
    story: list,
    *,
    title: str,
    pagesize: tuple[float, float] = A4,
    margins_mm: dict[str, float] | None = None,
    on_page: Callable | None = None,
    seal: Seal | None = None,
    **meta: str,
) -> bytes:
    """The PDF's bytes (PDF/A-2b metadata added, see ``pdfa``). margins_mm: any of left,
    right, top, bottom (20 mm at the sides and top unless given; the bottom keeps reportlab's
    inch, or room for the seal's footer); meta: author, subject. With a seal every page gets
    the footer, and the bytes depend only on the story and the seal."""
    from jianguan.core.timeutil import now

    margins = {"left": 20, "right": 20, "top": 20} | (margins_mm or {})
    # The seal sits on the bottom margin the document asked for (8 mm if none: a page frame
    # drawn by on_page keeps its own), and the story ends above it.
    seal_bottom = margins.get("bottom", 8) * mm
    if seal is not None:
        margins["bottom"] = seal_bottom / mm + SEAL_QR / mm + 5
        meta.setdefault("author", seal.issuer)
    meta.setdefault("creator", CREATOR)
    when = seal.issued_at if seal is not None else now()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=pagesize,
        title=title,
        lang="zh-CN",
        # Deterministic bytes only for a sealed document (re-rendered to recognise it); others
        # keep a time-seeded /ID, which the collusion screens read as a machine trace.
        invariant=1 if seal is not None else 0,
        initialFontName=font(),
        **{f"{side}Margin": value * mm for side, value in margins.items()},
        **meta,
    )

    def page(canv: Canvas, d: SimpleDocTemplate) -> None:
        if on_page:
            on_page(canv, d)
        if seal is not None:
            _draw_seal(canv, d, seal, seal_bottom)

    doc.build(story, onFirstPage=page, onLaterPages=page, canvasmaker=_canvas_at(when))
    return pdfa(
        buf.getvalue(),
        title=title,
        author=meta.get("author", ""),
        creator=meta["creator"],
        created=when,
    )


def pairs(rows: Sequence[tuple[str, str]], body: ParagraphStyle, widths: Sequence[float]) -> Table:
    """A two-column "label: value" table, both escaped and wrapped in the body style."""
    return grid([[Paragraph(esc(k), body), Paragraph(esc(v), body)] for k, v in rows], widths)


def _xmp(*, title: str, author: str, created: str, producer: str, creator: str) -> bytes:
    from xml.sax.saxutils import escape

    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(author or CREATOR)}</rdf:li></rdf:Seq></dc:creator>
   <xmp:CreateDate>{created}</xmp:CreateDate>
   <xmp:ModifyDate>{created}</xmp:ModifyDate>
   <xmp:CreatorTool>{escape(creator)}</xmp:CreatorTool>
   <pdf:Producer>{escape(producer)}</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


@lru_cache(maxsize=1)
def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def pdfa(
    content: bytes, *, title: str, author: str, created: dt.datetime, creator: str = CREATOR
) -> bytes:
    """Add the PDF/A-2b identification reportlab cannot write: XMP metadata that agrees with
    the Info dictionary, and an sRGB output intent for the DeviceRGB colours. Deterministic
    for the same input (no clock is read)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    stamp = created.astimezone(dt.UTC)
    info_date = stamp.strftime("D:%Y%m%d%H%M%S+00'00'")
    producer = "ReportLab PDF Library; pypdf"
    writer.add_metadata(
        {
            "/Title": title,
            "/Author": author or CREATOR,
            "/Creator": creator,
            "/Producer": producer,
            "/CreationDate": info_date,
            "/ModDate": info_date,
        }
    )
    xmp = (
        DecodedStreamObject()
    )  # unfiltered, as PDF/A wants the metadata stream readable (pypdf has only _add_object)
    xmp.set_data(
        _xmp(
            title=title,
            author=author,
            created=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            producer=producer,
            creator=creator,
        )
    )
    xmp.update(
        {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")}
    )
    profile = DecodedStreamObject()
    profile.set_data(_srgb_profile())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    root = writer.root_object
    root[NameObject("/Metadata")] = writer._add_object(xmp)
    root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
