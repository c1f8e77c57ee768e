"""The import pipeline's tables at work: a register's synonyms and remembered mappings.

``read_sheet`` opens a workbook, chooses the sheet, finds its header and matches its
columns (lib.imports) with the headings of the synonym table and the spec's defaults; a
user's mapping, given or remembered for the same headings, replaces the matching.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

from django.utils.translation import gettext as _

from danvan.core.models import ColumnMapping, ColumnSynonym
from danvan.lib.imports import (
    HEADER_SEARCH_ROWS,
    SAMPLE_VALUES,
    ImportSpec,
    SheetPlan,
    Synonyms,
    find_header,
    no_header_message,
    plan_sheet,
    signature,
)
from danvan.lib.xlsx import SpreadsheetError, iter_rows, safe_open_workbook

HEAD_ROWS = HEADER_SEARCH_ROWS + 5 + SAMPLE_VALUES


def synonyms_for(spec: ImportSpec) -> dict[str, list[str]]:
    """The headings of each column: the table's first (an administrator's word wins), then
    the spec's defaults."""
    synonyms: dict[str, list[str]] = {}
    for column, heading in ColumnSynonym.objects.filter(register=spec.register).values_list(
        "column", "heading"
    ):
        synonyms.setdefault(column, []).append(heading)
    for column, headings in spec.default_synonyms().items():
        synonyms.setdefault(column, []).extend(headings)
    return synonyms


def remembered_mapping(spec: ImportSpec, headings: list) -> dict[str, str] | None:
    found = ColumnMapping.objects.filter(
        register=spec.register, signature=signature(headings)
    ).first()
    return dict(found.mapping) if found else None


@dataclass
class Sheet:
    """A sheet ready to be read: its plan and its data rows, lazily."""

    name: str
    names: list[str]  # every sheet of the workbook
    chosen_by_user: bool
    plan: SheetPlan
    rows: Iterator[tuple[int, list[Any]]]


def read_sheet(
    path, spec: ImportSpec, *, sheet: str = "", choice: Mapping[str, str] | None = None
) -> Sheet:
    """Open the sheet to import and plan it; raise SpreadsheetError with the user's message.

    Without ``sheet``, the first sheet whose first rows hold a recognisable header is read.
    Only the first rows are read here; the rest come lazily from ``Sheet.rows``.
    """
    workbook = safe_open_workbook(path)
    names = list(workbook.sheetnames)
    synonyms = synonyms_for(spec)
    table = Synonyms(synonyms)
    if sheet and sheet not in names:
        raise SpreadsheetError(_("The workbook has no sheet “%(sheet)s”.") % {"sheet": sheet})
    candidates = [sheet] if sheet else names
    first_head: list[tuple[int, list[Any]]] | None = None
    for name in candidates:
        rows = iter_rows(workbook, name)
        head = list(islice(rows, HEAD_ROWS))
        if first_head is None:
            first_head = head
        if find_header(head, table) is None:
            continue
        plan = plan_sheet(head, spec, synonyms, choice=choice)
        assert plan is not None  # the header was just found
        if choice is None and not plan.matching.complete:
            remembered = remembered_mapping(spec, plan.header.cells)
            if remembered is not None:
                plan = plan_sheet(head, spec, synonyms, choice=remembered)
                assert plan is not None
        data = chain(head[plan.header.data_index :], rows)
        return Sheet(name, names, bool(sheet), plan, data)
    if not first_head:
        raise SpreadsheetError(_("The sheet is empty."))
    raise SpreadsheetError(no_header_message(first_head))


def mapping_reasons(spec: ImportSpec, sheet: Sheet, *, required_only: bool = True) -> list[str]:
    """Why the sheet cannot be read without the user's choice of columns (empty: it can):
    a column not found, or several headings that could be one (a needed one, unless
    ``required_only`` is off)."""
    matching = sheet.plan.matching
    headings = sheet.plan.header.cells
    reasons = [
        _("No column is “%(column)s”.") % {"column": spec.label(code)} for code in matching.missing
    ]
    reasons += [
        _("Several columns could be “%(column)s”: %(headings)s.")
        % {
            "column": spec.label(code),
            "headings": ", ".join(f"“{headings[i] or ''}”" for i in indexes),
        }
        for code, indexes in matching.ambiguous.items()
        if code in spec.required or not required_only
    ]
    return reasons


def sheet_summary(sheet: Sheet, spec: ImportSpec) -> dict:
    """A sheet as a preview job keeps it (JSON) for its review page and the column-mapping
    form (``core.forms.ColumnMappingForm`` reads "sheet", "sheets" and "columns"; remembering
    a choice reads "headings")."""
    plan = sheet.plan
    return {
        "sheet": sheet.name,
        "sheets": sheet.names,
        "header_row": plan.header.row,
        "title": [str(line) for line in plan.header.title_lines[:6]],
        "headings": ["" if h is None else str(h) for h in plan.header.cells],
        "columns": plan.column_listing(spec),
        "remembered": bool(plan.remembered),
    }
