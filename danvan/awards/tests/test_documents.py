"""The decision (NĐ 30 layout for a state body, the Party's for a Party body) and the
certificates (A4 landscape): what they say."""

import datetime
import re
import shutil
import subprocess

import pytest

from danvan.awards import services
from danvan.awards.documents import award_certificate, decision_document, training_certificate
from danvan.awards.tests.conftest import submitted, vote
from danvan.cadres.models import Training, TrainingCourse
from danvan.lib.documents import render_certificate_pdf, render_docx
from danvan.lib.tests.test_documents import needs_pdftotext, pdf_text
from danvan.registry.tests.factories import docx_text

D = datetime.date


@pytest.fixture
def decision(tree, clerk_a, city_officer, city_committee, council, members, people):
    files = []
    for cadre in (people.an, people.binh):
        nomination = submitted(
            clerk_a,
            tree.a.front,
            city_committee,
            cadre=cadre,
            achievements="Hoàn thành xuất sắc nhiệm vụ công tác dân vận năm 2026",
        )
        vote(nomination, members, 5)
        files.append(services.close_vote(actor=city_officer, nomination=nomination))
    return services.issue_decision(
        actor=city_officer,
        issuer=city_committee,
        nominations=files,
        number=7,
        date=D(2026, 12, 1),
        signer_name="Trần Sỹ Thanh",
        signer_title="Chủ tịch",
    )


def test_the_decision_names_the_award_the_recipients_and_the_money(decision):
    document = decision_document(decision, list(decision.awards.order_by("id")))
    text = docx_text(render_docx(document))

    assert "Số: 07/QĐ-UBND" in text
    assert "Hà Nội, ngày 01 tháng 12 năm 2026" in text
    assert "Về việc tặng Bằng khen" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI" in text
    assert "Tặng Bằng khen cho 2 cá nhân" in text
    assert "Trần Thị Bình" in text and "Nguyễn Văn An" in text
    assert "1.00 lần mức lương cơ sở (2.340.000 đồng/tháng)" in text
    assert "tổng cộng 4.680.000 đồng" in text
    assert "Trần Sỹ Thanh" in text


def test_a_party_bodys_decision_uses_the_party_layout(tree, city_officer, people):
    from danvan.awards.models import AwardType, Decision
    from danvan.awards.services import _create_award

    decision = Decision.objects.create(
        issuer=tree.city_party,
        issuer_name=tree.city_party.name,
        number=370,
        symbol="QĐ/TU",
        year=2026,
        date=D(2026, 2, 3),
        signer_name="Bùi Thị Minh Hoài",
        signer_title="Bí thư",
        award_type=AwardType.objects.get(code="bang_khen"),
    )
    award = _create_award(
        decision,
        award_type=decision.award_type,
        year=2025,
        unit=None,
        cadre=people.an,
        achievement="Tiêu biểu trong phong trào thi đua “Dân vận khéo”",
        fallback_scope=tree.a.front,
    )
    text = docx_text(render_docx(decision_document(decision, [award])))

    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Số 370-QĐ/TU" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text


def pdf_info(pdf: bytes) -> str:
    tool = shutil.which("pdfinfo")
    assert tool is not None  # poppler-utils, with pdftotext
    return subprocess.run(  # noqa: S603 - a fixed local tool reading our own bytes
        [tool, "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@needs_pdftotext
def test_the_certificate_is_one_landscape_page_with_the_decision(decision):
    award = decision.awards.get(cadre__full_name="Nguyễn Văn An")
    pdf = render_certificate_pdf(award_certificate(award))

    info = pdf_info(pdf)
    assert re.search(r"Pages:\s+1\n", info)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height  # landscape
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210)
    text = " ".join(pdf_text(pdf).split())
    assert "BẰNG KHEN" in text
    assert "Ông/Bà Nguyễn Văn An" in text
    assert "Cán bộ dân vận, MTTQ Phường Ba Đình" in text
    assert "Hoàn thành xuất sắc nhiệm vụ công tác dân vận năm 2026" in text
    assert "Quyết định số 07/QĐ-UBND ngày 01/12/2026" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI" in text


@needs_pdftotext
def test_the_training_certificate_names_the_course_and_its_number(people):
    course = TrainingCourse.objects.create(
        name="Bồi dưỡng kỹ năng dân vận",
        organiser="Trường Chính trị Tô Hiệu",
        level="refresher",
        hours=40,
        start=D(2025, 5, 5),
        end=D(2025, 5, 9),
    )
    training = Training.objects.create(
        cadre=people.binh, course=course, result="excellent", certificate_number="125/GCN"
    )
    text = " ".join(pdf_text(render_certificate_pdf(training_certificate(training))).split())

    assert "GIẤY CHỨNG NHẬN" in text
    assert "Ông/Bà Trần Thị Bình" in text
    assert "“Bồi dưỡng kỹ năng dân vận” từ ngày 05/05/2025 đến ngày 09/05/2025, 40 tiết" in text
    assert "Số: 125/GCN" in text
