"""Official documents as DOCX and PDF: NĐ 30/2020 Annex I (state) and HD 36-HD/VPTW (Party).

`OfficialDocument` describes one document; `render_docx` builds it with python-docx for staff
to edit and `render_pdf` prints it with WeasyPrint from `lib/nd30_document.html`. Both draw the
same layout from the same `_Layout` sizes, so the two files do not drift apart.

Body items are kept deliberately plain:

- a string is a paragraph;
- a ``(heading, text)`` tuple is a paragraph opening with a bold heading ("Điều 1.", "I. KẾT
  QUẢ"); an empty text leaves the heading on its own line;
- a list of rows is a table whose first row is the header row.
"""

import dataclasses
import datetime
import io
from collections.abc import Sequence
from typing import Literal

from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell

FONT = "Times New Roman"
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
FIRST_LINE_INDENT_CM = 1.27
PARAGRAPH_SPACING_PT = 6
# Word's "multiple" spacing counts from the font's own line (about 1.15 em for Times), CSS
# line-height from the em: 1.15 lines in Word and 1.3 in CSS both land near 1.3 em.
DOCX_LINE_SPACING = 1.15
CSS_LINE_HEIGHT = 1.3
SIGNATURE_SPACE_PT = 72  # room for the signature and the seal between title and name

# Closing columns (recipients, signature); together they fill the text width.
CLOSING_LEFT_MM = 75
CLOSING_RIGHT_MM = TEXT_WIDTH_MM - CLOSING_LEFT_MM

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
RECIPIENTS_LABEL = "Nơi nhận:"

# Average advance of Times New Roman bold per point of size, measured on these very headings
# with Liberation Serif 2 (same metrics): capitals run wider than mixed case.
_BOLD_CAPS_EM = 0.62
_BOLD_MIXED_EM = 0.46
_MM_PER_PT = 25.4 / 72

type Row = Sequence[str]
type BodyItem = str | tuple[str, str] | list[Row]


@dataclasses.dataclass(frozen=True)
class _Layout:
    """Type sizes (pt) and styles for one family of documents."""

    name: str
    masthead_left_mm: int  # the rest of the text width goes to the right-hand column
    parent_pt: int
    issuer_pt: int
    number_pt: int
    title_pt: int  # national title, or "ĐẢNG CỘNG SẢN VIỆT NAM"
    motto_pt: int
    place_date_pt: int
    kind_pt: int
    subject_pt: int
    body_pt: int
    table_pt: int
    signer_pt: int
    label_pt: int  # "Nơi nhận:"
    label_bold: bool
    label_italic: bool
    label_underline: bool
    recipients_pt: int


# NĐ 30/2020 Annex I, section II and its table of sizes.
STATE = _Layout(
    name="state",
    masthead_left_mm=72,
    parent_pt=13,
    issuer_pt=13,
    number_pt=13,
    title_pt=12,
    motto_pt=13,
    place_date_pt=14,
    kind_pt=14,
    subject_pt=14,
    body_pt=14,
    table_pt=13,
    signer_pt=14,
    label_pt=12,
    label_bold=True,
    label_italic=True,
    label_underline=False,
    recipients_pt=11,
)

# HD 36-HD/VPTW, appendix 3: a larger Party title and kind, "Nơi nhận" upright and underlined.
PARTY = _Layout(
    name="party",
    masthead_left_mm=85,  # the Party title is shorter, the 14 pt issuer longer
    parent_pt=14,
    issuer_pt=14,
    number_pt=14,
    title_pt=15,
    motto_pt=0,
    place_date_pt=14,
    kind_pt=15,
    subject_pt=14,
    body_pt=14,
    table_pt=13,
    signer_pt=14,
    label_pt=14,
    label_bold=False,
    label_italic=False,
    label_underline=True,
    recipients_pt=12,
)


@dataclasses.dataclass(kw_only=True)
class OfficialDocument:
    """One official document: masthead, title, body, signature and recipients."""

    issuer_parent: str  # "UBND THÀNH PHỐ HÀ NỘI" / "THÀNH ỦY HÀ NỘI"; may be empty
    issuer: str  # "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    party: bool = False
    number: int
    year: int | None = None  # the numbering year; numbers restart each 1 January
    symbol: str  # "QĐ-BTGDV" (state) or "QĐ/TU" (Party)
    place: str
    date: datetime.date
    kind_title: str  # "QUYẾT ĐỊNH"
    subject: str  # "Về việc công nhận mô hình “Dân vận khéo” năm 2026"
    body: Sequence[BodyItem]
    signer_title: str | Sequence[str]  # "TRƯỞNG BAN" or "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN"
    signer_name: str
    recipients: Sequence[str] = ()
    # Decisions only: who decides, the "Căn cứ ..." grounds (italic) and "QUYẾT ĐỊNH:".
    authority: str = ""
    preamble: Sequence[str] = ()
    enacting: str = ""

    def __post_init__(self) -> None:
        if self.year is None:
            self.year = self.date.year
        if self.year != self.date.year:
            raise ValueError("A document is numbered in the register of the year it is dated.")
        if self.number < 1:
            raise ValueError("Document numbers start at 1.")
        for item in self.body:
            _block(item)  # fail early on an item neither renderer understands

    @property
    def layout(self) -> _Layout:
        return PARTY if self.party else STATE

    @property
    def signer_lines(self) -> list[str]:
        """Return the signer's authority and position, one line each."""
        if isinstance(self.signer_title, str):
            return [line.strip() for line in self.signer_title.splitlines() if line.strip()]
        return [line.strip() for line in self.signer_title if line.strip()]

    @property
    def recipient_lines(self) -> list[str]:
        """Return the recipients, each opening with the dash both layouts print."""
        return [r if r.lstrip().startswith(("-", "–")) else f"- {r}" for r in self.recipients]


@dataclasses.dataclass(frozen=True)
class _Block:
    """A body item in the shape both renderers (and the template) read."""

    kind: Literal["paragraph", "heading", "table"]
    text: str = ""
    heading: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def _block(item: BodyItem) -> _Block:
    if isinstance(item, str):
        return _Block("paragraph", text=item)
    if isinstance(item, tuple) and len(item) == 2 and all(isinstance(x, str) for x in item):
        return _Block("heading", heading=item[0], text=item[1])
    if isinstance(item, list) and item and all(isinstance(r, list | tuple) for r in item):
        header, *rows = (tuple(str(cell) for cell in row) for row in item)
        return _Block("table", header=header, rows=tuple(rows))
    raise TypeError(f"A body item is a string, a (heading, text) tuple or a list of rows: {item!r}")


def format_number(doc: OfficialDocument) -> str:
    """Return the number line: "Số: 05/QĐ-BTGDV" (state) or "Số 370-QĐ/TU" (Party)."""
    if doc.party:
        return f"Số {doc.number:02d}-{doc.symbol}"
    return f"Số: {doc.number:02d}/{doc.symbol}"


def format_place_date(place: str, date: datetime.date) -> str:
    """Return "Hà Nội, ngày 05 tháng 01 năm 2026": days below 10 and months 1–2 get a zero."""
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def _text_width_mm(text: str, size_pt: float) -> float:
    """Estimate how wide one line of bold text prints, for rules drawn to its length."""
    em = _BOLD_CAPS_EM if text == text.upper() else _BOLD_MIXED_EM
    return len(text) * em * size_pt * _MM_PER_PT


def _short_rule_mm(text: str, size_pt: float, column_mm: float) -> float:
    """Return a rule 2/5 as long as the (possibly wrapped) line above it, as NĐ 30 asks."""
    return max(15.0, 0.4 * min(_text_width_mm(text, size_pt), column_mm))


# --- DOCX -------------------------------------------------------------------------------------

# Child order the OOXML schema demands where python-docx offers no accessor; Word rejects a
# file whose properties come out of order.
_PPR_ORDER = (
    *("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr"),
    *("w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs"),
    *("w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct"),
    *("w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid"),
    *("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap"),
    *("w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl"),
    *("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
)
_RPR_ORDER = (
    *("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps"),
    *("w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof"),
    *("w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern"),
    *("w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd"),
    *("w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout"),
    *("w:specVanish", "w:oMath"),
)
_TBLPR_ORDER = (
    *("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize"),
    *("w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd"),
    *("w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"),
    "w:tblDescription",
)


def _set_fonts(rpr) -> None:
    """Name Times New Roman for every script, dropping theme fonts that would win over it."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _set_rpr_value(rpr, tag: str, value: str) -> None:
    """Set <tag w:val=value> in a run's properties, keeping the schema's element order."""
    element = rpr.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        rpr.insert_element_before(element, *_RPR_ORDER[_RPR_ORDER.index(tag) + 1 :])
    element.set(qn("w:val"), value)


def _set_base_style(document, layout: _Layout) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_fonts(rpr)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(layout.body_pt)
    rpr = normal.element.get_or_add_rPr()
    _set_fonts(rpr)
    _set_rpr_value(rpr, "w:szCs", str(layout.body_pt * 2))  # half-points
    _set_rpr_value(rpr, "w:lang", "vi-VN")
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _add_paragraph(container):
    """Return a new paragraph, reusing the blank one every new table cell starts with."""
    if isinstance(container, _Cell) and len(container.paragraphs) == 1:
        first = container.paragraphs[0]
        if not first._p.xpath("./w:r | ./w:pPr"):
            return first
    return container.add_paragraph()


def _run(paragraph, text: str, *, size: float, bold=False, italic=False, underline=False):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    run._r.get_or_add_rPr()
    _set_fonts(run._r.rPr)
    return run


def _line(
    container,
    text: str,
    *,
    size: float,
    bold=False,
    italic=False,
    underline=False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
):
    paragraph = _add_paragraph(container)
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _rule(container, *, length_mm: float, width_mm: float, after: float = 0) -> None:
    """Draw a centred horizontal rule as the bottom border of a thin, indented paragraph."""
    paragraph = _add_paragraph(container)
    fmt = paragraph.paragraph_format
    side = max(0.0, (width_mm - length_mm) / 2)
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(3)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert_element_before(borders, *_PPR_ORDER[_PPR_ORDER.index("w:pBdr") + 1 :])


def _borderless_table(document, rows: int, widths_mm: Sequence[float]):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(borders, *_TBLPR_ORDER[_TBLPR_ORDER.index("w:tblBorders") + 1 :])
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.insert_element_before(margins, *_TBLPR_ORDER[_TBLPR_ORDER.index("w:tblCellMar") + 1 :])
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    return table


def _add_masthead(document, doc: OfficialDocument, layout: _Layout) -> None:
    """Issuer and number on the left, national (or Party) title and date on the right."""
    left_mm = layout.masthead_left_mm
    right_mm = TEXT_WIDTH_MM - left_mm
    table = _borderless_table(document, 2, (left_mm, right_mm))
    left, right = table.rows[0].cells
    number_cell, date_cell = table.rows[1].cells
    if doc.issuer_parent:
        _line(left, doc.issuer_parent.upper(), size=layout.parent_pt)
    _line(left, doc.issuer.upper(), size=layout.issuer_pt, bold=True)
    if doc.party:
        _line(left, "*", size=layout.issuer_pt)
        title_mm = _text_width_mm(PARTY_TITLE, layout.title_pt)
        _line(right, PARTY_TITLE, size=layout.title_pt, bold=True)
        _rule(right, length_mm=title_mm, width_mm=right_mm)
    else:
        rule_mm = _short_rule_mm(doc.issuer, layout.issuer_pt, left_mm)
        _rule(left, length_mm=rule_mm, width_mm=left_mm)
        _line(right, NATIONAL_TITLE, size=layout.title_pt, bold=True)
        _line(right, MOTTO, size=layout.motto_pt, bold=True)
        motto_mm = _text_width_mm(MOTTO, layout.motto_pt)
        _rule(right, length_mm=motto_mm, width_mm=right_mm)
    _line(number_cell, format_number(doc), size=layout.number_pt, before=6)
    place_date = format_place_date(doc.place, doc.date)
    _line(date_cell, place_date, size=layout.place_date_pt, italic=True, before=6)


def _add_title(document, doc: OfficialDocument, layout: _Layout) -> None:
    _line(document, doc.kind_title.upper(), size=layout.kind_pt, bold=True, before=18)
    _line(document, doc.subject, size=layout.subject_pt, bold=True)
    if doc.party:
        _line(document, "-----", size=layout.subject_pt)
    else:
        rule_mm = _short_rule_mm(doc.subject, layout.subject_pt, TEXT_WIDTH_MM)
        _rule(document, length_mm=rule_mm, width_mm=TEXT_WIDTH_MM)
    if doc.authority:
        _line(document, doc.authority.upper(), size=layout.body_pt, bold=True, before=12)
    first = True
    for ground in doc.preamble:
        paragraph = _body_paragraph(document, layout, before=12 if first else 0)
        _run(paragraph, ground, size=layout.body_pt, italic=True)
        first = False
    if doc.enacting:
        _line(document, doc.enacting, size=layout.body_pt, bold=True, before=6, after=6)


def _body_paragraph(document, layout: _Layout, *, before: float = 0):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Cm(FIRST_LINE_INDENT_CM)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(PARAGRAPH_SPACING_PT)
    fmt.line_spacing = DOCX_LINE_SPACING
    fmt.widow_control = True
    return paragraph


def _add_data_table(document, block: _Block, layout: _Layout) -> None:
    columns = max(len(row) for row in (block.header, *block.rows))
    table = document.add_table(rows=1 + len(block.rows), cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header_row = table.rows[0]
    tr_pr = header_row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
    tr_pr.append(repeat)
    for index, row in enumerate((block.header, *block.rows)):
        for cell, text in zip(table.rows[index].cells, row, strict=False):
            _line(
                cell,
                text,
                size=layout.table_pt,
                bold=index == 0,
                align=WD_ALIGN_PARAGRAPH.CENTER if index == 0 else WD_ALIGN_PARAGRAPH.LEFT,
                before=2,
                after=2,
            )
    # A blank line keeps the next paragraph from sticking to the table's bottom edge.
    _line(document, "", size=PARAGRAPH_SPACING_PT, align=WD_ALIGN_PARAGRAPH.LEFT)


def _add_body(document, doc: OfficialDocument, layout: _Layout) -> None:
    first = True
    for block in map(_block, doc.body):
        before = 12 if first and not (doc.preamble or doc.enacting) else 0
        first = False
        if block.kind == "table":
            _add_data_table(document, block, layout)
            continue
        paragraph = _body_paragraph(document, layout, before=before)
        if block.kind == "heading":
            _run(paragraph, block.heading, size=layout.body_pt, bold=True)
            if block.text:
                _run(paragraph, " " + block.text, size=layout.body_pt)
        else:
            _run(paragraph, block.text, size=layout.body_pt)


def _add_closing(document, doc: OfficialDocument, layout: _Layout) -> None:
    """Recipients bottom-left, signature block on the right, kept together on one page."""
    table = _borderless_table(document, 1, (CLOSING_LEFT_MM, CLOSING_RIGHT_MM))
    row = table.rows[0]
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    recipients, signature = row.cells
    if doc.recipients:
        _line(
            recipients,
            RECIPIENTS_LABEL,
            size=layout.label_pt,
            bold=layout.label_bold,
            italic=layout.label_italic,
            underline=layout.label_underline,
            align=WD_ALIGN_PARAGRAPH.LEFT,
            before=6,
        )
        for line in doc.recipient_lines:
            _line(recipients, line, size=layout.recipients_pt, align=WD_ALIGN_PARAGRAPH.LEFT)
    for index, line in enumerate(doc.signer_lines):
        _line(signature, line.upper(), size=layout.signer_pt, bold=True, before=6 * (index == 0))
    _line(signature, doc.signer_name, size=layout.signer_pt, bold=True, before=SIGNATURE_SPACE_PT)


def _add_field(paragraph, instruction: str, *, size: float) -> None:
    """Append a Word field (PAGE) whose result Word fills in when it lays the page out."""
    for kind in ("begin", "instr", "separate", "result", "end"):
        run = _run(paragraph, "", size=size)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        elif kind == "result":
            element = OxmlElement("w:t")
            element.text = "2"
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def render_docx(doc: OfficialDocument) -> bytes:
    """Return the document as a Word file laid out per NĐ 30/2020 (or HD 36 for the Party)."""
    layout = doc.layout
    document = Document()
    _set_base_style(document, layout)
    document.core_properties.title = f"{doc.kind_title} {doc.subject}"
    document.core_properties.author = doc.issuer
    document.core_properties.language = "vi-VN"

    section = document.sections[0]
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # Page numbers from page 2: the first page gets its own, empty header.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    number = header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_field(number, "PAGE", size=layout.body_pt)

    _add_masthead(document, doc, layout)
    _add_title(document, doc, layout)
    _add_body(document, doc, layout)
    _add_closing(document, doc, layout)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF --------------------------------------------------------------------------------------


def local_url_fetcher():
    """Return a WeasyPrint fetcher that serves file: and data: URLs and refuses the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"file", "data"})


def render_html(doc: OfficialDocument) -> str:
    """Return the HTML that render_pdf prints."""
    layout = doc.layout
    context = {
        "doc": doc,
        "layout": layout,
        "party_title": PARTY_TITLE,
        "national_title": NATIONAL_TITLE,
        "motto": MOTTO,
        "recipients_label": RECIPIENTS_LABEL,
        "number_line": format_number(doc),
        "place_date": format_place_date(doc.place, doc.date),
        "blocks": [_block(item) for item in doc.body],
        "signer_lines": [line.upper() for line in doc.signer_lines],
        "recipients": doc.recipient_lines,
        "page": {
            "top": MARGIN_TOP_MM,
            "bottom": MARGIN_BOTTOM_MM,
            "left": MARGIN_LEFT_MM,
            "right": MARGIN_RIGHT_MM,
        },
        "closing_left_mm": CLOSING_LEFT_MM,
        "indent_cm": FIRST_LINE_INDENT_CM,
        "spacing_pt": PARAGRAPH_SPACING_PT,
        "line_height": CSS_LINE_HEIGHT,
        "signature_space_pt": SIGNATURE_SPACE_PT,
    }
    return render_to_string("lib/nd30_document.html", context)


def render_pdf(doc: OfficialDocument) -> bytes:
    """Return the document as a PDF printed by WeasyPrint, without touching the network."""
    # WeasyPrint pulls in Pango and fontconfig; load it only when a PDF is asked for.
    from weasyprint import HTML

    html = HTML(string=render_html(doc), base_url=None, url_fetcher=local_url_fetcher())
    return html.write_pdf()


# --- Certificates (A4 landscape) --------------------------------------------------------------

# A certificate is printed across the page: A4 turned, margins even on every side.
CERTIFICATE_MARGIN_MM = 15


@dataclasses.dataclass(kw_only=True)
class Certificate:
    """A certificate: Bằng khen, Giấy khen, a medal's, a course's or a contest prize's.

    Printed on A4 landscape with the same masthead words as the documents above (the
    national title and motto, or the Party's title), the awarding body, the heading, the
    person or collective, the achievement and where it was won, the decision it was given
    by, place, date and signature.
    """

    issuer_parent: str = ""
    issuer: str  # "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    party: bool = False
    heading: str  # "BẰNG KHEN", "GIẤY CHỨNG NHẬN"
    awarded_by: str = ""  # "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    verb: str = "TẶNG"  # above the heading; empty for a certificate that only attests
    lead: str = ""  # under the heading: "Chứng nhận"
    recipient: str
    recipient_detail: str = ""  # a person's position and unit, a team's ward
    achievement: str = ""
    event: str = ""  # "tại Hội thi “Dân vận khéo” thành phố Hà Nội năm 2025"
    decision_line: str = ""  # "Quyết định số 12/QĐ-UBND ngày 05/01/2026"
    register_line: str = ""  # "Số: 125/BK" (the register of certificates)
    place: str
    date: datetime.date
    signer_title: str | Sequence[str] = ""
    signer_name: str = ""

    @property
    def signer_lines(self) -> list[str]:
        lines = (
            self.signer_title.splitlines()
            if isinstance(self.signer_title, str)
            else list(self.signer_title)
        )
        return [line.strip().upper() for line in lines if line.strip()]


def render_certificates_html(certificates: Sequence[Certificate]) -> str:
    """Return the HTML that render_certificates_pdf prints: one page per certificate."""
    return render_to_string(
        "lib/certificate.html",
        {
            "certificates": [
                {"cert": cert, "place_date": format_place_date(cert.place, cert.date)}
                for cert in certificates
            ],
            "party_title": PARTY_TITLE,
            "national_title": NATIONAL_TITLE,
            "motto": MOTTO,
            "margin": CERTIFICATE_MARGIN_MM,
            "signature_space_pt": SIGNATURE_SPACE_PT,
        },
    )


def render_certificates_pdf(certificates: Sequence[Certificate]) -> bytes:
    """Return the certificates as one A4 landscape PDF, a page each, without the network."""
    from weasyprint import HTML

    if not certificates:
        raise ValueError("No certificate to print.")
    html = HTML(
        string=render_certificates_html(certificates),
        base_url=None,
        url_fetcher=local_url_fetcher(),
    )
    return html.write_pdf()


def render_certificate_html(cert: Certificate) -> str:
    """Return the HTML that render_certificate_pdf prints."""
    return render_certificates_html([cert])


def render_certificate_pdf(cert: Certificate) -> bytes:
    """Return the certificate as a one-page A4 landscape PDF."""
    return render_certificates_pdf([cert])
