"""Units from an office's Excel sheet: a title above the header, headings in the office's
words, a numbering row, legacy text; the same units as the equivalent CSV, all or none."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl.styles import Font

from danvan.lib.legacy_encodings import encode
from danvan.organisations.imports import rows_from_csv, rows_from_xlsx
from danvan.organisations.loader import LoadError, load_units
from danvan.organisations.models import Unit

HEADINGS = ["STT", "Mã định danh", "Đơn vị cấp trên", "Tên đơn vị", "Loại đơn vị", "Ngày thành lập"]


def workbook_bytes(rows: list[list[object]], *, title: bool = True, tcvn3_name: str = "") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.append(["ỦY BAN NHÂN DÂN PHƯỜNG HÀ ĐÔNG"])
        sheet.append(["DANH SÁCH TỔ DÂN PHỐ NĂM 2025"])
        sheet.append([])
    sheet.append(HEADINGS)
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    for row in rows:
        sheet.append(row)
    if tcvn3_name:
        sheet.append([len(rows) + 1, "b-h9", rows[0][2], encode(tcvn3_name, "tcvn3"), "hamlet"])
        sheet.cell(sheet.max_row, 4).font = Font(name=".VnTime")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def hamlet_rows(ward_key: str) -> list[list[object]]:
    return [
        [1, "b-h2", ward_key, "Tổ dân phố số 2", "Tổ dân phố", datetime.date(2025, 7, 1)],
        [2, "b-h3", ward_key, "Tổ dân phố số 3", "hamlet", "01/07/2025"],
    ]


def snapshot(keys):
    return sorted(
        (u.key, u.parent.key if u.parent else "", u.name, u.kind, u.valid_from)
        for u in Unit.objects.filter(key__in=keys).select_related("parent")
    )


def test_an_office_sheet_loads_the_same_units_as_the_csv(tree):
    ward = tree.b.commune.key
    load_units(rows_from_xlsx(workbook_bytes(hamlet_rows(ward))))
    from_sheet = snapshot(["b-h2", "b-h3"])
    Unit.objects.filter(key__in=["b-h2", "b-h3"]).delete()
    csv_text = (
        "Mã định danh,Đơn vị cấp trên,Tên đơn vị,Loại đơn vị,Ngày thành lập\n"
        f"b-h2,{ward},Tổ dân phố số 2,hamlet,01/07/2025\n"
        f"b-h3,{ward},Tổ dân phố số 3,hamlet,2025-07-01\n"
    )
    load_units(rows_from_csv(csv_text))
    assert from_sheet == snapshot(["b-h2", "b-h3"])
    assert len(from_sheet) == 2
    assert from_sheet[0][3] == "hamlet" and from_sheet[0][4] == datetime.date(2025, 7, 1)


def test_legacy_text_in_the_sheet_is_converted(tree):
    content = workbook_bytes(hamlet_rows(tree.b.commune.key), tcvn3_name="Tổ dân phố Văn Yên")
    load_units(rows_from_xlsx(content))
    assert Unit.objects.get(key="b-h9").name == "Tổ dân phố Văn Yên"


def test_a_bad_row_is_named_by_its_sheet_row_and_nothing_is_written(tree):
    rows = hamlet_rows(tree.b.commune.key)
    rows[1][4] = "tàu vũ trụ"
    rows.append([3, "b-h4", tree.b.commune.key, "Tổ dân phố số 4", "hamlet", "31/02/2025"])
    with pytest.raises(LoadError) as caught:
        load_units(rows_from_xlsx(workbook_bytes(rows)))
    # Title (rows 1–2), blank row 3, header 4, numbering 5: data rows are 6, 7, 8.
    assert [(line, key) for line, key, _reason in caught.value.problems] == [(8, "b-h4")]
    rows.pop()
    with pytest.raises(LoadError) as caught:
        load_units(rows_from_xlsx(workbook_bytes(rows)))
    assert [(line, key) for line, key, _reason in caught.value.problems] == [(7, "b-h3")]
    assert not Unit.objects.filter(key__in=["b-h2", "b-h3", "b-h4"]).exists()


def test_a_sheet_without_a_recognisable_header_is_refused_clearly(tree):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Báo cáo tổng hợp"])
    sheet.append(["abc", "xyz", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(LoadError) as caught:
        rows_from_xlsx(buffer.getvalue())
    ((_line, _key, reason),) = caught.value.problems
    assert "Không tìm thấy dòng tiêu đề" in reason and "Báo cáo tổng hợp" in reason


def test_a_missing_needed_column_is_named_with_the_headings_found(tree):
    with pytest.raises(LoadError) as caught:
        rows_from_csv("Mã định danh,Tên đơn vị,Ghi chú\nb-h2,Tổ 2,\n")
    ((_line, _key, reason),) = caught.value.problems
    assert "Thiếu cột: “Loại đơn vị”" in reason
    assert "“Ghi chú”" in reason and "“Tên đơn vị”" in reason


def test_the_command_loads_an_xlsx_file(tree, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook_bytes(hamlet_rows(tree.b.commune.key)))
    call_command("load_units", file=str(path))
    assert Unit.objects.filter(parent=tree.b.commune, key__in=["b-h2", "b-h3"]).count() == 2


def test_the_command_reports_a_bad_xlsx_row(tree, tmp_path):
    rows = hamlet_rows(tree.b.commune.key)
    rows[0][3] = ""
    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook_bytes(rows))
    with pytest.raises(CommandError):
        call_command("load_units", file=str(path))
    assert not Unit.objects.filter(key__in=["b-h2", "b-h3"]).exists()


def upload(client, content: bytes):
    return client.post(
        reverse("organisations:import"), {"file": SimpleUploadedFile("units.xlsx", content)}
    )


def test_a_city_administrator_uploads_an_office_sheet(tree, city_admin, client_for):
    response = upload(client_for(city_admin), workbook_bytes(hamlet_rows(tree.b.commune.key)))
    assert response.status_code == 302
    assert Unit.objects.filter(parent=tree.b.commune, key__in=["b-h2", "b-h3"]).count() == 2


def test_the_page_lists_the_bad_sheet_row(tree, city_admin, client_for):
    rows = hamlet_rows(tree.b.commune.key)
    rows[1][4] = "tàu vũ trụ"
    response = upload(client_for(city_admin), workbook_bytes(rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert ">7<" in page and "b-h3" in page
    assert not Unit.objects.filter(key__in=["b-h2", "b-h3"]).exists()


def test_a_clerk_cannot_upload_a_sheet(tree, clerk_b, client_for):
    response = upload(client_for(clerk_b), workbook_bytes(hamlet_rows(tree.b.commune.key)))
    assert response.status_code in (403, 404)
    assert not Unit.objects.filter(key__in=["b-h2", "b-h3"]).exists()
