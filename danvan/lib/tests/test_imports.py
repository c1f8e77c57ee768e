"""The sheet-level pipeline: the header found among the first rows, headings in office words,
the facts of the title block."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from danvan.lib.imports import (
    IGNORE,
    Column,
    ImportSpec,
    Synonyms,
    find_header,
    match_columns,
    plan_sheet,
    signature,
    title_district,
    title_year,
)

SYNONYMS = {
    "name": ["Tên mô hình", "Tên mô hình điển hình"],
    "unit": ["Đơn vị", "Đơn vị đăng ký", "Tên đơn vị", "Địa bàn"],
    "year": ["Năm", "Năm thực hiện"],
    "field": ["Lĩnh vực"],
    "results": ["Kết quả"],
    "start_date": ["Ngày bắt đầu", "Thời gian bắt đầu"],
    IGNORE: ["STT", "TT", "Số TT", "Ghi chú"],
}
TABLE = Synonyms(SYNONYMS)
SPEC = ImportSpec(
    "test",
    (
        Column("name", "Tên mô hình", required=True),
        Column("unit", "Đơn vị", required=True),
        Column("year", "Năm"),
        Column("field", "Lĩnh vực", required=True),
    ),
    parse_row=lambda values, columns, lookups, facts: values,
)


def numbered(rows):
    return list(enumerate(rows, start=1))


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Tên mô hình, điển hình", "name"),
        ("TÊN MÔ HÌNH", "name"),
        ("Cơ quan, đơn vị", "unit"),
        ("Đơn vị đăng ký", "unit"),
        ("Lĩnh vực thực hiện", "field"),
        ("Kết quả đạt được", "results"),
        ("Số TT", IGNORE),
        ("Ghi chú", IGNORE),
    ],
)
def test_office_headings_match_their_field(heading, field):
    assert TABLE.match(heading)[0] == field


@pytest.mark.parametrize("heading", ["Thời gian kết thúc", "Kinh phí", "UBND HUYỆN GIA LÂM"])
def test_unrelated_headings_match_nothing(heading):
    assert TABLE.match(heading)[0] is None


def test_two_columns_for_one_field_are_ambiguous_and_unknown_ones_not_imported():
    matching = match_columns(
        ["STT", "Tên mô hình", "Đơn vị", "Tên đơn vị", "Kinh phí"],
        TABLE,
        required=["name", "unit", "field"],
    )
    assert matching.columns == {"name": 1}
    assert matching.ambiguous == {"unit": [2, 3]}
    assert matching.missing == ["field"]
    assert matching.not_imported == [0, 4]
    assert not matching.complete


def test_an_exact_heading_wins_over_a_longer_one():
    matching = match_columns(["Đơn vị", "Cơ quan, đơn vị chủ trì"], TABLE, required=["unit"])
    assert matching.columns == {"unit": 0}
    assert matching.not_imported == [1]


TITLE = [
    ["UBND QUẬN HOÀN KIẾM", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["BAN DÂN VẬN", None, None, "Độc lập - Tự do - Hạnh phúc"],
    ["DANH SÁCH CÁC MÔ HÌNH DÂN VẬN KHÉO NĂM 2015", None, None, None],
]
HEADER = ["STT", "Tên mô hình", "Đơn vị", "Lĩnh vực", "Ghi chú"]
DATA = [[1, "Tổ tự quản", "Phường Hàng Bạc", "Kinh tế", None]]


def test_the_header_is_found_below_the_title_block():
    header = find_header(numbered([*TITLE, HEADER, *DATA]), TABLE)
    assert header is not None
    assert header.row == 4 and header.data_index == 4
    assert header.cells == HEADER
    assert header.title_lines[0].startswith("UBND QUẬN HOÀN KIẾM")


def test_a_numbering_row_is_skipped():
    for numbering in (["(1)", "(2)", "(3)", "(4)", "(5)"], [1, 2, 3, 4, 5], list("ABCDE")):
        header = find_header(numbered([HEADER, numbering, *DATA]), TABLE)
        assert header is not None
        assert header.rows == [1, 2] and header.data_index == 2


def test_two_header_lines_are_combined():
    top = ["STT", "Tên mô hình", "Đơn vị", "Thời gian", None, "Lĩnh vực"]
    sub = [None, None, None, "Bắt đầu", "Kết thúc", None]
    data = [[1, "Tổ tự quản", "Phường Hàng Bạc", "01/03/2012", None, "Kinh tế"]]
    header = find_header(numbered([top, sub, *data]), TABLE)
    assert header is not None
    assert header.rows == [1, 2] and header.data_index == 2
    assert header.cells[3:5] == ["Thời gian Bắt đầu", "Thời gian Kết thúc"]
    matching = match_columns(header.cells, TABLE)
    assert matching.columns["start_date"] == 3


def test_a_data_row_is_not_taken_for_a_second_header_line():
    header = find_header(numbered([HEADER, ["x", "Tổ tự quản", "Phường A", "Kinh tế", "y"]]), TABLE)
    assert header is not None and header.data_index == 1


def test_a_sheet_without_headings_has_no_header():
    assert find_header(numbered([["a", "b"], [1, 2]]), TABLE) is None
    assert find_header([], TABLE) is None


@pytest.mark.parametrize(
    ("lines", "year"),
    [
        (["DANH SÁCH CÁC MÔ HÌNH … NĂM 2015"], 2015),
        (["Mô hình dân vận khéo năm 2012"], 2012),
        (["DANH SÁCH MÔ HÌNH GIAI ĐOẠN 2010-2015"], None),
        (["Năm 2014 và năm 2015"], None),
        (["DANH SÁCH CÁC MÔ HÌNH"], None),
    ],
)
def test_the_year_of_the_title_block(lines, year):
    assert title_year(lines) == year


@pytest.mark.parametrize(
    ("lines", "district"),
    [
        (["QUẬN HOÀN KIẾM"], "Quận Hoàn Kiếm"),
        (["UBND HUYỆN GIA LÂM   CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], "Huyện Gia Lâm"),
        (["HUYỆN ỦY SÓC SƠN"], "Huyện Sóc Sơn"),
        (["DANH SÁCH MÔ HÌNH QUẬN BA ĐÌNH NĂM 2015"], "Quận Ba Đình"),
        (["THỊ XÃ SƠN TÂY"], "Thị xã Sơn Tây"),
        (["BAN DÂN VẬN THÀNH ỦY"], None),
    ],
)
def test_the_district_of_the_title_block(lines, district):
    assert title_district(lines) == district


def test_the_plan_of_a_sheet_gives_the_title_facts_and_samples():
    plan = plan_sheet(numbered([*TITLE, HEADER, *DATA]), SPEC, SYNONYMS)
    assert plan is not None
    assert (plan.year, plan.district) == (2015, "Quận Hoàn Kiếm")
    assert plan.matching.columns == {"name": 1, "unit": 2, "field": 3}
    assert plan.matching.complete
    listing = plan.column_listing(SPEC)
    assert listing[1]["values"] == ["Tổ tự quản"] and listing[1]["field"] == "name"
    assert listing[4]["field"] == ""  # "Ghi chú": not imported


def test_a_users_choice_replaces_the_matching():
    plan = plan_sheet(
        numbered([["Cột 1", "Cột 2", "Tên mô hình"], ["A", "B", "C"]]),
        SPEC,
        SYNONYMS,
        choice={"0": "unit", "1": "field", "2": "name", "9": "year"},
    )
    assert plan is not None
    assert plan.matching.columns == {"unit": 0, "field": 1, "name": 2}
    assert plan.matching.complete and plan.remembered


def test_the_signature_ignores_case_and_marks_but_not_order():
    assert signature(["Tên mô hình", "Đơn vị"]) == signature(["TEN MO HINH", " don  vi "])
    assert signature(["Tên mô hình", "Đơn vị"]) != signature(["Đơn vị", "Tên mô hình"])


TITLE_LINES = st.lists(
    st.sampled_from(
        [
            ["UBND QUẬN HOÀN KIẾM", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["BAN DÂN VẬN", None, None],
            ["DANH SÁCH CÁC MÔ HÌNH DÂN VẬN KHÉO NĂM 2015"],
            [None, "Kèm theo báo cáo số 12/BC-DV", None],
            ["Hà Nội, ngày 5 tháng 3 năm 2016"],
        ]
    ),
    max_size=6,
)


@given(order=st.permutations(range(5)), title=TITLE_LINES)
def test_any_column_order_and_title_block_reads_the_same_fields(order, title):
    header = [HEADER[i] for i in order]
    data = [[row[i] for i in order] for row in DATA]
    plan = plan_sheet(numbered([*title, header, *data]), SPEC, SYNONYMS)
    assert plan is not None
    read = {code: plan.samples[0][index] for code, index in plan.matching.columns.items()}
    assert read == {"name": "Tổ tự quản", "unit": "Phường Hàng Bạc", "field": "Kinh tế"}
