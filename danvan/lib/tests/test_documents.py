"""Official documents: NĐ 30/2020 layout in DOCX and PDF, the Party layout, numbers and dates."""

import datetime
import io
import re
import shutil
import subprocess
import time
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from danvan.lib.documents import (
    PARTY_TITLE,
    Certificate,
    OfficialDocument,
    format_number,
    format_place_date,
    local_url_fetcher,
    render_certificates_pdf,
    render_docx,
    render_html,
    render_pdf,
)

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SUBJECT = "Về việc công nhận mô hình “Dân vận khéo” năm 2026"
ARTICLE_1 = "Công nhận 12 mô hình “Dân vận khéo” tiêu biểu năm 2026 của các xã, phường."
PARAGRAPH = (
    "Các tập thể, cá nhân được công nhận có trách nhiệm tiếp tục duy trì, nhân rộng mô hình, "
    "phát huy vai trò của Nhân dân trong việc tham gia xây dựng Đảng, chính quyền."
)
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
PDFFONTS = shutil.which("pdffonts")
needs_pdftotext = pytest.mark.skipif(
    not PDFTOTEXT, reason="pdftotext (poppler-utils) is not installed"
)


def decision(**overrides) -> OfficialDocument:
    """Return a recognition decision in the state layout."""
    fields: dict[str, Any] = {
        "issuer_parent": "UBND THÀNH PHỐ HÀ NỘI",
        "issuer": "BAN TUYÊN GIÁO VÀ DÂN VẬN",
        "number": 5,
        "symbol": "QĐ-BTGDV",
        "place": "Hà Nội",
        "date": datetime.date(2026, 1, 5),
        "kind_title": "QUYẾT ĐỊNH",
        "subject": SUBJECT,
        "authority": "TRƯỞNG BAN TUYÊN GIÁO VÀ DÂN VẬN",
        "preamble": ["Căn cứ Quy chế công tác dân vận của hệ thống chính trị;"],
        "enacting": "QUYẾT ĐỊNH:",
        "body": [
            ("Điều 1.", ARTICLE_1),
            [["STT", "Tên mô hình", "Đơn vị"], ["1", "Tổ hòa giải ở cơ sở", "Phường Ô Chợ Dừa"]],
            ("Điều 2.", "Quyết định có hiệu lực kể từ ngày ký."),
            PARAGRAPH,
        ],
        "signer_title": "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN",
        "signer_name": "Nguyễn Văn Ấn",
        "recipients": ["Như Điều 2;", "Lưu: VT, DV."],
    }
    return OfficialDocument(**(fields | overrides))


def party_decision(**overrides) -> OfficialDocument:
    """Return the same decision issued by a Party committee (HD 36-HD/VPTW)."""
    fields = {
        "issuer_parent": "THÀNH ỦY HÀ NỘI",
        "party": True,
        "number": 370,
        "symbol": "QĐ/TU",
        "date": datetime.date(2026, 3, 15),
        "subject": "về việc công nhận mô hình “Dân vận khéo” năm 2026",
        "signer_title": ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"],
        "signer_name": "Trần Thị Bình",
        "recipients": ["Các đồng chí Thành ủy viên,", "Lưu Văn phòng Thành ủy."],
    }
    return decision(**(fields | overrides))


def long_report(paragraphs: int) -> OfficialDocument:
    """Return a periodic report with many body paragraphs."""
    body: list[str | tuple[str, str]] = [("I. KẾT QUẢ THỰC HIỆN", "")]
    body += [f"{index}. {PARAGRAPH}" for index in range(1, paragraphs + 1)]
    return decision(
        kind_title="BÁO CÁO",
        subject="Kết quả công tác dân vận quý I năm 2026",
        authority="",
        preamble=(),
        enacting="",
        body=body,
    )


def docx_paragraphs(document):
    """Yield every paragraph of the body, table cells included, in order."""

    def walk(container):
        for block in container.iter_inner_content():
            if isinstance(block, Paragraph):
                yield block
            else:
                for row in block.rows:
                    for cell in row.cells:
                        yield from walk(cell)

    yield from walk(document)


def paragraph_with(document, text: str):
    return next(p for p in docx_paragraphs(document) if text in p.text)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_text(pdf: bytes, *, first: int | None = None, last: int | None = None) -> str:
    pages = []
    if first:
        pages += ["-f", str(first)]
    if last:
        pages += ["-l", str(last)]
    assert PDFTOTEXT is not None  # the callers are marked needs_pdftotext
    result = subprocess.run(  # noqa: S603 - a fixed local tool reading our own bytes
        [PDFTOTEXT, "-enc", "UTF-8", *pages, "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


@pytest.fixture(scope="module")
def state_docx():
    return docx.Document(io.BytesIO(render_docx(decision())))


@pytest.fixture(scope="module")
def party_docx():
    return docx.Document(io.BytesIO(render_docx(party_decision())))


@pytest.fixture(scope="module")
def state_pdf():
    return render_pdf(decision())


@pytest.fixture(scope="module")
def party_pdf():
    return render_pdf(party_decision())


# --- numbers and dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (datetime.date(2026, 1, 5), "Hà Nội, ngày 05 tháng 01 năm 2026"),
        (datetime.date(2026, 2, 5), "Hà Nội, ngày 05 tháng 02 năm 2026"),
        (datetime.date(2026, 2, 28), "Hà Nội, ngày 28 tháng 02 năm 2026"),
        (datetime.date(2026, 3, 15), "Hà Nội, ngày 15 tháng 3 năm 2026"),
        (datetime.date(2026, 9, 2), "Hà Nội, ngày 02 tháng 9 năm 2026"),
        (datetime.date(2026, 10, 1), "Hà Nội, ngày 01 tháng 10 năm 2026"),
        (datetime.date(2026, 12, 31), "Hà Nội, ngày 31 tháng 12 năm 2026"),
    ],
)
def test_place_date_pads_days_below_ten_and_only_january_and_february(date, expected):
    assert format_place_date("Hà Nội", date) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(5, "Số: 05/QĐ-BTGDV"), (12, "Số: 12/QĐ-BTGDV"), (370, "Số: 370/QĐ-BTGDV")],
)
def test_state_number_is_zero_padded_with_a_colon_and_slash(number, expected):
    assert format_number(decision(number=number)) == expected


@pytest.mark.parametrize(("number", "expected"), [(370, "Số 370-QĐ/TU"), (7, "Số 07-QĐ/TU")])
def test_party_number_has_no_colon_and_a_hyphen(number, expected):
    assert format_number(party_decision(number=number)) == expected


def test_document_is_numbered_in_the_year_it_is_dated():
    assert decision().year == 2026
    with pytest.raises(ValueError, match="year"):
        decision(year=2025)


def test_document_number_starts_at_one():
    with pytest.raises(ValueError):
        decision(number=0)


def test_unknown_body_item_is_refused_early():
    with pytest.raises(TypeError, match="body item"):
        decision(body=[42])


# --- DOCX ----------------------------------------------------------------------------------


def test_docx_carries_the_required_parts(state_docx):
    texts = [p.text for p in docx_paragraphs(state_docx)]
    for expected in (
        NATIONAL_TITLE,
        MOTTO,
        "Số: 05/QĐ-BTGDV",
        "Hà Nội, ngày 05 tháng 01 năm 2026",
        "QUYẾT ĐỊNH",
        SUBJECT,
        "Điều 1. " + ARTICLE_1,
        PARAGRAPH,
        "Phường Ô Chợ Dừa",
        "KT. TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Nguyễn Văn Ấn",
        "Nơi nhận:",
        "- Như Điều 2;",
    ):
        assert expected in texts, expected


def test_docx_is_a4_with_the_decree_margins(state_docx):
    section = state_docx.sections[0]
    measured = {
        "width": section.page_width.mm,
        "height": section.page_height.mm,
        "top": section.top_margin.mm,
        "bottom": section.bottom_margin.mm,
        "left": section.left_margin.mm,
        "right": section.right_margin.mm,
    }
    expected = {"width": 210, "height": 297, "top": 20, "bottom": 20, "left": 30, "right": 15}
    assert measured == pytest.approx(expected, abs=0.1)


def test_docx_body_is_times_new_roman_14_justified_and_indented(state_docx):
    normal = state_docx.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    fonts = normal.element.rPr.rFonts
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        assert fonts.get(qn(f"w:{script}")) == "Times New Roman", script

    body = paragraph_with(state_docx, PARAGRAPH)
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.paragraph_format.first_line_indent.cm == pytest.approx(1.27, abs=0.01)
    assert body.paragraph_format.space_after.pt >= 6
    assert 1.15 <= body.paragraph_format.line_spacing <= 1.5
    for run in body.runs:
        assert run.font.size.pt == 14
        assert run.font.name == "Times New Roman"


def test_docx_masthead_sizes_and_styles(state_docx):
    def run_of(text):
        return paragraph_with(state_docx, text).runs[0]

    title, motto, place_date = run_of(NATIONAL_TITLE), run_of(MOTTO), run_of("ngày 05 tháng 01")
    assert title.bold and 12 <= title.font.size.pt <= 13
    assert motto.bold and 13 <= motto.font.size.pt <= 14
    assert place_date.italic and 13 <= place_date.font.size.pt <= 14
    issuer = run_of("BAN TUYÊN GIÁO VÀ DÂN VẬN")
    assert issuer.bold and issuer.font.size.pt == 13
    kind = paragraph_with(state_docx, "QUYẾT ĐỊNH")
    assert kind.alignment == WD_ALIGN_PARAGRAPH.CENTER and kind.runs[0].bold
    assert kind.runs[0].font.size.pt == 14


def test_docx_masthead_has_no_borders(state_docx):
    masthead = state_docx.tables[0]
    borders = masthead._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_docx_signature_on_the_right_and_recipients_small_on_the_left(state_docx):
    closing = state_docx.tables[-1]
    recipients, signature = closing.rows[0].cells
    label = recipients.paragraphs[0].runs[0]
    assert label.text == "Nơi nhận:"
    assert label.bold and label.italic and label.font.size.pt == 12
    assert all(p.runs[0].font.size.pt == 11 for p in recipients.paragraphs[1:])
    lines = [p for p in signature.paragraphs if p.text]
    assert [p.text for p in lines] == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Văn Ấn"]
    assert all(p.runs[0].bold for p in lines)


def test_docx_numbers_pages_from_the_second(state_docx):
    section = state_docx.sections[0]
    assert section.different_first_page_header_footer
    assert not section.first_page_header.is_linked_to_previous
    assert "".join(p.text for p in section.first_page_header.paragraphs).strip() == ""
    instructions = section.header._element.xpath(".//w:instrText")
    assert [i.text.strip() for i in instructions] == ["PAGE"]


def test_docx_party_layout(party_docx):
    texts = [p.text for p in docx_paragraphs(party_docx)]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
    assert "Số 370-QĐ/TU" in texts
    assert "Hà Nội, ngày 15 tháng 3 năm 2026" in texts
    assert "*" in texts
    assert NATIONAL_TITLE not in texts
    assert MOTTO not in texts
    title = paragraph_with(party_docx, "ĐẢNG CỘNG SẢN VIỆT NAM").runs[0]
    assert title.bold
    label = paragraph_with(party_docx, "Nơi nhận:").runs[0]
    assert label.underline and not label.italic


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_is_a_pdf(state_pdf, party_pdf):
    assert state_pdf.startswith(b"%PDF")
    assert party_pdf.startswith(b"%PDF")


@needs_pdftotext
def test_pdf_text_keeps_the_required_parts_and_diacritics(state_pdf):
    text = squeeze(pdf_text(state_pdf))
    for expected in (
        NATIONAL_TITLE,
        MOTTO,
        "Số: 05/QĐ-BTGDV",
        "Hà Nội, ngày 05 tháng 01 năm 2026",
        "QUYẾT ĐỊNH",
        SUBJECT,
        "TRƯỞNG BAN TUYÊN GIÁO VÀ DÂN VẬN",
        "Căn cứ Quy chế công tác dân vận của hệ thống chính trị;",
        "Điều 1. " + ARTICLE_1,
        PARAGRAPH,
        "Phường Ô Chợ Dừa",
        "KT. TRƯỞNG BAN",
        "Nguyễn Văn Ấn",
        "Nơi nhận:",
        "- Lưu: VT, DV.",
    ):
        assert expected in text, expected


@needs_pdftotext
def test_pdf_party_layout(party_pdf):
    text = squeeze(pdf_text(party_pdf))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Số 370-QĐ/TU" in text
    assert "Hà Nội, ngày 15 tháng 3 năm 2026" in text
    assert NATIONAL_TITLE not in text
    assert MOTTO not in text


@pytest.mark.skipif(not PDFINFO, reason="pdfinfo (poppler-utils) is not installed")
def test_pdf_pages_are_a4(state_pdf):
    info = subprocess.run(  # noqa: S603 - a fixed local tool reading our own bytes
        [PDFINFO, "-"], input=state_pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "(A4)" in info


@needs_pdftotext
def test_pdf_numbers_pages_from_the_second():
    pdf = render_pdf(long_report(40))
    first_page = pdf_text(pdf, first=1, last=1).split()
    second_page = pdf_text(pdf, first=2, last=2).split()
    assert first_page[0] != "1"
    assert second_page[0] == "2"


def test_pdf_escapes_text_instead_of_reading_it_as_html():
    html = render_html(decision(body=['<img src="https://example.org/x.png"> & co']))
    assert "&lt;img src=&quot;https://example.org/x.png&quot;&gt; &amp; co" in html
    assert "<img" not in html


def test_pdf_fetcher_refuses_the_network():
    fetcher = local_url_fetcher()
    for url in ("https://example.org/logo.png", "http://10.0.0.1/x.css", "ftp://host/f"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


@pytest.mark.skipif(not PDFFONTS, reason="pdffonts (poppler-utils) is not installed")
def test_pdf_sets_vietnamese_in_one_serif_face(state_pdf):
    listing = subprocess.run(  # noqa: S603 - a fixed local tool reading our own bytes
        [PDFFONTS, "-"], input=state_pdf, capture_output=True, check=True
    ).stdout.decode()
    families = {line.split()[0].split("+")[-1].split("-")[0] for line in listing.splitlines()[2:]}
    if families - {"Liberation", "TimesNewRoman", "TimesNewRomanPS", "Times"}:
        pytest.xfail(
            f"letters fell back to {sorted(families)}: this host's Liberation Serif 1.x lacks "
            "Vietnamese letters; install fonts-liberation2 (or Times New Roman)"
        )


def test_pdf_time_for_a_200_paragraph_report():
    doc = long_report(200)
    started = time.perf_counter()
    pdf = render_pdf(doc)
    elapsed = time.perf_counter() - started
    pages = "?"
    if PDFINFO:
        info = subprocess.run(  # noqa: S603 - a fixed local tool reading our own bytes
            [PDFINFO, "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        pages = re.search(r"Pages:\s+(\d+)", info).group(1)
    print(f"\n200-paragraph report: {elapsed:.2f} s to PDF, {len(pdf) // 1024} KiB, {pages} pages")
    assert pdf.startswith(b"%PDF")


# Certificates


def _certificate(recipient: str, *, party: bool = True) -> Certificate:
    return Certificate(
        issuer_parent="THÀNH ỦY HÀ NỘI",
        issuer="BAN TUYÊN GIÁO VÀ DÂN VẬN",
        party=party,
        heading="GIẤY CHỨNG NHẬN",
        verb="",
        lead="Chứng nhận",
        recipient=recipient,
        recipient_detail="Phường Ba Đình, thành phố Hà Nội",
        achievement="Đạt giải Nhất cụm thi đua số 3",
        event="tại Hội thi “Dân vận khéo” thành phố Hà Nội năm 2025",
        register_line="Theo Quyết định số 87/QĐ-BTGDV",
        place="Hà Nội",
        date=datetime.date(2025, 9, 30),
        signer_title="Trưởng ban",
        signer_name="Nguyễn Văn Phong",
    )


@needs_pdftotext
def test_certificates_print_one_landscape_page_each_with_every_vietnamese_letter():
    pdf = render_certificates_pdf(
        [_certificate("Đội thi phường Ba Đình"), _certificate("Đội thi xã Sóc Sơn", party=False)]
    )
    first = squeeze(pdf_text(pdf, first=1, last=1))
    assert "GIẤY CHỨNG NHẬN" in first
    assert "Đội thi phường Ba Đình" in first
    assert "Đạt giải Nhất cụm thi đua số 3" in first
    assert "Hà Nội, ngày 30 tháng 9 năm 2025" in first
    assert PARTY_TITLE in first and "TRƯỞNG BAN" in first
    second = squeeze(pdf_text(pdf, first=2, last=2))
    assert "Đội thi xã Sóc Sơn" in second
    assert NATIONAL_TITLE in second and MOTTO in second
    if PDFINFO:
        info = subprocess.run(  # noqa: S603 - a fixed local tool reading our own bytes
            [PDFINFO, "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert re.search(r"Pages:\s+2", info)
        assert "842 x 595" in info or "841.89 x 595.276" in info  # A4 landscape


def test_no_certificate_is_no_pdf():
    with pytest.raises(ValueError, match="No certificate"):
        render_certificates_pdf([])
