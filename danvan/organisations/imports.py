"""The units register's columns for the import pipeline, and its CSV and Excel readers.

A units sheet is read like the registry's: the header is found below a title block, its
headings are matched in the office's own words (the synonym table, then the defaults
below), a numbering row under it is skipped and legacy text is converted. A CSV's header
is matched the same way, so both formats take the same headings. Rows become UnitRows for
``loader.load_units``, which writes all of them or none.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core.imports import read_sheet, synonyms_for
from danvan.lib.imports import Column, ImportSpec, Synonyms, declare, match_columns
from danvan.lib.vntext import fold
from danvan.lib.xlsx import SpreadsheetError, parse_date, row_problem
from danvan.organisations.loader import LoadError, UnitRow
from danvan.organisations.models import Branch, UnitKind

# field → (label, other headings). The field's own code ("parent_key") is a heading too, so
# the CSV files written for the loader keep working.
COLUMNS: dict[str, tuple[object, list[str]]] = {
    "key": (gettext_lazy("Key"), ["key", "Mã định danh", "Khóa"]),
    "parent_key": (
        gettext_lazy("Parent unit"),
        ["parent_key", "Đơn vị cấp trên", "Mã đơn vị cấp trên", "Khóa đơn vị cấp trên"],
    ),
    "name": (gettext_lazy("Name of the unit"), ["name", "Tên đơn vị", "Tên"]),
    "kind": (gettext_lazy("Kind of unit"), ["kind", "Loại đơn vị", "Cấp", "Loại"]),
    "short_name": (gettext_lazy("Short name"), ["short_name", "Tên viết tắt", "Tên gọi tắt"]),
    "branch": (gettext_lazy("Branch"), ["branch", "Khối"]),
    "code": (gettext_lazy("Unit code"), ["code", "Mã đơn vị", "Mã ĐVHC"]),
    "valid_from": (
        gettext_lazy("Valid from"),
        ["valid_from", "Ngày thành lập", "Hiệu lực từ", "Từ ngày"],
    ),
    "valid_to": (
        gettext_lazy("Valid to"),
        ["valid_to", "Ngày giải thể", "Hiệu lực đến", "Đến ngày"],
    ),
    "latitude": (gettext_lazy("Latitude"), ["latitude", "Vĩ độ"]),
    "longitude": (gettext_lazy("Longitude"), ["longitude", "Kinh độ"]),
    "legacy_district_key": (
        gettext_lazy("District (before 2025)"),
        ["legacy_district_key", "Quận huyện cũ", "Mã quận huyện cũ"],
    ),
    "predecessor_keys": (
        gettext_lazy("Predecessor units"),
        ["predecessor_keys", "Đơn vị tiền thân", "Mã đơn vị tiền thân"],
    ),
}
REQUIRED_COLUMNS = ["key", "name", "kind"]

# The words offices write for a kind, beside its code and its label.
KIND_WORDS = {
    "tinh": UnitKind.PROVINCE,
    "thanh pho": UnitKind.PROVINCE,
    "quan": UnitKind.LEGACY_DISTRICT,
    "huyen": UnitKind.LEGACY_DISTRICT,
    "thi xa": UnitKind.LEGACY_DISTRICT,
    "xa": UnitKind.COMMUNE,
    "phuong": UnitKind.COMMUNE,
    "dac khu": UnitKind.COMMUNE,
    "thon": UnitKind.HAMLET,
    "to dan pho": UnitKind.HAMLET,
    "ban": UnitKind.HAMLET,
    "ap": UnitKind.HAMLET,
    "dang uy": UnitKind.PARTY_COMMITTEE,
    "chi bo": UnitKind.PARTY_CELL,
    "uy ban nhan dan": UnitKind.PEOPLES_COMMITTEE,
    "ubnd": UnitKind.PEOPLES_COMMITTEE,
    "uy ban mttq": UnitKind.FRONT_COMMITTEE,
    "truong": UnitKind.SCHOOL,
}


class UnitRowError(Exception):
    """The reasons one row's cells cannot be read."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _choice(value: object, choices: type[UnitKind] | type[Branch], words: Mapping) -> str:
    """The code a cell names: the code itself, its label, or an office's word for it; an
    unknown word comes back folded, for the loader to name it."""
    text = fold(_text(value))
    known = {fold(str(label)): code for code, label in choices.choices}
    known.update({code: code for code in choices.values})
    known.update(words)
    return known.get(text, text.replace(" ", "_"))


def _date(value: object, reasons: list[str]) -> datetime.date | None:
    try:
        return parse_date(value)
    except ValueError:
        reasons.append(_("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": _text(value)})
        return None


def _float(value: object, reasons: list[str]) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = _text(value)
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        reasons.append(_("“%(value)s” is not a number.") % {"value": text})
        return None


def parse_row(
    values: Sequence[object], columns: Mapping[str, int], lookups=None, facts=None
) -> UnitRow:
    """One row as a UnitRow; raise UnitRowError naming each cell that cannot be read."""

    def cell(name: str) -> object:
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    reasons: list[str] = []
    if problem := row_problem(list(values)):
        reasons.append(problem)
    row = UnitRow(
        key=_text(cell("key")),
        name=_text(cell("name")),
        kind=_choice(cell("kind"), UnitKind, KIND_WORDS),
        parent_key=_text(cell("parent_key")),
        short_name=_text(cell("short_name")),
        branch=_choice(cell("branch"), Branch, {}) if _text(cell("branch")) else "",
        code=_text(cell("code")),
        valid_from=_date(cell("valid_from"), reasons),
        valid_to=_date(cell("valid_to"), reasons),
        latitude=_float(cell("latitude"), reasons),
        longitude=_float(cell("longitude"), reasons),
        legacy_district_key=_text(cell("legacy_district_key")),
        predecessor_keys=[
            k.strip() for k in _text(cell("predecessor_keys")).split(";") if k.strip()
        ],
    )
    if reasons:
        raise UnitRowError(reasons)
    return row


SPEC = declare(
    ImportSpec(
        register="units",
        columns=tuple(
            Column(code, label, required=code in REQUIRED_COLUMNS, synonyms=tuple(others))
            for code, (label, others) in COLUMNS.items()
        ),
        parse_row=parse_row,
    )
)


def _missing_message(missing: Iterable[str], headings: Sequence[object]) -> str:
    found = [_text(h) for h in headings if _text(h)]
    return _(
        "Missing columns: %(missing)s. The headings found are: %(found)s. Rename the "
        "headings of the file, or ask an administrator to add them to the column headings."
    ) % {
        "missing": ", ".join(f"“{SPEC.label(code)}”" for code in missing),
        "found": ", ".join(f"“{h}”" for h in found) or "—",
    }


def _rows(
    columns: Mapping[str, int], data: Iterable[tuple[int, Sequence[object]]]
) -> list[UnitRow]:
    rows: list[UnitRow] = []
    problems: list[tuple[int, str, str]] = []
    for line, values in data:
        try:
            row = parse_row(values, columns)
        except UnitRowError as exc:
            index = columns["key"]
            key = _text(values[index]) if index < len(values) else ""
            problems.extend((line, key, reason) for reason in exc.reasons)
            continue
        row.line = line
        rows.append(row)
    if problems:
        raise LoadError(problems)
    return rows


def rows_from_csv(text: str) -> list[UnitRow]:
    """Parse a units CSV, its header matched like a sheet's; raise LoadError on bad cells.

    Line numbers are the file's: the header is line 1.
    """
    records = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    headings: list[object] = list(records[0]) if records else []
    matching = match_columns(headings, Synonyms(synonyms_for(SPEC)), required=SPEC.required)
    missing = matching.missing + [c for c in matching.ambiguous if c in SPEC.required]
    if missing:
        raise LoadError([(1, "", _missing_message(missing, headings))])
    data = (
        (line, values)
        for line, values in enumerate(records[1:], start=2)
        if any(v.strip() for v in values)
    )
    return _rows(matching.columns, data)


def rows_from_xlsx(source) -> list[UnitRow]:
    """Read a units workbook (a path, bytes or a file) through the import pipeline; raise
    LoadError with the sheet's row numbers, or naming what is wrong with the sheet."""
    try:
        sheet = read_sheet(source, SPEC)
    except SpreadsheetError as exc:
        raise LoadError([(0, "", exc.message)]) from exc
    header = sheet.plan.header
    matching = sheet.plan.matching
    missing = matching.missing + [c for c in matching.ambiguous if c in SPEC.required]
    if missing:
        raise LoadError([(header.row, "", _missing_message(missing, header.cells))])
    return _rows(matching.columns, sheet.rows)
