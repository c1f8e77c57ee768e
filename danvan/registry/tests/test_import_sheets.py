"""Sheets as offices keep them: a title block, the header below it, two header lines, a
numbering row, headings in their own words, the year from elsewhere, two sheets, the
column-mapping step remembered; each with the preview a user sees."""

import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.core.models import AuditEntry, ColumnMapping, Job
from danvan.registry import transfer
from danvan.registry.models import PracticeModel

TITLE = [
    ["UBND QUẬN BA ĐÌNH", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["BAN DÂN VẬN", None, None, "Độc lập - Tự do - Hạnh phúc"],
    [],
    ["DANH SÁCH CÁC MÔ HÌNH DÂN VẬN KHÉO NĂM 2015"],
    [],
]
OFFICE_HEADER = [
    "STT",
    "Tên mô hình, điển hình",
    "Cơ quan, đơn vị",
    "Lĩnh vực thực hiện",
    "Ghi chú",
]


def office_rows(n=3):
    return [[i + 1, f"Tổ tự quản số {i}", "Phường Ba Đình", "Kinh tế", None] for i in range(n)]


def workbook_bytes(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None):
    workbook = openpyxl.Workbook()
    for empty in list(workbook.worksheets):
        workbook.remove(empty)
    for title, rows in sheets.items():
        ws = workbook.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(title, []):
            ws.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def office_sheet(rows=None, header=OFFICE_HEADER, title=TITLE):
    return workbook_bytes(
        {"Danh sách": [*title, header, *(office_rows() if rows is None else rows)]},
        {"Danh sách": ["A1:C1", "A4:E4"] if title is TITLE else []},
    )


def preview(client, content, **fields):
    response = client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("ds.xlsx", content), **fields},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Job.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def page(client, job) -> str:
    return client.get(reverse("registry:import_review", args=[job.token])).content.decode()


def remap(client, job, choice: dict[int, str], **fields):
    data = {"action": "remap", **{f"column_{i}": code for i, code in choice.items()}, **fields}
    response = client.post(reverse("registry:import_review", args=[job.token]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Job.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_an_office_sheet_with_a_title_block_is_read_below_it(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    job = preview(client, office_sheet())
    assert job.status == Job.Status.DONE, job.message
    result = job.result
    assert result["header_row"] == 6
    assert result["valid"] == 3 and result["error_count"] == 0
    assert dict(result["mapped"]) == {
        "Tên mô hình, điển hình": "Tên mô hình",
        "Cơ quan, đơn vị": "Đơn vị",
        "Lĩnh vực thực hiện": "Lĩnh vực",
    }
    assert result["not_imported"] == ["STT", "Ghi chú"]
    assert result["year"] == 2015 and "tiêu đề" in result["year_source"]
    assert result["district"] == "Quận Ba Đình"
    text = page(client, job)
    assert "Dòng tiêu đề: dòng 6" in text
    assert "Tổ tự quản số 2" in text and "Phường Ba Đình" in text  # the rows as imported
    assert "Không nhập" in text or "Các cột không nhập" in text


def test_the_preview_shows_the_first_valid_rows_as_they_will_be_imported(tree, clerk_a, client_for):
    job = preview(client_for(clerk_a), office_sheet(office_rows(25)))
    sample = job.result["sample"]
    assert len(sample) == 20
    assert sample[0] == {
        "number": 7,
        "name": "Tổ tự quản số 0",
        "unit": "Phường Ba Đình",
        "unit_code": tree.a.commune.code,
        "year": 2015,
        "field": "Kinh tế",
        "results": "",
    }


def test_two_header_lines_and_a_numbering_row(tree, clerk_a, client_for):
    top = ["TT", "Tên mô hình", "Đơn vị", "Thời gian", None, "Lĩnh vực"]
    sub = [None, None, None, "Bắt đầu", "Kết thúc", None]
    numbering = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]
    rows = [[1, "Hiến đất mở đường", "Phường Ba Đình", "01/03/2012", None, "Kinh tế"]]
    content = workbook_bytes({"DS": [["DANH SÁCH MÔ HÌNH"], top, sub, numbering, *rows]})
    job = preview(client_for(clerk_a), content)
    assert job.result["header_rows"] == [2, 3, 4]
    assert ["Thời gian Bắt đầu", "Ngày bắt đầu"] in job.result["mapped"]
    assert job.result["valid"] == 1
    assert job.result["sample"][0]["year"] == 2012  # from the start date
    assert "ngày bắt đầu" in job.result["year_source"]


def test_the_year_given_for_the_whole_sheet_wins_over_the_title(tree, clerk_a, client_for):
    job = preview(client_for(clerk_a), office_sheet(), year="2016")
    assert job.result["sample"][0]["year"] == 2016
    assert "2016" in job.result["year_source"]


def test_without_any_year_the_mapping_step_asks_for_it(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    job = preview(client, office_sheet(title=[["BAN DÂN VẬN"]]))
    assert job.result["needs_mapping"]
    assert "valid" not in job.result
    choice = {c["index"]: c["field"] or "ignore" for c in job.result["columns"]}
    again = remap(client, job, choice, year="2014", sheet="Danh sách")
    assert again.result["valid"] == 3
    assert again.result["sample"][0]["year"] == 2014


def test_a_missing_column_stops_at_the_mapping_step_and_the_choice_is_remembered(
    tree, clerk_a, client_for
):
    client = client_for(clerk_a)
    header = ["STT", "Tên mô hình", "Nơi thực hiện", "Lĩnh vực"]
    rows = [
        [1, "Mô hình A", "Phường Ba Đình", "Kinh tế"],
        [2, "Mô hình B", "Phường Ba Đình", "Kinh tế"],
    ]
    content = workbook_bytes({"S": [["DANH SÁCH NĂM 2015"], header, *rows]})
    job = preview(client, content)
    assert job.result["needs_mapping"]
    text = page(client, job)
    assert "Nơi thực hiện" in text and "Mô hình A" in text  # each column, its first values
    assert "Bỏ qua" in text
    assert PracticeModel.objects.count() == 0
    again = remap(client, job, {0: "ignore", 1: "name", 2: "unit", 3: "field"}, sheet="S")
    assert again.result["valid"] == 2
    assert ColumnMapping.objects.filter(register="registry").count() == 1
    assert AuditEntry.objects.filter(action="import.mapping_remember").exists()
    # The next sheet with the same headings goes straight to the preview.
    other = workbook_bytes({"S": [header, [1, "Mô hình C", "Phường Ba Đình", "Kinh tế"]]})
    later = preview(client, other, year="2016")
    assert not later.result.get("needs_mapping")
    assert later.result["valid"] == 1 and later.result["remembered"]


def test_two_columns_that_could_be_the_unit_are_asked_about(tree, clerk_a, client_for):
    header = ["Tên mô hình", "Đơn vị", "Tên đơn vị", "Lĩnh vực", "Năm"]
    content = workbook_bytes({"S": [header, ["A", "Phường Ba Đình", "x", "Kinh tế", 2015]]})
    job = preview(client_for(clerk_a), content)
    assert job.result["needs_mapping"]
    assert any("Đơn vị" in reason and "Tên đơn vị" in reason for reason in job.result["reasons"])


def test_a_mapping_choosing_one_field_twice_is_refused(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    header = ["Tên mô hình", "Nơi", "Lĩnh vực", "Năm"]
    job = preview(client, workbook_bytes({"S": [header, ["A", "Phường Ba Đình", "Kinh tế", 2015]]}))
    response = client.post(
        reverse("registry:import_review", args=[job.token]),
        {"action": "remap", "column_0": "name", "column_1": "name", "column_2": "field"},
    )
    assert response.status_code == 200
    assert "Hai cột" in response.content.decode()
    assert not ColumnMapping.objects.exists()


def test_the_first_sheet_with_a_header_is_read_unless_another_is_chosen(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    second = [
        ["Tên mô hình", "Đơn vị", "Lĩnh vực", "Năm"],
        ["Mô hình 2", "Phường Ba Đình", "Kinh tế", 2019],
    ]
    third = [
        ["Tên mô hình", "Đơn vị", "Lĩnh vực", "Năm"],
        ["Mô hình 3", "Phường Ba Đình", "Kinh tế", 2020],
    ]
    content = workbook_bytes(
        {"Hướng dẫn": [["Điền mỗi dòng một mô hình"]], "2019": second, "2020": third}
    )
    job = preview(client, content)
    assert job.result["sheet"] == "2019" and "đầu tiên" in job.result["sheet_note"]
    assert job.result["sample"][0]["name"] == "Mô hình 2"
    chosen = preview(client, content, sheet="2020")
    assert chosen.result["sample"][0]["name"] == "Mô hình 3"


def test_a_sheet_without_a_header_fails_naming_its_first_rows(tree, clerk_a, client_for):
    job = preview(client_for(clerk_a), workbook_bytes({"S": [["Báo cáo quý"], ["a", "b", 3]]}))
    assert job.status == Job.Status.FAILED
    assert "Không tìm thấy dòng tiêu đề" in job.message and "Báo cáo quý" in job.message


def test_an_empty_sheet_fails_clearly(tree, clerk_a, client_for):
    job = preview(client_for(clerk_a), workbook_bytes({"S": []}))
    assert job.status == Job.Status.FAILED
    assert job.message == "Trang tính không có dữ liệu."


def test_a_merged_cell_in_the_data_is_named_by_row_and_column(tree, clerk_a, client_for):
    rows = [
        [1, "Mô hình A", "Phường Ba Đình", "Kinh tế", None],
        [2, "Mô hình B", None, "Kinh tế", None],
    ]
    content = workbook_bytes({"S": [*TITLE, OFFICE_HEADER, *rows]}, {"S": ["C7:C8"]})
    job = preview(client_for(clerk_a), content)
    assert job.result["valid"] == 1
    [(number, reason)] = job.result["errors"]
    assert number == 8
    assert "Cột C" in reason and "gộp" in reason


def test_the_import_reads_the_rows_the_mapped_preview_kept(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    job = preview(client, office_sheet())
    response = client.post(
        reverse("registry:import_review", args=[job.token]), {"action": "import"}
    )
    run = Job.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert run.result["created"] == 3
    assert set(PracticeModel.objects.values_list("year", flat=True)) == {2015}


def test_a_preview_waiting_for_its_mapping_cannot_be_imported(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    job = preview(client, office_sheet(title=[["BAN DÂN VẬN"]]))
    response = client.post(
        reverse("registry:import_review", args=[job.token]), {"action": "import"}
    )
    assert response.status_code == 404


def test_another_users_preview_cannot_be_remapped(tree, clerk_a, clerk_b, client_for):
    job = preview(client_for(clerk_a), office_sheet())
    response = client_for(clerk_b).post(
        reverse("registry:import_review", args=[job.token]), {"action": "remap"}
    )
    assert response.status_code == 404


COLUMNS = [
    ("STT", lambda i: i + 1),
    ("Tên mô hình, điển hình", lambda i: f"Mô hình số {i}"),
    ("Cơ quan, đơn vị", lambda i: "Phường Ba Đình"),
    ("Lĩnh vực thực hiện", lambda i: "Kinh tế"),
    ("Năm thực hiện", lambda i: 2015 + i),
    ("Kết quả đạt được", lambda i: f"Kết quả {i}"),
]
TITLES = st.lists(
    st.sampled_from([r for r in TITLE if r] + [[None, "Kèm theo công văn số 5"]]), max_size=10
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(len(COLUMNS))), title=TITLES)
def test_any_column_order_and_title_block_gives_the_same_rows(tree, clerk_a, order, title):
    header = [COLUMNS[i][0] for i in order]
    rows = [[COLUMNS[c][1](i) for c in order] for i in range(3)]
    content = workbook_bytes({"S": [*title, header, *rows]})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.xlsx"
        path.write_bytes(content)
        sheet = transfer.open_sheet(path, {})
        facts = transfer.sheet_facts(sheet, {})
        parsed = [row for _n, row, _reason in transfer.sheet_rows(sheet, facts, clerk_a)]
    assert [(r["name"], r["unit"], r["year"], r["results"]) for r in parsed] == [
        (f"Mô hình số {i}", tree.a.commune, 2015 + i, f"Kết quả {i}") for i in range(3)
    ]


@pytest.mark.parametrize("rows", [200])
def test_the_header_search_reads_only_the_first_rows(tree, clerk_a, rows, monkeypatch):
    content = office_sheet(office_rows(rows))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.xlsx"
        path.write_bytes(content)
        read = []
        original = transfer.read_sheet

        def counting(*args, **kwargs):
            sheet = original(*args, **kwargs)
            read.append(sheet)
            return sheet

        monkeypatch.setattr(transfer, "read_sheet", counting)
        sheet = transfer.open_sheet(path, {})
        assert len(sheet.plan.samples) == 3
        assert sum(1 for _ in sheet.rows) == rows  # every data row still comes, once


def test_a_formula_saved_without_its_value_is_named_by_its_cell(tree, clerk_a, client_for):
    rows = office_rows(2)
    rows[1][1] = '=CONCATENATE("Tổ ", "tự quản")'  # openpyxl writes no cached value
    job = preview(client_for(clerk_a), office_sheet(rows))
    assert job.result["valid"] == 1 and job.result["error_count"] == 1
    [(number, reason)] = job.result["errors"]
    assert number == 8 and "B8" in reason and "công thức" in reason


def test_confirming_an_earlier_preview_of_a_sheet_imports_that_previews_rows(
    tree, clerk_a, client_for
):
    client = client_for(clerk_a)
    job = preview(client, office_sheet(title=[["BAN DÂN VẬN"]]))
    choice = {c["index"]: c["field"] or "ignore" for c in job.result["columns"]}
    first = remap(client, job, choice, year="2014", sheet="Danh sách")
    second = remap(client, job, choice, year="2016", sheet="Danh sách")
    assert first.input_file.name == second.input_file.name  # one sheet, two previews
    response = client.post(
        reverse("registry:import_review", args=[first.token]), {"action": "import"}
    )
    run = Job.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert run.result["created"] == 3
    assert set(PracticeModel.objects.values_list("year", flat=True)) == {2014}
