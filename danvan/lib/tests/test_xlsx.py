"""Excel uploads are checked before parsing; exports stream; legacy text comes back as Unicode."""

import copy
import datetime
import io
import struct
import time
import tracemalloc
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell import WriteOnlyCell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import SHEET_MAIN_NS

from danvan.lib import xlsx
from danvan.lib.legacy_encodings import encode
from danvan.lib.xlsx import (
    MissingColumnsError,
    SpreadsheetError,
    iter_rows,
    match_headers,
    parse_date,
    safe_open_workbook,
    template_workbook,
    write_xlsx,
)

NOT_XLSX = "The file is not an Excel (.xlsx) workbook."
DAMAGED = "The workbook is damaged and cannot be read. Open it in Excel, save it and try again."
BOMB = "The workbook unpacks to more data than can be read safely (%(size)s)."
PASSWORD = (
    "The workbook is protected by a password. Remove the password in Excel and upload it again."
)
OLD_XLS = (
    "The file is an old Excel 97-2003 (.xls) workbook. Open it in Excel, save it as .xlsx and "
    "upload it again."
)

FIELDS = {
    "name": ["Tên mô hình", "Mô hình"],
    "unit": ["Đơn vị", "Đơn vị thực hiện"],
    "recognised_on": ["Ngày công nhận"],
    "budget": ["Kinh phí"],
}


def _naive(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """Return a datetime as openpyxl reads one back: Excel has no time zones."""
    return datetime.datetime(year, month, day, hour, minute)  # noqa: DTZ001


def _xlsx_bytes(rows, *, font=None) -> bytes:
    """Return a small ordinary workbook holding rows, in a given font if any."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    for row in rows:
        sheet.append(row)
    if font:
        for row in sheet.iter_rows():
            for cell in row:
                cell.font = Font(name=font)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zip_bomb(megabytes: int) -> bytes:
    """Return a workbook-shaped zip whose sheet is megabytes of zeros, built in a stream."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = bytes(1024 * 1024)
            for _ in range(megabytes):
                sheet.write(chunk)
    return buffer.getvalue()


def _refusal(source, **limits) -> str:
    with pytest.raises(SpreadsheetError) as caught:
        safe_open_workbook(source, **limits)
    assert caught.value.message == str(caught.value)
    return caught.value.message


@pytest.fixture
def openpyxl_must_not_parse(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("openpyxl was handed a file that should have been refused")

    monkeypatch.setattr(openpyxl, "load_workbook", fail)
    monkeypatch.setattr(ExcelReader, "read", fail)  # what safe_open_workbook calls


# --- Refusing uploads ---------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_openpyxl_sees_it(openpyxl_must_not_parse):
    bomb = _zip_bomb(300)
    assert len(bomb) < 1024 * 1024  # 300 MB of zeros packs into a few hundred KB
    unpacked = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    started = time.perf_counter()
    message = _refusal(bomb)
    assert time.perf_counter() - started < 1  # the directory is read, nothing is inflated
    assert message == gettext(BOMB) % {"size": filesizeformat(unpacked)}


def test_a_small_file_that_inflates_a_hundredfold_is_refused(openpyxl_must_not_parse):
    bomb = _zip_bomb(20)  # under the 200 MB total, but ~1000:1
    assert _refusal(bomb).startswith(gettext(BOMB).split("(")[0])


def test_the_limits_can_be_tightened(openpyxl_must_not_parse):
    workbook = _xlsx_bytes([["Tên mô hình"]])
    assert _refusal(workbook, max_uncompressed=1000).startswith(gettext(BOMB).split("(")[0])
    too_large = gettext("The file is larger than %(limit)s.") % {"limit": filesizeformat(100)}
    assert _refusal(workbook, max_bytes=100) == too_large


def test_a_large_upload_is_refused_from_its_declared_size(openpyxl_must_not_parse):
    upload = SimpleUploadedFile("models.xlsx", b"PK\x03\x04" + bytes(2000))
    too_large = gettext("The file is larger than %(limit)s.") % {"limit": filesizeformat(1000)}
    assert _refusal(upload, max_bytes=1000) == too_large


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
        "STT,Tên mô hình,Ngày công nhận\n1,Dân vận khéo,05/01/2026\n".encode(),
        _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        b"<html><body>not a spreadsheet</body></html>",
    ],
    ids=["pdf", "csv", "docx", "html"],
)
def test_a_renamed_file_is_refused(content, openpyxl_must_not_parse):
    upload = SimpleUploadedFile("mo-hinh.xlsx", content)
    assert _refusal(upload) == gettext(NOT_XLSX)


def test_an_old_xls_file_is_refused_with_advice(openpyxl_must_not_parse):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000) + "Workbook".encode("utf-16-le")
    assert _refusal(ole2) == gettext(OLD_XLS)


def test_a_password_protected_workbook_is_refused(openpyxl_must_not_parse):
    # Excel wraps an encrypted .xlsx in an OLE2 file with an "EncryptedPackage" stream.
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512) + "EncryptedPackage".encode("utf-16-le")
    assert _refusal(ole2) == gettext(PASSWORD)


def test_a_zip_with_encrypted_entries_is_refused(openpyxl_must_not_parse):
    data = bytearray(_xlsx_bytes([["Tên mô hình"]]))
    # Set the "encrypted" flag on every entry, in the local headers and the directory.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            (flags,) = struct.unpack_from("<H", data, start + offset)
            struct.pack_into("<H", data, start + offset, flags | 0x1)
            start = data.find(signature, start + 4)
    assert _refusal(bytes(data)) == gettext(PASSWORD)


def test_a_truncated_workbook_is_refused():
    workbook = _xlsx_bytes([["Tên mô hình"], ["Dân vận khéo"]])
    assert _refusal(workbook[: len(workbook) // 2]) == gettext(DAMAGED)


def test_an_empty_file_is_refused():
    assert _refusal(b"") == gettext("The file is empty.")


def test_a_workbook_with_a_dtd_is_refused(openpyxl_must_not_parse):
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes([["Tên mô hình"]])))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"?>", b'?><!DOCTYPE lol [<!ENTITY lol "lol">]>', 1
    )
    assert _refusal(_zip(parts)) == gettext(DAMAGED)


def test_a_damaged_sheet_is_reported_while_reading():
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes([["Tên mô hình"], ["Dân vận khéo"]])))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-40]
    workbook = safe_open_workbook(_zip(parts))
    with pytest.raises(SpreadsheetError) as caught:
        list(iter_rows(workbook))
    assert caught.value.message == gettext(DAMAGED)


def test_a_real_workbook_opens_from_bytes_an_upload_or_a_path(tmp_path):
    content = _xlsx_bytes([["Tên mô hình"], ["Dân vận khéo"]])
    path = tmp_path / "mo-hinh.xlsx"
    path.write_bytes(content)
    upload = SimpleUploadedFile("mo-hinh.xlsx", content)
    upload.read(10)  # a view that peeked at the upload first
    for source in (content, upload, path, str(path), io.BytesIO(content)):
        workbook = safe_open_workbook(source)
        assert [values for _, values in iter_rows(workbook)] == [["Tên mô hình"], ["Dân vận khéo"]]
        workbook.close()


# --- Headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Tên mô hình",
        "TEN MO HINH",
        "mô hình tên",
        "  Tên   mô-hình ",
        "1. Tên mô hình (*)",
        "Tên mô hình [bắt buộc]",
        "Tªn m« h×nh",  # TCVN3
        "Teân moâ hình",  # VNI
        "MÔ HÌNH",
    ],
)
def test_spellings_of_a_heading_match_the_field(heading):
    headers = ["STT", heading, "Đơn vị", "Ngày công nhận", "Kinh phí"]
    assert match_headers(headers, FIELDS)["name"] == 1


def test_headers_map_every_field_to_its_column():
    headers = [None, "KINH PHÍ (triệu đồng)", "ngày công nhận", "Đơn vị thực hiện", "Mô hình"]
    assert match_headers(headers, FIELDS) == {
        "budget": 1,
        "recognised_on": 2,
        "unit": 3,
        "name": 4,
    }


def test_missing_required_columns_are_named():
    with pytest.raises(MissingColumnsError) as caught:
        match_headers(["Tên mô hình", "Ghi chú"], FIELDS)
    assert caught.value.fields == ["unit", "recognised_on", "budget"]
    expected = gettext("Missing columns: %(columns)s.") % {
        "columns": "“Đơn vị”, “Ngày công nhận”, “Kinh phí”"
    }
    assert caught.value.message == expected


def test_optional_columns_may_be_missing():
    found = match_headers(["Đơn vị", "Tên mô hình"], FIELDS, required=["name", "unit"])
    assert found == {"unit": 0, "name": 1}


def test_a_field_given_twice_is_refused():
    with pytest.raises(SpreadsheetError):
        match_headers(["Tên mô hình", "TÊN MÔ HÌNH", "Đơn vị"], FIELDS, required=["name"])


def test_a_heading_does_not_match_a_longer_or_shorter_one():
    with pytest.raises(MissingColumnsError):
        match_headers(["Tên", "Tên mô hình mới"], FIELDS, required=["name"])


# --- Dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45658, datetime.date(2025, 1, 1)),
        (45658.75, datetime.date(2025, 1, 1)),
        (Decimal("45658"), datetime.date(2025, 1, 1)),
        (1, datetime.date(1900, 1, 1)),
        (59, datetime.date(1900, 2, 28)),
        (61, datetime.date(1900, 3, 1)),
        ("05/01/2026", datetime.date(2026, 1, 5)),
        ("5/1/2026", datetime.date(2026, 1, 5)),
        ("05-01-2026", datetime.date(2026, 1, 5)),
        ("05.01.2026", datetime.date(2026, 1, 5)),
        ("2026-01-05", datetime.date(2026, 1, 5)),
        (" 29/02/2024 ", datetime.date(2024, 2, 29)),
        (datetime.date(2026, 1, 5), datetime.date(2026, 1, 5)),
        (_naive(2026, 1, 5, 14, 30), datetime.date(2026, 1, 5)),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_dates_are_read(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "31/02/2025",
        "29/02/2025",
        "32/01/2025",
        "01/13/2025",
        "2025-02-30",
        "05/01-2026",
        "5/1",
        "hôm qua",
        "45658",
        0,
        -5,
        60,  # 29/02/1900, which never was
        10**8,
        float("nan"),
        float("inf"),
        True,
        datetime.time(8, 30),
    ],
)
def test_anything_else_is_not_a_date(value):
    with pytest.raises(ValueError, match=r"\S"):
        parse_date(value)


def test_an_impossible_date_says_so():
    with pytest.raises(ValueError) as caught:
        parse_date("31/02/2025")
    assert str(caught.value) == gettext(
        "“%(value)s” is not a real date: %(month)s/%(year)s has %(days)s days."
    ) % {"value": "31/02/2025", "month": "02", "year": 2025, "days": 28}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5/3/12", datetime.date(2012, 3, 5)),
        ("05/03/69", datetime.date(2069, 3, 5)),
        ("05/03/70", datetime.date(1970, 3, 5)),
        ("05/03/99", datetime.date(1999, 3, 5)),
        ("05/03/00", datetime.date(2000, 3, 5)),
        ("5-3-12", datetime.date(2012, 3, 5)),
        ("05.03.2012", datetime.date(2012, 3, 5)),
        ("05/03/2012 08:30", datetime.date(2012, 3, 5)),
        ("2012/03/05", datetime.date(2012, 3, 5)),
        ("ngày 5 tháng 3 năm 2012", datetime.date(2012, 3, 5)),
        ("Ngày 05 tháng 03 năm 2012", datetime.date(2012, 3, 5)),
        ("NGÀY 05 THÁNG 03 NĂM 2012", datetime.date(2012, 3, 5)),
        ("5 tháng 3 năm 2012", datetime.date(2012, 3, 5)),
        ("ngày 5, tháng 3, năm 2012", datetime.date(2012, 3, 5)),
        ("  ngày  5  tháng 3 năm 2012 ", datetime.date(2012, 3, 5)),
        (encode("ngày 5 tháng 3 năm 2012", "tcvn3"), datetime.date(2012, 3, 5)),
        (encode("Ngày 05 tháng 03 năm 2012", "vni"), datetime.date(2012, 3, 5)),
        (40973, datetime.date(2012, 3, 5)),
        (_naive(2012, 3, 5, 0, 0), datetime.date(2012, 3, 5)),
    ],
)
def test_dates_are_read_in_every_form_offices_type(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3/2012", datetime.date(2012, 3, 1)),
        ("03/2012", datetime.date(2012, 3, 1)),
        ("tháng 3/2012", datetime.date(2012, 3, 1)),
        ("Tháng 3 năm 2012", datetime.date(2012, 3, 1)),
        ("2012", datetime.date(2012, 1, 1)),
        ("Năm 2012", datetime.date(2012, 1, 1)),
        (2012, datetime.date(2012, 1, 1)),
        (2012.0, datetime.date(2012, 1, 1)),
    ],
)
def test_a_month_or_a_year_reads_as_its_first_day_only_when_the_caller_allows(value, expected):
    assert parse_date(value, partial=True) == expected
    with pytest.raises(ValueError, match=r"\S"):
        parse_date(value)


def test_a_month_or_a_year_is_refused_with_a_message_saying_what_is_missing():
    with pytest.raises(ValueError) as caught:
        parse_date("tháng 3/2012")
    assert str(caught.value) == gettext(
        "“%(value)s” gives the month but not the day: write the whole date as dd/mm/yyyy."
    ) % {"value": "tháng 3/2012"}
    with pytest.raises(ValueError) as caught:
        parse_date(2012)
    assert str(caught.value) == gettext(
        "“%(value)s” is a year, not a date: write the whole date as dd/mm/yyyy."
    ) % {"value": "2012"}


def test_a_month_first_date_is_refused_with_advice():
    with pytest.raises(ValueError) as caught:
        parse_date("03/25/2012")
    assert str(caught.value) == gettext(
        "“%(value)s” has no month %(month)s: write the day first, as dd/mm/yyyy."
    ) % {"value": "03/25/2012", "month": 25}


@pytest.mark.parametrize(
    "value", ["31/02/2012", "30/02/2012", "31/04/12", "0/3/2012", "5/0/2012", "tháng 13/2012"]
)
def test_impossible_dates_name_the_value(value):
    with pytest.raises(ValueError, match=value.replace("/", "/")):
        parse_date(value)


def test_the_message_names_the_column_when_given():
    with pytest.raises(ValueError) as caught:
        parse_date("hôm qua", column="Ngày công nhận")
    assert str(caught.value) == gettext("Column “%(column)s”: %(error)s") % {
        "column": "Ngày công nhận",
        "error": gettext("“%(value)s” is not a date; write it as dd/mm/yyyy.")
        % {"value": "hôm qua"},
    }
    assert parse_date("05/03/2012", column="Ngày công nhận") == datetime.date(2012, 3, 5)


# --- Reading rows -------------------------------------------------------------------------

MODELS = [
    ["Tên mô hình", "Đơn vị", "Ngày công nhận", "Kinh phí"],
    ["Dân vận khéo trong xây dựng nông thôn mới", "Xã Sóc Sơn", datetime.date(2025, 1, 1), 12],
    ["Mặt trận Tổ quốc với người cao tuổi", "Phường Hoàn Kiếm", "05/01/2026", 7.5],
    ["Đảng viên gương mẫu", "Phường Hà Đông", None, None],
    ["Ủy ban nhân dân tiếp dân", "Xã Ba Vì", None, 3],
]


def _legacy(rows, encoding):
    return [[encode(v, encoding) if isinstance(v, str) else v for v in row] for row in rows]


def _read(content: bytes):
    return list(iter_rows(safe_open_workbook(content)))


def _texts(rows):
    return [[v for v in values if isinstance(v, str)] for _, values in rows]


def test_a_tcvn3_sheet_is_read_back_as_unicode():
    rows = _read(_xlsx_bytes(_legacy(MODELS, "tcvn3"), font=".VnTime"))
    expected = _texts((n, row) for n, row in enumerate(MODELS, 1))
    expected[4][0] = "ủy ban nhân dân tiếp dân"  # "Ủ" has no TCVN3 capital (module notes)
    assert _texts(rows) == expected
    assert rows[1][1][2] == _naive(2025, 1, 1)


def test_a_tcvn3_sheet_is_recognised_without_its_fonts():
    rows = _read(_xlsx_bytes(_legacy(MODELS, "tcvn3")))
    assert rows[2][1][:2] == ["Mặt trận Tổ quốc với người cao tuổi", "Phường Hoàn Kiếm"]


def test_a_vni_sheet_is_read_back_as_unicode():
    rows = _read(_xlsx_bytes(_legacy(MODELS, "vni"), font="VNI-Times"))
    assert _texts(rows) == _texts((n, row) for n, row in enumerate(MODELS, 1))


def test_short_ambiguous_cells_follow_their_sheet():
    # Alone, "bò" is a Unicode word; in a VNI sheet it is "bị". A plainly TCVN3 cell is
    # still read as TCVN3.
    notes = ["Hộ nghèo được hỗ trợ", "Đã tổng kết", "Nhân rộng toàn xã", "bị", "Nội"]
    rows = [["Ghi chú"], *([encode(note, "vni")] for note in notes[:4]), ["Néi"]]
    assert rows[4] == ["bò"]
    assert _texts(_read(_xlsx_bytes(rows))) == [["Ghi chú"], *([note] for note in notes)]


def test_a_unicode_heading_above_legacy_data_in_legacy_fonts_stays_unicode():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Ghi chú", "Tên mô hình"])
    for row in _legacy(MODELS[1:], "tcvn3"):
        sheet.append(row[:2])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.font = Font(name=".VnTime")
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = _read(buffer.getvalue())
    assert rows[0][1] == ["Ghi chú", "Tên mô hình"]
    assert rows[1][1] == ["Dân vận khéo trong xây dựng nông thôn mới", "Xã Sóc Sơn"]


def test_a_tcvn3_cell_in_an_h_font_comes_back_in_capitals():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([encode("ủy ban nhân dân", "tcvn3")])
    sheet.append([encode("phường hoàn kiếm", "tcvn3")])
    sheet["A1"].font = Font(name=".VnTimeH")
    sheet["A2"].font = Font(name=".VnTime")
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _texts(_read(buffer.getvalue())) == [["ỦY BAN NHÂN DÂN"], ["phường hoàn kiếm"]]


def test_a_unicode_sheet_is_left_alone_but_a_pasted_legacy_cell_is_decoded():
    rows = [*MODELS, ["Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cà Mau", None, None], ["bò"]]
    texts = _texts(_read(_xlsx_bytes(rows)))
    assert texts[:5] == _texts((n, row) for n, row in enumerate(MODELS, 1))
    assert texts[5] == ["Cộng hoà xã hội chủ nghĩa Việt Nam", "Cà Mau"]
    assert texts[6] == ["bò"]


def test_rows_are_numbered_as_in_excel_stripped_padded_and_empty_ones_skipped():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B1"], sheet["C1"] = "Tên mô hình", "Đơn vị", "Ghi chú"
    sheet["A2"] = "  Dân vận khéo  "
    sheet["A3"] = "   "
    sheet["B5"] = "Xã Sóc Sơn"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _read(buffer.getvalue()) == [
        (1, ["Tên mô hình", "Đơn vị", "Ghi chú"]),
        (2, ["Dân vận khéo", None, None]),
        (5, [None, "Xã Sóc Sơn", None]),
    ]


def test_a_sheet_is_chosen_by_name_or_index():
    workbook = openpyxl.Workbook()
    workbook.active.append(["first"])
    workbook.create_sheet("Mô hình").append(["second"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    opened = safe_open_workbook(buffer.getvalue())
    assert list(iter_rows(opened, "Mô hình")) == [(1, ["second"])]
    assert list(iter_rows(opened, 1)) == [(1, ["second"])]
    assert list(iter_rows(opened)) == [(1, ["first"])]
    with pytest.raises(SpreadsheetError):
        list(iter_rows(opened, "Không có"))


@pytest.mark.parametrize(("encoding", "font"), [("tcvn3", "Calibri"), ("vni", "Calibri")])
def test_legacy_cells_in_a_unicode_font_are_read_by_their_content(encoding, font):
    rows = _read(_xlsx_bytes(_legacy(MODELS, encoding), font=font))
    expected = _texts((n, row) for n, row in enumerate(MODELS, 1))
    if encoding == "tcvn3":
        expected[4][0] = "ủy ban nhân dân tiếp dân"  # "Ủ" has no TCVN3 capital (module notes)
    assert _texts(rows) == expected


MIXED = [
    ["Tên mô hình", "Đơn vị đăng ký", "Lĩnh vực"],
    ["Dân vận khéo trong xây dựng nông thôn mới", "Xã Sóc Sơn", "Kinh tế"],
    ["Mặt trận Tổ quốc với người cao tuổi", "Phường Hoàn Kiếm", "Văn hóa - xã hội"],
    ["Đảng viên gương mẫu nơi cư trú", "Phường Hà Đông", "Xây dựng Đảng"],
    ["Chi hội phụ nữ giúp nhau thoát nghèo", "Xã Ba Vì", "Kinh tế"],
    ["Tổ tự quản giữ gìn vệ sinh môi trường", "Phường Cầu Giấy", "Môi trường"],
]


@pytest.mark.parametrize("font", [None, "Calibri"])
def test_a_mixed_sheet_reads_unicode_tcvn3_and_vni_rows_alike(font):
    # Headings typed in Unicode, rows pasted from an old TCVN3 file and from a VNI one.
    sheet = [MIXED[0], *_legacy(MIXED[1:3], "tcvn3"), *_legacy(MIXED[3:5], "vni"), MIXED[5]]
    rows = _read(_xlsx_bytes(sheet, font=font))
    assert [values for _number, values in rows] == MIXED


def test_a_mixed_sheet_keeps_each_cell_in_its_own_font():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(MIXED[0])
    for row, (encoding, font) in zip(
        MIXED[1:5],
        [("tcvn3", ".VnTime"), ("vni", "VNI-Times"), ("tcvn3", "Calibri"), ("vni", None)],
        strict=True,
    ):
        sheet.append([encode(value, encoding) for value in row])
        if font:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(name=font)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [values for _number, values in _read(buffer.getvalue())] == MIXED[:5]


def _with_cached_value(content: bytes, cell: str, cached: str, *, text: bool = False) -> bytes:
    """Return the workbook with a cached result written beside a formula, as Excel does."""
    source = zipfile.ZipFile(io.BytesIO(content))
    entries = {name: source.read(name) for name in source.namelist()}
    sheet = entries["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index(f'<c r="{cell}"')
    end = sheet.index("</c>", start)
    written = sheet[start:end].replace("<v></v>", cached)
    if text:
        written = written.replace(f'<c r="{cell}"', f'<c r="{cell}" t="str"', 1)
    entries["xl/worksheets/sheet1.xml"] = (sheet[:start] + written + sheet[end:]).encode()
    return _zip(entries)


def test_a_formula_gives_its_cached_value_and_is_never_evaluated():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Tên mô hình", "Ngày bắt đầu", "Kinh phí"])
    sheet.append(["Dân vận khéo", "=DATE(2012,3,5)", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = _with_cached_value(buffer.getvalue(), "B2", "<v>40973</v>")
    content = _with_cached_value(content, "C2", "<v>7</v>")  # not 2: the cache is read
    rows = _read(content)
    assert rows[1] == (2, ["Dân vận khéo", 40973, 7])
    assert xlsx.row_problem(rows[1][1]) is None
    assert parse_date(rows[1][1][1]) == datetime.date(2012, 3, 5)


def test_a_formula_whose_text_result_is_empty_is_an_empty_cell():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Tên mô hình", "Ghi chú"])
    sheet.append(["Dân vận khéo", '=IF(1,"","x")'])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = _with_cached_value(buffer.getvalue(), "B2", "<v></v>", text=True)
    rows = _read(content)
    assert rows[1] == (2, ["Dân vận khéo", None])


def test_a_formula_saved_without_its_value_names_its_cell():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Tên mô hình", "Đơn vị", "Ngày bắt đầu"])
    for _row in range(4):
        sheet.append(["Dân vận khéo", "Xã Sóc Sơn", "05/03/2012"])
    sheet["C5"] = "=C4+1"  # written by a tool that does not compute: no cached value
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = _read(buffer.getvalue())
    number, values = rows[4]
    assert number == 5
    assert values[:2] == ["Dân vận khéo", "Xã Sóc Sơn"]
    assert not any(isinstance(value, str) and value.startswith("=") for value in values)
    expected = gettext(
        "Cell %(cell)s holds a formula without a value: open the file in Excel and save it again."
    ) % {"cell": "C5"}
    assert xlsx.row_problem(values) == expected
    assert xlsx.row_problem(rows[3][1]) is None
    with pytest.raises(ValueError, match="C5"):
        parse_date(values[2], column="Ngày bắt đầu")


# --- The sheet reader reads what openpyxl reads ---------------------------------------------

_CELL_VALUES = st.one_of(
    st.none(),
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("µ¸¶·¹Ç"),
        max_size=12,
    ).filter(lambda text: not text.startswith("=")),
    st.sampled_from(["  Xã Sóc Sơn ", "Hµ Néi", "Haø Noäi", "Cá nhân", "#N/A", "#DIV/0!"]),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),  # noqa: DTZ001
    st.times(),
)
_FONTS = st.sampled_from([None, "Calibri", ".VnTime", ".VnTimeH", "VNI-Times"])
_SHEETS = st.dictionaries(
    st.tuples(st.integers(1, 25), st.integers(1, 7)), st.tuples(_CELL_VALUES, _FONTS), max_size=40
)


def _sheet_bytes(cells: dict, *, write_only: bool) -> bytes:
    """A workbook holding cells {(row, column): (value, font)}: an ordinary one (shared
    strings, sparse rows) or a write-only one (inline strings, no dimension)."""
    workbook = openpyxl.Workbook(write_only=write_only)
    if write_only:
        sheet = workbook.create_sheet()
        for row in range(1, max((r for r, _c in cells), default=0) + 1):
            line: list = []
            for column in range(1, max((c for r, c in cells if r == row), default=0) + 1):
                value, font = cells.get((row, column), (None, None))
                cell = WriteOnlyCell(sheet, value=value)
                if font:
                    cell.font = Font(name=font)
                line.append(cell)
            sheet.append(line)
    else:
        active = workbook.active
        assert isinstance(active, Worksheet)  # a new workbook has one worksheet
        for (row, column), (value, font) in sorted(cells.items()):
            cell = active.cell(row=row, column=column, value=value)
            if font:
                cell.font = Font(name=font)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _read_by_openpyxl(content: bytes) -> list[list]:
    """Each row's (type, value, font name) as openpyxl's read-only cells give them."""
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    return [
        [
            (type(cell.value), cell.value, cell.font.name if cell.value is not None else None)
            for cell in row
        ]
        for row in sheet.iter_rows()
    ]


def _read_here(content: bytes) -> list[list]:
    sheet = safe_open_workbook(content).worksheets[0]
    fonts = xlsx._Fonts(sheet)
    return [
        [
            (type(value), value, fonts(style) if value is not None else None)
            for value, style in zip(values, styles, strict=True)
        ]
        for values, styles in xlsx._sheet_rows(sheet)
    ]


@settings(max_examples=60, deadline=None)
@given(_SHEETS, st.booleans())
def test_the_sheet_reader_reads_every_cell_as_openpyxl_does(cells, write_only):
    content = _sheet_bytes(cells, write_only=write_only)
    assert _read_here(content) == _read_by_openpyxl(content)


def _scrambled(content: bytes, rng) -> bytes:
    """The workbook with its cells as other tools write them: out of order, repeated,
    without their coordinates; rows without their numbers."""
    source = zipfile.ZipFile(io.BytesIO(content))
    parts = {name: source.read(name) for name in source.namelist()}
    root = ElementTree.fromstring(parts["xl/worksheets/sheet1.xml"])  # noqa: S314 (our own)
    for row in root.iter(f"{{{SHEET_MAIN_NS}}}row"):
        cells = list(row)
        if cells and rng.random() < 0.5:
            cells.append(copy.deepcopy(rng.choice(cells)))
        if rng.random() < 0.5:
            rng.shuffle(cells)
        for cell in cells:
            if rng.random() < 0.3:
                cell.attrib.pop("r", None)
        row[:] = cells
        if rng.random() < 0.1:
            row.attrib.pop("r", None)
    parts["xl/worksheets/sheet1.xml"] = ElementTree.tostring(root)
    return _zip(parts)


_DENSE_SHEETS = st.dictionaries(
    st.tuples(st.integers(1, 6), st.integers(1, 4)),
    st.tuples(_CELL_VALUES, _FONTS),
    min_size=4,
    max_size=24,
)


@settings(max_examples=60, deadline=None)
@given(_DENSE_SHEETS, st.randoms(use_true_random=False))
def test_the_sheet_reader_reads_cells_in_any_order_as_openpyxl_does(cells, rng):
    content = _scrambled(_sheet_bytes(cells, write_only=False), rng)
    assert _read_here(content) == _read_by_openpyxl(content)


def test_opening_a_workbook_reads_no_row_of_its_sheets():
    # A sheet written without its size (as write-only sheets and our exports are): openpyxl
    # parsed it all to find the size when opening the workbook. A damage past the header
    # rows is only met when the rows are read.
    rows = [["Tên mô hình"], *([f"Mô hình {n}"] for n in range(2000))]
    buffer = io.BytesIO()
    write_xlsx(buffer, rows[0], rows[1:], sheet_title="Mô hình")
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b"<dimension" not in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]
    workbook = safe_open_workbook(_zip(parts))
    rows_read = iter_rows(workbook)
    assert next(rows_read) == (1, ["Tên mô hình"])
    with pytest.raises(SpreadsheetError) as caught:
        list(rows_read)
    assert caught.value.message == gettext(DAMAGED)


def test_a_sheet_s_size_is_still_read_from_its_dimension():
    workbook = safe_open_workbook(_xlsx_bytes([["Tên mô hình", "Đơn vị"], ["Dân vận khéo"]]))
    sheet = workbook.worksheets[0]
    assert (sheet.max_row, sheet.max_column) == (2, 2)


def _merged_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["DANH SÁCH MÔ HÌNH NĂM 2015", None, None])
    sheet.append(["Đơn vị", "Tên mô hình", "Năm"])
    sheet.append(["Xã Sóc Sơn", "Mô hình một", 2015])
    sheet.append([None, "Mô hình hai", 2015])
    sheet.append([None, "Mô hình ba", 2015])
    sheet.append(["Xã Ba Vì", "Mô hình bốn", 2015])
    sheet.merge_cells("A1:C1")  # the title block
    sheet.merge_cells("A3:A5")  # one unit written once beside its three models
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_merged_cells_fill_every_row_they_span_when_asked():
    opened = safe_open_workbook(_merged_workbook())
    assert list(iter_rows(opened, fill_merged=True)) == [
        (1, ["DANH SÁCH MÔ HÌNH NĂM 2015"] * 3),
        (2, ["Đơn vị", "Tên mô hình", "Năm"]),
        (3, ["Xã Sóc Sơn", "Mô hình một", 2015]),
        (4, ["Xã Sóc Sơn", "Mô hình hai", 2015]),
        (5, ["Xã Sóc Sơn", "Mô hình ba", 2015]),
        (6, ["Xã Ba Vì", "Mô hình bốn", 2015]),
    ]


def test_merged_cells_are_empty_as_openpyxl_reads_them_by_default():
    rows = _read(_merged_workbook())
    assert rows[3] == (4, [None, "Mô hình hai", 2015])


def test_merged_cells_fill_in_an_ordinary_workbook_too():
    opened = openpyxl.load_workbook(io.BytesIO(_merged_workbook()))
    assert list(iter_rows(opened, fill_merged=True))[4] == (5, ["Xã Sóc Sơn", "Mô hình ba", 2015])


def test_sheets_are_listed_with_a_guess_of_the_one_holding_data():
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "Bìa"
    cover.append(["UBND QUẬN BA ĐÌNH"])
    data = workbook.create_sheet("Danh sách")
    data.append(["Tên mô hình", "Đơn vị", "Năm"])
    for number in range(5):
        data.append([f"Mô hình {number}", "Xã Sóc Sơn", 2015])
    hidden = workbook.create_sheet("Tra cứu")
    for number in range(50):
        hidden.append([number, number, number, number])
    hidden.sheet_state = "hidden"
    workbook.create_sheet("Trống")
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheets = xlsx.sheet_names(safe_open_workbook(buffer.getvalue()))
    assert [(s.index, s.name, s.visible, s.likely) for s in sheets] == [
        (0, "Bìa", True, False),
        (1, "Danh sách", True, True),
        (2, "Tra cứu", False, False),
        (3, "Trống", True, False),
    ]
    assert sheets[1].filled == 18


def test_a_workbook_of_empty_sheets_guesses_none():
    workbook = openpyxl.Workbook()
    workbook.create_sheet("Sheet2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert not any(s.likely for s in xlsx.sheet_names(safe_open_workbook(buffer.getvalue())))


# --- Writing ------------------------------------------------------------------------------

HEADERS = ["STT", "Tên mô hình", "Đơn vị", "Ngày công nhận", "Kinh phí"]


def _models(count):
    start = datetime.date(2025, 1, 1)
    for number in range(1, count + 1):
        yield [
            number,
            f"Mô hình dân vận khéo số {number}",
            "Phường Hoàn Kiếm" if number % 2 else "Xã Sóc Sơn",
            start + datetime.timedelta(days=number % 365),
            Decimal(number) / 4,
        ]


def test_an_export_has_a_bold_header_real_dates_and_widths(tmp_path):
    path = tmp_path / "export.xlsx"
    assert write_xlsx(path, HEADERS, _models(3), sheet_title="Mô hình: 2025/26") == 3
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet.title == "Mô hình 2025 26"
    assert sheet["A1"].font.bold
    assert sheet["D2"].value == _naive(2025, 1, 2)
    assert sheet["D2"].number_format == "DD/MM/YYYY"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_an_export_never_writes_a_formula():
    buffer = io.BytesIO()
    write_xlsx(buffer, ["Tên"], [['=HYPERLINK("http://x","bấm")'], ["a\x01b"]], sheet_title="x")
    sheet = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.active["A2"].value == '=HYPERLINK("http://x","bấm")'
    assert workbook.active["A3"].value == "ab"  # control characters are illegal in XML


def test_an_export_writes_aware_datetimes_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    moment = datetime.datetime(2026, 1, 5, 1, 0, tzinfo=datetime.UTC)
    buffer = io.BytesIO()
    write_xlsx(buffer, ["Lúc"], [[moment]], sheet_title="x")
    cell = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active["A2"]
    assert cell.value == _naive(2026, 1, 5, 8, 0)
    assert timezone.get_current_timezone_name() == "Asia/Ho_Chi_Minh"


def _peak_write(path, rows: int) -> int:
    tracemalloc.start()
    written = write_xlsx(path, HEADERS, _models(rows), sheet_title="Mô hình")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert written == rows
    return peak


def test_export_memory_does_not_grow_with_rows_and_reads_back(tmp_path):
    """Streaming: ten times the rows must not need much more memory (timing is in make bench)."""
    small = _peak_write(tmp_path / "small.xlsx", 500)
    large = _peak_write(tmp_path / "large.xlsx", 5_000)
    assert large < small * 2 + 256 * 1024
    count = sum(1 for _ in iter_rows(safe_open_workbook(tmp_path / "large.xlsx")))
    assert count == 5_001  # the header and every row


def test_the_template_has_headings_an_example_and_instructions():
    headers = ["Tên mô hình", "Đơn vị", "Ngày công nhận"]
    example = ["Dân vận khéo", "Xã Sóc Sơn", datetime.date(2026, 1, 5)]
    content = template_workbook(headers, example, notes={"Ngày công nhận": "dd/mm/yyyy"})
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [gettext("Data"), gettext("Instructions")]
    data, guide = workbook.worksheets
    assert [c.value for c in data[1]] == headers
    assert all(c.font.bold for c in data[1])
    assert [c.value for c in data[2]] == [
        "Dân vận khéo",
        "Xã Sóc Sơn",
        _naive(2026, 1, 5),
    ]
    assert data["C2"].number_format == "DD/MM/YYYY"
    listed = [row[0] for row in guide.iter_rows(values_only=True)]
    assert listed[-3:] == headers
    assert ("Ngày công nhận", _naive(2026, 1, 5), "dd/mm/yyyy") in set(
        guide.iter_rows(values_only=True)
    )


def test_the_template_passes_its_own_import_checks():
    content = template_workbook(list(FIELDS), ["a", "b", "05/01/2026", 1])
    workbook = safe_open_workbook(content)
    (_, header), (_, example) = iter_rows(workbook)
    assert match_headers(header, {field: [field] for field in FIELDS}) == {
        "name": 0,
        "unit": 1,
        "recognised_on": 2,
        "budget": 3,
    }
    assert parse_date(example[2]) == datetime.date(2026, 1, 5)


def test_sheet_titles_are_made_acceptable_to_excel():
    assert xlsx._sheet_title("a" * 40) == "a" * 31
    assert xlsx._sheet_title("[?]") == "Sheet1"
