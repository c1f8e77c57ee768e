"""The event's printed programme and invitee list: what they say, in DOCX and PDF, with the
sections other apps add (the awards presented at the event)."""

import datetime
import io
import re
import shutil
import subprocess
import unicodedata

import docx
import pytest
from django.urls import reverse

from danvan.cadres import documents, events, services
from danvan.cadres.models import Attendance
from danvan.cadres.tests.conftest import make_cadre, post
from danvan.lib.documents import render_docx, render_pdf

PDFTOTEXT = shutil.which("pdftotext")


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


@pytest.fixture
def event(tree, old):
    hoa = make_cadre(
        tree.a.party, "Nguyễn Thị Hoa", born=1956, retired_on=datetime.date(2011, 6, 1)
    )
    post(hoa, old.commune, "Chủ tịch Ủy ban MTTQ", (1995, 1, 1), (2011, 5, 31), is_manager=True)
    event = services.create_event(
        actor=None,
        unit=tree.a.party,
        name="Gặp mặt các thế hệ cán bộ làm công tác dân vận phường Ba Đình",
        date=datetime.date(2026, 10, 14),
        time=datetime.time(8, 30),
        place="Hội trường Đảng ủy phường Ba Đình",
    )
    services.set_programme(
        event,
        [
            {"time": datetime.time(8, 30), "title": "Tuyên bố lý do", "presenter": "Văn phòng"},
            {"time": datetime.time(9, 0), "title": "Ôn lại truyền thống", "presenter": "Bí thư"},
        ],
        actor=None,
    )
    services.invite(event, [hoa], actor=None)
    return event


def signing():
    return documents.Signing(
        number=12, date=datetime.date(2026, 10, 1), signer_name="Lê Minh Tuấn", signer_title=""
    )


def test_the_programme_says_when_where_who_and_what(event):
    doc = documents.programme_document(
        event, list(event.programme.all()), event.invitees.count(), [], signing()
    )
    text = docx_text(render_docx(doc))
    assert "CHƯƠNG TRÌNH" in text and event.name in text
    assert "Thời gian: 8 giờ 30, ngày 14/10/2026." in text
    assert "Địa điểm: Hội trường Đảng ủy phường Ba Đình." in text
    assert "của Phường Ba Đình qua các thời kỳ (1 đồng chí, có danh sách kèm theo)" in text
    assert "Tuyên bố lý do" in text and "Ôn lại truyền thống" in text and "09:00" in text
    # A Party committee's document: the Party header and numbering.
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Số 12-CTr/ĐU" in text
    assert "Lê Minh Tuấn" in text


def test_the_invitee_list_names_each_invitee_with_the_post(event):
    doc = documents.invitee_document(event, list(event.invitees.select_related("cadre")), signing())
    text = docx_text(render_docx(doc))
    assert "DANH SÁCH" in text
    assert "Nguyễn Thị Hoa" in text and "1956" in text
    assert "Chủ tịch Ủy ban MTTQ, Phường Trúc Bạch (1995–2011)" in text
    assert "Đã nghỉ hưu" in text


def test_another_apps_section_is_shown_and_printed(event, city_officer, client_for):
    def awards(event_, user):
        return events.EventSection(
            title="Khen thưởng trao tại buổi gặp mặt",
            columns=["Người nhận", "Hình thức"],
            rows=[["Nguyễn Thị Hoa", "Kỷ niệm chương “Vì sự nghiệp Dân vận”"]],
        )

    events.register_event_section(awards)
    try:
        page = client_for(city_officer).get(reverse("cadres:event", args=[event.pk]))
        assert "Khen thưởng trao tại buổi gặp mặt" in page.content.decode()
        doc = documents.programme_document(
            event, [], 1, events.event_sections(event, city_officer), signing()
        )
        text = docx_text(render_docx(doc))
        assert "V. KHEN THƯỞNG TRAO TẠI BUỔI GẶP MẶT" in text
        assert "Kỷ niệm chương “Vì sự nghiệp Dân vận”" in text
    finally:
        events._PROVIDERS.remove(awards)


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_says_the_same(event):
    doc = documents.invitee_document(event, list(event.invitees.select_related("cadre")), signing())
    pdf = render_pdf(doc)
    text = subprocess.run(  # noqa: S603 - a fixed local tool reading our own bytes
        [PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    text = unicodedata.normalize("NFC", re.sub(r"\s+", " ", text))
    # A name wraps in its narrow column, and the text comes out column by column.
    assert "DANH SÁCH" in text and "Số 12-DS/ĐU" in text and "Nguyễn Thị" in text
    assert "Chủ tịch Ủy ban MTTQ, Phường Trúc Bạch (1995–2011)" in text


def test_the_download_is_a_named_word_file(event, clerk_a, client_for):
    url = reverse("cadres:event_document", args=[event.pk, "programme"])
    client = client_for(clerk_a)
    form = client.get(url)
    assert form.status_code == 200 and "Số" in form.content.decode()
    response = client.get(url, {"number": 3, "format": "docx", "signer_name": "Lê Minh Tuấn"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "chuong-trinh" in response["Content-Disposition"]
    assert "Tuyên bố lý do" in docx_text(response.content)


def test_attendance_is_recorded_only_from_the_day(event):
    invitee = event.invitees.get()
    from django.core.exceptions import ValidationError

    event.date = datetime.date(2999, 1, 1)
    event.save()
    with pytest.raises(ValidationError):
        services.set_attendance(event, {invitee.pk: Attendance.ATTENDED}, actor=None)
    assert services.set_attendance(event, {invitee.pk: Attendance.CONFIRMED}, actor=None) == 1
