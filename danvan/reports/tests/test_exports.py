"""Exports of periodic reports: DOCX and PDF in the NĐ 30 (or Party) layout, XLSX, and the
background export of a whole period."""

import io
import re
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from danvan.core.jobs import start_job
from danvan.core.models import Job
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit
from danvan.registry.tests.factories import docx_text
from danvan.reports import services
from danvan.reports.documents import figure
from danvan.reports.models import Report
from danvan.reports.tests.test_periodic import Q1, fill_and_submit, open_q1, quarterly_template

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
DATE_LINE = re.compile(r"Hà Nội, ngày \d{2} tháng \d{1,2} năm \d{4}")
SIGNING = {
    "number": "5",
    "date": "2026-04-03",
    "signer_title": "Chủ tịch",
    "signer_name": "Nguyễn Văn An",
}


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def template(tree):
    return quarterly_template(tree.city)


@pytest.fixture
def opened(tree, template, city_officer):
    return open_q1(tree, template, city_officer)


@pytest.fixture
def submitted_a(tree, clerk_a, opened):
    return fill_and_submit(opened.a, clerk_a, meetings="1234,5")


def export(client, report, fmt, **params):
    return client.get(reverse("reports:report_export", args=[report.pk, fmt]), params)


def test_report_docx_has_the_nd30_header_date_line_and_figures(
    tree, clerk_a, submitted_a, client_for
):
    response = export(client_for(clerk_a), submitted_a, "docx", **SIGNING)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    text = docx_text(response.content)
    assert NATIONAL_TITLE in text and PARTY_TITLE not in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Hà Nội, ngày 03 tháng 4 năm 2026" in text
    assert "Số: 05/BC-PBĐ" in text
    assert "PHƯỜNG BA ĐÌNH" in text
    assert "BÁO CÁO" in text
    assert "Kết quả công tác dân vận quý I năm 2026" in text
    assert "2. Số buổi đối thoại:" in text and "1.234,5" in text
    assert "Nhân dân đồng thuận." in text
    assert "Đối thoại với Nhân dân" in text  # a table cell
    assert "NGUYỄN VĂN AN" in text.upper() and "CHỦ TỊCH" in text
    assert "Thành phố Hà Nội (để báo cáo);" in text


def test_report_docx_without_signing_is_dated_today(tree, clerk_a, submitted_a, client_for):
    response = export(client_for(clerk_a), submitted_a, "docx")
    text = docx_text(response.content)
    assert DATE_LINE.search(text)
    assert "Số: 01/BC-PBĐ" in text
    docx.Document(io.BytesIO(response.content))  # opens


def test_party_issuer_gets_the_party_layout(
    tree, template, city_officer, front_clerk_a, clerk_a, client_for
):
    services.open_period(
        actor=city_officer, template=template, period_start=Q1, units=[tree.a.party]
    )
    report = Report.objects.get(unit=tree.a.party)
    fill_and_submit(report, clerk_a)
    text = docx_text(export(client_for(clerk_a), report, "docx", number="7").content)
    assert PARTY_TITLE in text and NATIONAL_TITLE not in text
    assert "Số 07-BC/ĐUPBĐ" in text
    assert DATE_LINE.search(text)


def test_report_pdf_is_a_pdf(tree, clerk_a, submitted_a, client_for):
    response = export(client_for(clerk_a), submitted_a, "pdf", **SIGNING)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_report_xlsx_holds_the_figures(tree, clerk_a, submitted_a, client_for):
    response = export(client_for(clerk_a), submitted_a, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Số buổi đối thoại"][0] == pytest.approx(1234.5)
    assert rows["Mô hình đăng ký"][0] == 2
    assert rows["Hoạt động nổi bật"][:2] == ("Ngày", "Nội dung")
    assert rows[None][:2] == ("15/02/2026", "Đối thoại với Nhân dân")


def test_bad_document_number_is_refused_with_a_message(tree, clerk_a, submitted_a, client_for):
    response = export(client_for(clerk_a), submitted_a, "docx", number="0")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report", args=[submitted_a.pk])
    assert export(client_for(clerk_a), submitted_a, "odt").status_code == 404


def test_figure_is_printed_the_vietnamese_way():
    assert figure(Decimal("1234567")) == "1.234.567"
    assert figure(Decimal("66.70")) == "66,7"
    assert figure(Decimal("0")) == "0"
    assert figure(None) == ""


# --- The period's export runs in the background ------------------------------------------


@pytest.fixture
def accepted(tree, clerk_a, clerk_b, city_officer, opened):
    a = services.accept_report(
        actor=city_officer, report=fill_and_submit(opened.a, clerk_a, meetings="3")
    )
    b = fill_and_submit(opened.b, clerk_b, meetings="500")  # submitted, not accepted
    return a, b


def start_export(client, template, *, language="vi", **data):
    url = reverse("reports:period_export", args=[template.pk, Q1.isoformat()])
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)


def download(client, job) -> bytes:
    response = client.get(reverse("job_download", args=[job.token]))
    return b"".join(response.streaming_content)


def job_of(response) -> Job:
    return Job.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_period_export_job_writes_the_accepted_figures(
    tree, template, city_officer, accepted, client_for
):
    client = client_for(city_officer)
    response = start_export(client, template, format="xlsx")
    job = job_of(response)
    assert job.kind == "reports.export_period"
    assert job.status == Job.Status.DONE, job.message
    assert (job.done, job.total) == (1, 1)
    page = client.get(reverse("job", args=[job.token])).content.decode()
    assert reverse("job_download", args=[job.token]) in page and "<progress" in page
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, job))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2:4] == ("Mô hình đăng ký", "Số buổi đối thoại")
    assert rows[1][0] == "Phường Ba Đình" and len(rows) == 3  # then the totals
    assert rows[1][3] == 3 and rows[2][3] == 3  # ward B's 500 is not accepted


def test_period_export_as_docx_is_the_citys_report(
    tree, template, city_officer, accepted, client_for
):
    client = client_for(city_officer)
    job = job_of(start_export(client, template, format="docx", **SIGNING))
    assert job.status == Job.Status.DONE, job.message
    text = docx_text(download(client, job))
    assert NATIONAL_TITLE in text
    assert "THÀNH PHỐ HÀ NỘI" in text
    assert "Hà Nội, ngày 03 tháng 4 năm 2026" in text
    assert "Tổng hợp từ 1 báo cáo" in text
    assert "Tổng cộng" in text and "Phường Ba Đình" in text
    assert "Phường Hà Đông" not in text


def test_party_owner_exports_in_the_party_layout(tree, template, city_officer, client_for):
    template.owner = tree.city_party
    template.save()
    committee = create_unit(
        actor=None,
        parent=tree.city_party,
        name="Đảng ủy các cơ quan Đảng Thành phố",
        kind=UnitKind.PARTY_COMMITTEE,
    )
    services.open_period(actor=city_officer, template=template, period_start=Q1, units=[committee])
    report = Report.objects.get(unit=committee)
    services.accept_report(actor=None, report=fill_and_submit(report, None))
    client = client_for(city_officer)
    job = job_of(start_export(client, template, format="pdf"))
    assert job.status == Job.Status.DONE, job.message
    assert download(client, job).startswith(b"%PDF")
    job = job_of(start_export(client, template, format="docx"))
    text = docx_text(download(client, job))
    assert PARTY_TITLE in text and NATIONAL_TITLE not in text


def test_export_of_an_empty_selection_is_refused(
    tree, template, city_officer, clerk_a, opened, client_for
):
    fill_and_submit(opened.a, clerk_a)  # submitted, not yet accepted
    client = client_for(city_officer)
    response = start_export(client, template, format="xlsx", language="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:period", args=[template.pk, Q1.isoformat()])
    assert not Job.objects.exists()
    page = client.get(response["Location"])
    assert "không có dữ liệu để xuất" in page.content.decode()


def test_clerk_cannot_export_the_period(tree, template, clerk_a, accepted, client_for):
    assert start_export(client_for(clerk_a), template, format="xlsx").status_code == 404
    assert not Job.objects.exists()


def test_export_job_of_a_clerk_fails_without_a_file(tree, template, clerk_a, accepted):
    """The job checks the reviewer's permission itself, not only the page that starts it."""
    job = start_job(
        actor=clerk_a,
        kind="reports.export_period",
        params={"template": template.pk, "period_start": Q1.isoformat(), "format": "xlsx"},
    )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "outside your scope" in job.message
    assert not job.output_file


def test_export_job_fails_cleanly_when_nothing_is_accepted_any_more(
    tree, template, city_officer, accepted
):
    Report.objects.update(status=Report.Status.SUBMITTED)  # e.g. emptied between click and run
    job = start_job(
        actor=city_officer,
        kind="reports.export_period",
        params={"template": template.pk, "period_start": Q1.isoformat(), "format": "xlsx"},
    )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "nothing to export" in job.message
    assert not job.output_file


def test_export_job_without_an_owner_fails_with_a_message(tree, template, accepted):
    with translation.override("vi"):
        job = start_job(
            actor=None,
            kind="reports.export_period",
            params={"template": template.pk, "period_start": Q1.isoformat(), "format": "xlsx"},
        )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "Lượt xuất này không có người yêu cầu: hãy bắt đầu lại từ trang báo cáo."
    assert not job.output_file
