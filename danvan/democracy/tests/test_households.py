"""The household register: added by hand or from an office's Excel sheet through the import
pipeline (title block, its own headings), all rows or none; counts kept by triggers."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from danvan.democracy import services
from danvan.democracy.imports import HouseholdsError, rows_from_xlsx
from danvan.democracy.models import HamletStat, Household
from danvan.democracy.rollup import households_of, rebuild


def workbook(rows, *, title=True) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    if title:
        sheet.append(["UBND PHƯỜNG BA ĐÌNH"])
        sheet.append(["DANH SÁCH HỘ GIA ĐÌNH TỔ DÂN PHỐ SỐ 1 NĂM 2026"])
        sheet.append([])
    sheet.append(["STT", "Họ và tên chủ hộ", "Số nhân khẩu", "Địa chỉ"])
    for i, row in enumerate(rows, start=1):
        sheet.append([i, *row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_office_sheet_is_read_through_the_pipeline(tree, clerk_a):
    rows = rows_from_xlsx(
        workbook([("Nguyễn Văn An", 4, "Số 3, ngõ 12"), ("Trần Thị Bình", "2", "Số 5, ngõ 12")])
    )
    assert [(r.head_name, r.members, r.line) for r in rows] == [
        ("Nguyễn Văn An", 4, 5),
        ("Trần Thị Bình", 2, 6),
    ]
    result = services.import_households(actor=clerk_a, hamlet=tree.a.hamlet, rows=rows)
    assert result == {"created": 2, "updated": 0, "unchanged": 0}
    again = services.import_households(actor=clerk_a, hamlet=tree.a.hamlet, rows=rows)
    assert again == {"created": 0, "updated": 0, "unchanged": 2}
    assert households_of(tree.a.hamlet) == 2


def test_bad_rows_are_named_by_their_sheet_row_and_nothing_is_read(tree):
    with pytest.raises(HouseholdsError) as refused:
        rows_from_xlsx(workbook([("Nguyễn Văn An", "bốn", "Số 3"), ("", 2, "Số 5")]))
    lines = [line for line, _reason in refused.value.problems]
    assert lines == [5, 6]
    assert "is not a number" in refused.value.problems[0][1]


def test_sheet_without_the_needed_columns_is_refused(tree):
    book = openpyxl.Workbook()
    book.worksheets[0].append(["Họ và tên chủ hộ", "Ghi chú"])
    book.worksheets[0].append(["Nguyễn Văn An", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(HouseholdsError, match="Missing columns"):
        rows_from_xlsx(buffer.getvalue())


def test_household_counts_follow_every_change(tree, clerk_a):
    first = services.register_household(
        actor=clerk_a, hamlet=tree.a.hamlet, head_name="Nguyễn Văn An", members=4, address="Số 3"
    )
    services.register_household(
        actor=clerk_a, hamlet=tree.a.hamlet, head_name="Trần Thị Bình", members=2, address="Số 5"
    )
    assert HamletStat.objects.get(hamlet=tree.a.hamlet).members == 6
    services.update_household(actor=clerk_a, household=first, is_active=False)
    assert households_of(tree.a.hamlet) == 1
    HamletStat.objects.all().delete()
    rebuild()
    assert households_of(tree.a.hamlet) == 1
    with pytest.raises(ValidationError, match="already on the register"):
        services.register_household(
            actor=clerk_a,
            hamlet=tree.a.hamlet,
            head_name="Trần Thị Bình",
            members=3,
            address="Số 5",
        )
    with pytest.raises(ValidationError, match="hamlet"):
        services.register_household(
            actor=clerk_a, hamlet=tree.a.commune, head_name="X", members=1, address="Y"
        )
    assert Household.objects.count() == 2
