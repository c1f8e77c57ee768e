"""The household register's columns for the import pipeline, and its sheet reader.

A hamlet's list of households is read like every register's: the header is found under the
title block, its headings are matched in the office's own words (the synonym table, then
the defaults below), a numbering row is skipped and legacy text converted (lib.imports,
core.imports). Each row becomes a HouseholdRow for `services.import_households`, which
writes all of them or none.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from danvan.core.imports import read_sheet
from danvan.lib.imports import Column, ImportSpec, declare
from danvan.lib.xlsx import SpreadsheetError, row_problem


@dataclass
class HouseholdRow:
    head_name: str
    members: int
    address: str
    line: int = 0


class HouseholdsError(Exception):
    """What is wrong with a sheet: (sheet row, reason) pairs; row 0 for the whole sheet."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(reason for _line, reason in problems))
        self.problems = problems


COLUMNS = (
    Column(
        "head_name",
        gettext_lazy("Head of household"),
        required=True,
        synonyms=("Chủ hộ", "Họ và tên chủ hộ", "Họ tên chủ hộ", "Tên chủ hộ"),
    ),
    Column(
        "members",
        pgettext_lazy("household", "Members"),
        synonyms=("Số nhân khẩu", "Nhân khẩu", "Số khẩu", "Số người"),
    ),
    Column(
        "address",
        gettext_lazy("Address"),
        required=True,
        synonyms=("Địa chỉ", "Nơi ở", "Số nhà", "Địa chỉ thường trú"),
    ),
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_row(
    values: Sequence[object], columns: Mapping[str, int], lookups=None, facts=None
) -> HouseholdRow:
    """One row as a HouseholdRow; raise HouseholdsError naming what cannot be read."""

    def cell(name: str) -> object:
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    reasons: list[str] = []
    if problem := row_problem(list(values)):
        reasons.append(problem)
    head_name, address = _text(cell("head_name")), _text(cell("address"))
    if not head_name:
        reasons.append(_("The head of household is empty."))
    if not address:
        reasons.append(_("The address is empty."))
    members = 1
    raw = cell("members")
    if _text(raw):
        try:
            members = int(float(_text(raw).replace(",", ".")))
        except ValueError:
            reasons.append(_("“%(value)s” is not a number of members.") % {"value": _text(raw)})
        else:
            if not 1 <= members <= 100:
                reasons.append(_("A household has between 1 and 100 members."))
    if reasons:
        raise HouseholdsError([(0, reason) for reason in reasons])
    return HouseholdRow(head_name=head_name[:120], members=members, address=address[:200])


SPEC = declare(ImportSpec(register="households", columns=COLUMNS, parse_row=parse_row))


def rows_from_xlsx(source) -> list[HouseholdRow]:
    """Read a households workbook (a path, bytes or a file) through the import pipeline;
    raise HouseholdsError with the sheet's row numbers, or naming what is wrong with it."""
    try:
        sheet = read_sheet(source, SPEC)
    except SpreadsheetError as exc:
        raise HouseholdsError([(0, exc.message)]) from exc
    matching = sheet.plan.matching
    missing = matching.missing + [c for c in matching.ambiguous if c in SPEC.required]
    if missing:
        found = [_text(h) for h in sheet.plan.header.cells if _text(h)]
        raise HouseholdsError(
            [
                (
                    sheet.plan.header.row,
                    _(
                        "Missing columns: %(missing)s. The headings found are: %(found)s. "
                        "Rename the headings of the file, or ask an administrator to add them "
                        "to the column headings."
                    )
                    % {
                        "missing": ", ".join(f"“{SPEC.label(code)}”" for code in missing),
                        "found": ", ".join(f"“{h}”" for h in found) or "—",
                    },
                )
            ]
        )
    rows, problems = [], []
    for line, values in sheet.rows:
        if not any(_text(v) for v in values):
            continue
        try:
            row = parse_row(values, matching.columns)
        except HouseholdsError as exc:
            problems += [(line, reason) for _zero, reason in exc.problems]
            continue
        row.line = line
        rows.append(row)
    if problems:
        raise HouseholdsError(problems)
    if not rows:
        raise HouseholdsError([(0, _("The sheet has no household under its header."))])
    return rows
