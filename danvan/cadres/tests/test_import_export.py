"""Legacy cadres, postings and training through the shared import pipeline (header below a
title, the offices' headings, units of their time), all rows or none; and the export of a
filtered list, without sensitive data."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.worksheet.worksheet import Worksheet

from conftest import english_client, login
from danvan.cadres import services
from danvan.cadres.models import Cadre, PersonalDataPolicy, Posting, Training
from danvan.cadres.tests.conftest import make_cadre, post
from danvan.cadres.transfer import import_sheet
from danvan.core.models import AuditEntry, Job

TITLE = ["ĐẢNG ỦY PHƯỜNG BA ĐÌNH"], ["DANH SÁCH CÁN BỘ LÀM CÔNG TÁC DÂN VẬN QUA CÁC THỜI KỲ"]
HEADINGS = [
    "STT",
    "Số hồ sơ",
    "Họ và tên",
    "Giới tính",
    "Năm sinh",
    "Đơn vị công tác",
    "Chức vụ",
    "Từ ngày",
    "Đến ngày",
    "Chuyên trách",
    "Ngày nghỉ hưu",
]


def workbook(rows, headings=HEADINGS, title=TITLE) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    for line in title:
        sheet.append(line)
    sheet.append([])
    sheet.append(headings)
    sheet.append([f"({n})" for n in range(1, len(headings) + 1)])
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("can-bo.xlsx", content)


ROWS = [
    [
        "BD-001",
        "Trần Văn Bình",
        "Nam",
        1959,
        "P. Trúc Bạch",
        "Trưởng khối Dân vận",
        "01/01/1998",
        "31/05/2019",
        "x",
        "01/06/2019",
    ],
    [
        "BD-001",
        "Trần Văn Bình",
        "Nam",
        1959,
        "Quận Ba Đình",
        "Phó Trưởng ban Dân vận Quận ủy",
        "1990",
        "31/12/1997",
        "x",
        "",
    ],
    [
        "",
        "Nguyễn Thị Hoa",
        "Nữ",
        1978,
        "Đảng ủy Phường Ba Đình",
        "Trưởng ban Dân vận",
        "01/07/2025",
        "",
        "",
        "",
    ],
]


def test_a_sheet_is_checked_without_writing_then_imported(tree, old, clerk_a):
    content = workbook(ROWS)
    checked = import_sheet(upload(content), kind="cadres", actor=clerk_a, write=False)
    assert checked.problems == [] and not checked.written
    assert (checked.rows, checked.cadres_created, checked.records) == (3, 2, 3)
    assert not Cadre.objects.exists() and not AuditEntry.objects.filter(action="cadres.create")

    result = import_sheet(upload(content), kind="cadres", actor=clerk_a, write=True)
    assert result.written and result.problems == []
    binh = Cadre.objects.get(external_id="BD-001")
    assert binh.retired_on == datetime.date(2019, 6, 1)
    units = list(binh.postings.order_by("start").values_list("unit__name", "start"))
    assert units == [
        ("Quận Ba Đình", datetime.date(1990, 1, 1)),  # a bare year: its first day
        ("Phường Trúc Bạch", datetime.date(1998, 1, 1)),
    ]
    hoa = Cadre.objects.get(full_name="Nguyễn Thị Hoa")
    assert hoa.postings.get().full_time is False  # the column left empty: part-time
    assert AuditEntry.objects.filter(action="cadres.import", actor=clerk_a).exists()

    again = import_sheet(upload(content), kind="cadres", actor=clerk_a, write=True)
    assert (again.cadres_created, again.cadres_matched, again.records, again.skipped) == (
        0,
        2,
        0,
        3,
    )
    assert Posting.objects.count() == 3


def test_one_bad_row_writes_nothing_and_names_the_row(tree, old, clerk_a):
    rows = [
        *ROWS,
        # The same post at the same time as the first row: an overlap.
        [
            "BD-001",
            "Trần Văn Bình",
            "Nam",
            1959,
            "Phường Trúc Bạch",
            "Trưởng khối dân vận",
            "01/01/2010",
            "31/12/2012",
            "x",
            "",
        ],
        # A unit that does not exist; a date that is not one.
        ["", "Lê Văn Cường", "Nam", 1960, "Xã Không Có", "Cán bộ", "01/01/2000", "", "", ""],
        ["", "Lê Văn Dũng", "Nam", 1961, "Quận Ba Đình", "Cán bộ", "32/13/2000", "", "", ""],
    ]
    result = import_sheet(upload(workbook(rows)), kind="cadres", actor=clerk_a, write=True)
    assert not result.written
    by_row = {line: message for line, _name, message in result.problems}
    assert "Xã Không Có" in by_row[10] and "32/13/2000" in by_row[11]
    assert not Cadre.objects.exists() and not Posting.objects.exists()
    # Once the unreadable row is gone, the overlap is found by the services: still nothing.
    result = import_sheet(upload(workbook(rows[:4])), kind="cadres", actor=clerk_a, write=True)
    assert not result.written
    assert any("không được trùng nhau" in m and line == 9 for line, _n, m in result.problems)
    assert not Cadre.objects.exists()


def test_a_clerk_cannot_import_into_another_ward(tree, old, clerk_b):
    rows = [ROWS[2]]
    result = import_sheet(upload(workbook(rows)), kind="cadres", actor=clerk_b, write=True)
    assert not result.written and result.problems
    assert not Cadre.objects.exists()


def test_missing_columns_are_named(tree, clerk_a):
    content = workbook([["x", "Trần Văn Bình"]], headings=["STT", "Số hồ sơ", "Họ và tên"])
    result = import_sheet(upload(content), kind="cadres", actor=clerk_a, write=False)
    assert "Năm sinh" in result.problems[0][2] and "Chức vụ" in result.problems[0][2]


def test_training_rows_join_the_cadres_by_file_number(tree, old, clerk_a):
    import_sheet(upload(workbook(ROWS)), kind="cadres", actor=clerk_a, write=True)
    headings = [
        "STT",
        "Số hồ sơ",
        "Họ và tên",
        "Năm sinh",
        "Tên lớp",
        "Cơ sở đào tạo",
        "Trình độ",
        "Số tiết",
        "Từ ngày",
        "Đến ngày",
        "Xếp loại",
        "Số chứng chỉ",
    ]
    rows = [
        [
            "BD-001",
            "Trần Văn Bình",
            1959,
            "Trung cấp lý luận chính trị – hành chính",
            "Trường Đào tạo cán bộ Lê Hồng Phong",
            "Trung cấp lý luận chính trị",
            1080,
            "03/2005",
            "12/2005",
            "Khá",
            "TC-2005-0153",
        ],
        [
            "",
            "Nguyễn Thị Hoa",
            1978,
            "Tập huấn kỹ năng dân vận khéo",
            "Ban Tuyên giáo và Dân vận Thành ủy",
            "Tập huấn",
            16,
            "10/10/2025",
            "11/10/2025",
            "Hoàn thành",
            "",
        ],
    ]
    result = import_sheet(
        upload(workbook(rows, headings=headings)), kind="training", actor=clerk_a, write=True
    )
    assert result.written, result.problems
    training = Training.objects.get(cadre__external_id="BD-001")
    assert (training.course.level, training.result, training.certificate_number) == (
        "intermediate",
        "fair",
        "TC-2005-0153",
    )
    assert Training.objects.get(cadre__full_name="Nguyễn Thị Hoa").course.level == "workshop"


def _review(client, response):
    """Follow an upload or a step to the review page (the jobs run in the request in tests)."""
    assert response.status_code == 302, response
    return response.url, client.get(response.url).content.decode()


def test_the_import_page_checks_every_row_then_writes(tree, old, clerk_a):
    """A sheet with a title block and the offices' headings maps by itself: the preview (a
    background job) checks the rows and writes nothing; importing writes them all."""
    client = english_client(clerk_a)
    url, page = _review(
        client,
        client.post(reverse("cadres:import"), {"kind": "cadres", "file": upload(workbook(ROWS))}),
    )
    preview = Job.objects.get(kind="cadres.import_preview")

    assert preview.status == Job.Status.DONE
    assert not preview.result["needs_mapping"] and not preview.result["problems"]
    assert preview.result["header_row"] == 4
    assert "DANH SÁCH CÁN BỘ LÀM CÔNG TÁC DÂN VẬN QUA CÁC THỜI KỲ" in page
    assert "3 rows" in page and "Import the sheet" in page
    assert not Cadre.objects.exists()

    _url, done = _review(client, client.post(url, {"action": "import"}))

    assert Job.objects.get(kind="cadres.import").status == Job.Status.DONE
    assert Cadre.objects.count() == 2 and Posting.objects.count() == 3
    assert "2 new cadres" in done
    template = login(clerk_a).get(reverse("cadres:import_template", args=["cadres"]))
    headings = [c.value for c in openpyxl.load_workbook(io.BytesIO(template.content)).active[1]]
    assert "Họ và tên" in headings and "Đơn vị công tác" in headings


def test_an_unrecognised_needed_column_shows_the_mapping_step_and_is_remembered(tree, old, clerk_a):
    headings = [("Nhiệm vụ đảm nhận" if h == "Chức vụ" else h) for h in HEADINGS]
    content = workbook(ROWS, headings=headings)
    client = english_client(clerk_a)
    url, page = _review(
        client, client.post(reverse("cadres:import"), {"kind": "cadres", "file": upload(content)})
    )
    preview = Job.objects.get(kind="cadres.import_preview")
    column = headings.index("Nhiệm vụ đảm nhận")

    assert preview.result["needs_mapping"]
    assert "No column is “Position”." in page
    assert f'name="column_{column}"' in page
    assert "Import the sheet" not in page
    assert client.post(url, {"action": "import"}).status_code == 404

    choice = {f"column_{c['index']}": c["field"] or "ignore" for c in preview.result["columns"]} | {
        f"column_{column}": "position",
        "action": "remap",
        "sheet": preview.result["sheet"],
    }
    again_url, again = _review(client, client.post(url, choice))

    assert "Import the sheet" in again and "3 rows" in again
    _url, done = _review(client, client.post(again_url, {"action": "import"}))
    assert Posting.objects.filter(position="Trưởng ban Dân vận").exists()
    # The same headings next time: the remembered choice, no mapping step.
    Posting.objects.all().delete()
    Cadre.objects.all().delete()
    _url, next_time = _review(
        client, client.post(reverse("cadres:import"), {"kind": "cadres", "file": upload(content)})
    )
    assert "Import the sheet" in next_time


def test_a_bad_row_is_reported_and_nothing_is_written(tree, old, clerk_a):
    rows = [*ROWS, ["", "Lê Văn Sai", "Nam", 1970, "Phường Không Có", "Cán bộ", "32/13/2020"]]
    client = english_client(clerk_a)
    url, page = _review(
        client,
        client.post(reverse("cadres:import"), {"kind": "cadres", "file": upload(workbook(rows))}),
    )

    assert "Nothing was written: correct the rows below and try again." in page
    assert "Lê Văn Sai" in page and '<td class="num">9</td>' in page
    assert "Import the sheet" not in page
    assert client.post(url, {"action": "import"}).status_code == 404
    assert not Cadre.objects.exists()
    assert not Job.objects.filter(kind="cadres.import").exists()


def test_a_preview_is_its_owners_only(tree, old, clerk_a, clerk_b, no_role_user):
    client = english_client(clerk_a)
    url, _page = _review(
        client,
        client.post(reverse("cadres:import"), {"kind": "cadres", "file": upload(workbook(ROWS))}),
    )

    assert english_client(clerk_b).get(url).status_code == 404
    assert english_client(clerk_b).post(url, {"action": "import"}).status_code == 404
    assert english_client(no_role_user).get(reverse("cadres:import")).status_code == 403
    assert not Cadre.objects.exists()


def test_export_holds_the_filtered_list_and_no_sensitive_data(tree, city_officer, client_for):
    PersonalDataPolicy.objects.create(
        unit=tree.city,
        records_ethnicity=True,
        purpose="Chính sách",
        effective_from=datetime.date(2024, 1, 1),
    )
    hoa = make_cadre(tree.a.party, "Nguyễn Thị Hoa", external_id="BD-7")
    post(hoa, tree.a.party, "Trưởng ban Dân vận", (2025, 7, 1))
    services.set_sensitive_data(hoa, actor=None, ethnicity="Tày")
    tam = make_cadre(tree.b.party, "Lê Văn Tâm", sex="male", retired_on=datetime.date(2020, 1, 1))
    post(tam, tree.b.party, "Cán bộ", (2025, 7, 1), (2025, 12, 31))
    client = client_for(city_officer)
    response = client.post(reverse("cadres:export"), {"status": "serving"})
    job = Job.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.status == Job.Status.DONE, job.message
    download = client.get(reverse("job_download", args=[job.token]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["Nguyễn Thị Hoa"]
    assert rows[1][5] == "Trưởng ban Dân vận, Đảng ủy Phường Ba Đình"
    assert "Tày" not in str(rows)


def test_export_of_an_empty_selection_is_refused(tree, clerk_a, client_for):
    response = client_for(clerk_a).post(reverse("cadres:export"), {"q": "không ai"})
    assert response.status_code == 302 and not Job.objects.exists()
