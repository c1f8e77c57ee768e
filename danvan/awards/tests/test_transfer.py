"""Earlier awards come in through the shared import pipeline (a title block above the header,
the offices' headings); a filtered list goes out as Excel."""

import datetime

import pytest
from openpyxl import Workbook, load_workbook

from danvan.awards.models import Award, Decision
from danvan.awards.queries import filtered_awards
from danvan.awards.services import import_awards
from danvan.awards.transfer import checked_rows, export_rows
from danvan.core.jobs import JobFailed

D = datetime.date


def sheet(tmp_path, rows, *, title=True):
    book = Workbook()
    ws = book.active
    if title:
        ws.append(["ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH"])
        ws.append(["DANH SÁCH KHEN THƯỞNG GIAI ĐOẠN 2015 - 2024"])
        ws.append([])
    ws.append(
        [
            "STT",
            "Họ và tên",
            "Hình thức khen thưởng",
            "Năm",
            "Số QĐ",
            "Ngày ký",
            "Cấp khen",
            "Thành tích",
        ]
    )
    for index, row in enumerate(rows, start=1):
        ws.append([index, *row])
    path = tmp_path / "khen-thuong.xlsx"
    book.save(path)
    return path


def test_a_sheet_of_earlier_awards_is_checked_then_imported_once(tmp_path, tree, clerk_a, people):
    path = sheet(
        tmp_path,
        [
            [
                "Nguyễn Văn An",
                "Lao động tiên tiến",
                2019,
                "12/QĐ-UBND",
                "15/12/2019",
                "Quận Ba Đình",
                "",
            ],
            [
                "Nguyễn Văn An",
                "Chiến sĩ thi đua cơ sở",
                2020,
                "30/QĐ-UBND",
                "20/12/2020",
                "Quận Ba Đình",
                "Sáng kiến",
            ],
            [
                "MTTQ Phường Ba Đình",
                "Giấy khen",
                2021,
                "7",
                "01/02/2022",
                "Ủy ban nhân dân thành phố Hà Nội",
                "",
            ],
            ["Lê Văn Cường", "Giấy khen", 2021, "8", "01/02/2022", "Quận Ba Đình", ""],  # ward B
            ["Nguyễn Văn An", "Huy hiệu vàng", 2021, "9", "01/02/2022", "Quận Ba Đình", ""],
            ["Nguyễn Văn An", "Giấy khen", 2021, "x", "01/02/2022", "Quận Ba Đình", ""],
        ],
    )
    rows = list(checked_rows(path, clerk_a))

    assert [reason == "" for _n, _row, reason in rows] == [True, True, True, False, False, False]
    assert [n for n, _row, _reason in rows] == [5, 6, 7, 8, 9, 10]  # the sheet's own rows
    assert "không phải cán bộ hay đơn vị" in rows[3][2]
    assert "không có trong danh mục khen thưởng" in rows[4][2]
    valid = [row for _n, row, reason in rows if not reason]

    assert import_awards(actor=clerk_a, rows=valid) == (3, 0)
    assert import_awards(actor=clerk_a, rows=valid) == (0, 3)  # again: nothing new
    an = Award.objects.filter(cadre=people.an).order_by("year")
    assert [(a.award_type.code, a.year) for a in an] == [("ldtt", 2019), ("cstd_co_so", 2020)]
    assert an[0].decision.issuer_name == "Quận Ba Đình" and an[0].decision.imported
    assert Decision.objects.count() == 3


def test_a_sheet_without_the_needed_columns_is_refused(tmp_path, clerk_a):
    book = Workbook()
    book.active.append(["Họ và tên", "Ghi chú"])
    book.active.append(["Nguyễn Văn An", ""])
    path = tmp_path / "x.xlsx"
    book.save(path)
    with pytest.raises(JobFailed):
        list(checked_rows(path, clerk_a))
    assert not Award.objects.exists()


def test_the_export_holds_the_filtered_list(tmp_path, tree, clerk_a, people):
    path = sheet(
        tmp_path,
        [
            [
                "Nguyễn Văn An",
                "Lao động tiên tiến",
                2019,
                "12/QĐ-UBND",
                "15/12/2019",
                "Quận Ba Đình",
                "",
            ],
            [
                "Trần Thị Bình",
                "Lao động tiên tiến",
                2020,
                "40/QĐ-UBND",
                "15/12/2020",
                "Quận Ba Đình",
                "",
            ],
        ],
    )
    import_awards(actor=clerk_a, rows=[row for _n, row, _r in checked_rows(path, clerk_a)])

    rows = list(export_rows(filtered_awards(clerk_a, {"year": 2020})))

    assert rows == [
        [
            "Trần Thị Bình",
            "Lao động tiên tiến",
            2020,
            "40/QĐ-UBND",
            D(2020, 12, 15),
            "Quận Ba Đình",
            "",
            None,
            None,
        ]
    ]


def test_an_unrecognised_heading_of_earlier_awards_goes_through_the_mapping_step(
    tmp_path, tree, clerk_a, people
):
    """“Số QĐ” headed “Văn bản căn cứ”: the preview stops at the shared
    column-mapping step; the clerk's choice checks the rows, and is remembered."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from conftest import english_client
    from danvan.core.models import ColumnMapping, Job

    path = sheet(
        tmp_path,
        [["Nguyễn Văn An", "Lao động tiên tiến", 2019, "12/QĐ-UBND", "15/12/2019", "Quận Ba Đình"]],
    )
    book = load_workbook(path)
    book.active.cell(row=4, column=5).value = "Văn bản căn cứ"
    book.save(path)
    client = english_client(clerk_a)
    url = reverse("awards:import")

    started = client.post(url, {"file": SimpleUploadedFile("kt.xlsx", path.read_bytes())})
    preview = Job.objects.get(kind="awards.import_preview")
    page = client.get(started.url).content.decode()

    assert preview.result["needs_mapping"]
    assert "No column is “Decision number”." in page
    assert 'name="column_4"' in page
    assert "Import the valid rows" not in page
    assert client.post(url, {"preview": preview.token}).status_code == 404

    choice = {f"column_{c['index']}": c["field"] or "ignore" for c in preview.result["columns"]}
    remapped = client.post(
        f"{url}?job={preview.token}", {**choice, "column_4": "number", "action": "remap"}
    )
    again = Job.objects.filter(kind="awards.import_preview").latest("id")

    assert remapped.status_code == 302
    assert again.result["valid"] == 1 and not again.result["needs_mapping"]
    assert ColumnMapping.objects.filter(register="awards").exists()
    assert not Award.objects.exists()
    imported = client.post(url, {"preview": again.token})
    assert imported.status_code == 302
    assert Award.objects.filter(cadre=people.an, award_type__code="ldtt").exists()
