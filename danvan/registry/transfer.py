"""Excel import and export of practice models, run as background jobs.

Import: the uploaded sheet is checked row by row (a preview job); the user then imports
every valid row or nothing. Rows already in the registry (same external id, or same name,
unit and year) are skipped, so re-importing a sheet never duplicates. The import writes
in one transaction: it all lands, or nothing does.
"""

import datetime
import functools
import gzip
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from danvan.core.imports import Sheet, read_sheet
from danvan.core.jobs import JobContext, JobFailed, register
from danvan.core.models import Job
from danvan.lib.imports import Column, ImportSpec, declare
from danvan.lib.vntext import fold
from danvan.lib.xlsx import (
    SpreadsheetError,
    parse_date,
    row_problem,
    template_workbook,
    write_xlsx,
)
from danvan.organisations.forms import resolve_filters
from danvan.organisations.models import REFORM_DATE, Unit
from danvan.registry.forms import FilterForm
from danvan.registry.models import (
    Field,
    ModelKind,
    PracticeModel,
    RecognitionLevel,
    Status,
)
from danvan.registry.queries import filtered_models
from danvan.registry.resolve import FieldIndex, Known, UnitIndex, UnitNotResolved
from danvan.registry.services import import_models

BATCH = 2000
MAX_REPORTED_ERRORS = 500

# field → (heading shown in the template, other headings accepted)
COLUMNS = {
    "external_id": (gettext_lazy("Code"), ["Mã mô hình", "Mã", "ID"]),
    "name": (gettext_lazy("Name of the model"), ["Tên mô hình", "Tên mô hình điển hình", "Tên"]),
    "unit": (gettext_lazy("Unit"), ["Đơn vị", "Đơn vị đăng ký", "Đơn vị thực hiện"]),
    "year": (gettext_lazy("Year"), ["Năm", "Năm đăng ký"]),
    "field": (gettext_lazy("Field"), ["Lĩnh vực"]),
    "kind": (gettext_lazy("Kind"), ["Loại", "Mô hình điển hình", "Tập thể cá nhân"]),
    "situation": (gettext_lazy("Situation and reason"), ["Sự cần thiết", "Thực trạng"]),
    "goals": (gettext_lazy("Goals"), ["Mục tiêu"]),
    "content": (gettext_lazy("Content and method"), ["Nội dung", "Nội dung cách làm"]),
    "results": (gettext_lazy("Results"), ["Kết quả", "Hiệu quả"]),
    "start_date": (gettext_lazy("Start date"), ["Ngày bắt đầu", "Thời gian bắt đầu"]),
    "level": (gettext_lazy("Recognised at"), ["Cấp công nhận"]),
    "recognised_on": (gettext_lazy("Recognised on"), ["Ngày công nhận"]),
    "legacy_district_name": (gettext_lazy("District (before 2025)"), ["Quận huyện", "Huyện"]),
    "unit_code": (gettext_lazy("Unit code"), ["Mã đơn vị", "Mã ĐVHC", "Mã xã"]),
}
INDIVIDUAL_WORDS = {"ca nhan", "dien hinh", "individual"}


# The year is needed too, but may come from a date column, the title block or the user.
REQUIRED_COLUMNS = ["name", "unit", "field"]
SAMPLE_ROWS = 20


def template_bytes() -> bytes:
    headers = [str(label) for label, _others in COLUMNS.values()]
    example = [
        "HN-2024-001",
        "Tổ tự quản an ninh trật tự khu dân cư",
        "Phường Ba Đình",
        2024,
        "Quốc phòng – an ninh",
        "Tập thể",
        "Khu dân cư đông, phức tạp về an ninh trật tự",
        "Giảm 50% vụ việc mất trật tự trong năm",
        "Tuần tra luân phiên, lắp camera, họp tổ hằng tháng",
        "Không để xảy ra trộm cắp trong 12 tháng",
        datetime.date(2024, 3, 1),
        "",
        None,
        "Quận Ba Đình",
        "00004",
    ]
    notes = {
        str(COLUMNS["year"][0]): _("2009 to this year"),
        str(COLUMNS["start_date"][0]): _("dd/mm/yyyy"),
        str(COLUMNS["recognised_on"][0]): _("dd/mm/yyyy; only for recognised models"),
        str(COLUMNS["unit"][0]): _("Name or official code of a unit in your scope"),
        str(COLUMNS["unit_code"][0]): _("Only where several units share the name"),
    }
    return template_workbook(headers, example, notes=notes)


@dataclass
class Lookups:
    """What rows are matched against, loaded once per job: the units of the user's scope
    with their dates and districts (see resolve), the fields with their other names."""

    units: UnitIndex
    fields: FieldIndex
    levels: dict[str, RecognitionLevel]
    existing_ids: set[str]
    existing_keys: set[tuple[str, int, int]]
    this_year: int = field(default_factory=lambda: timezone.localdate().year)

    @classmethod
    def for_user(cls, user) -> "Lookups":
        units = UnitIndex.for_user(user, perm="registry.register")
        fields = FieldIndex(list(Field.objects.filter(is_active=True)))
        levels = {}
        # A revised level's successor shares its code: the newest row answers to it.
        for level in RecognitionLevel.objects.order_by("effective_from"):
            levels[_loose(level.name)] = level
            levels[level.code] = level
            levels[_loose(level.name.replace("Cấp ", ""))] = level
        scoped = PracticeModel.objects.visible_to(user)
        existing_ids = set(
            scoped.exclude(external_id="").values_list("external_id", flat=True).iterator()
        )
        existing_keys = {
            (fold(name), unit_id, year)
            for name, unit_id, year in scoped.values_list("name", "unit_id", "year").iterator(
                chunk_size=5000
            )
        }
        return cls(units, fields, levels, existing_ids, existing_keys)


class Seen:
    """The models already in the registry and the rows met so far: a row with the same
    external id, or the same name, unit and year, is there already. It takes the lookups'
    sets over (a copy of the registry's 80,000 keys was 15 MB more at the peak)."""

    def __init__(self, lookups: Lookups):
        self.ids, self.keys = lookups.existing_ids, lookups.existing_keys

    def first_time(self, row: dict) -> bool:
        key = (fold(row["name"]), row["unit"].pk, row["year"])
        if (row["external_id"] and row["external_id"] in self.ids) or key in self.keys:
            return False
        if row["external_id"]:
            self.ids.add(row["external_id"])
        self.keys.add(key)
        return True


@functools.lru_cache(maxsize=1024)
def _loose(text: str) -> str:
    """Fold and drop punctuation: "Văn hóa - xã hội" ≈ "van hoa – xa hoi"."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in fold(text)).split())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class RowError(Exception):
    """A row that cannot be imported; `candidates` are the units it could name, when it
    names one that several units share (id and label, for a choice per row)."""

    def __init__(self, message: str, candidates: list[dict] | None = None):
        super().__init__(message)
        self.candidates = candidates or []


def _row_date(year: int, start_date: datetime.date | None) -> datetime.date:
    """The date a row's unit is looked up on: its start, else the middle of its year."""
    return start_date or datetime.date(year, 7, 1)


SKIP_ROW = "skip"  # the choice that leaves an ambiguous row out


def choice_key(unit_text: str, district: str) -> str:
    """The key of a choice made for every row naming a unit so, in the same district."""
    return f"{_loose(unit_text)}|{_loose(district)}"


def _chosen_unit(
    choice, exc: UnitNotResolved, candidates: list[dict], lookups: Lookups
) -> Known | None:
    """The unit the user chose among a row's candidates; a choice of anything else (a unit
    not among them, or outside the user's scope) is an error of the row."""
    if choice is None or choice == "":
        return None
    if choice == SKIP_ROW:
        raise RowError(_("Left out: you chose to skip this row."))
    try:
        pk = int(choice)
    except (TypeError, ValueError):
        pk = None
    known = lookups.units.by_id.get(pk) if pk is not None else None
    if known is None or all(k.unit.pk != pk for k in exc.candidates):
        raise RowError(
            _("The unit chosen for this row is not one of its candidates: %(message)s")
            % {"message": exc.message},
            candidates,
        )
    return known


def _parse_row(
    values: list,
    columns: dict[str, int],
    lookups: Lookups,
    facts: dict | None = None,
    choice: int | str | None = None,
) -> dict:
    """The row as the import writes it; `facts` are what the sheet says for every row
    (its year, its district, the units chosen for names several units share), else None;
    `choice` is the unit the user chose for this row, if its name stays ambiguous."""

    def cell(name):
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    name = _text(cell("name"))
    if not name:
        raise RowError(_("The name of the model is missing."))
    if len(name) > 300:
        raise RowError(_("The name is longer than 300 characters."))
    unit_text = _text(cell("unit"))
    if not unit_text:
        raise RowError(_("The unit is missing."))
    year_text = _text(cell("year"))
    if not year_text:
        year_text = _sheet_year(cell("start_date"), facts or {})
    try:
        year = int(year_text)
    except ValueError as exc:
        raise RowError(_("The year “%(year)s” is not a number.") % {"year": year_text}) from exc
    if year < 2009 or year > lookups.this_year:
        raise RowError(_("The year must be between 2009 and this year."))
    try:
        start_date = parse_date(cell("start_date"), column=COLUMNS["start_date"][0])
        recognised_on = parse_date(cell("recognised_on"), column=COLUMNS["recognised_on"][0])
    except ValueError as exc:
        raise RowError(str(exc)) from exc
    district = _text(cell("legacy_district_name"))[:120]
    try:
        chosen, replaced = lookups.units.resolve(
            unit_text,
            on=_row_date(year, start_date),
            district=district,
            sheet_district=(facts or {}).get("district") or "",
            code=_text(cell("unit_code")),
        )
    except UnitNotResolved as exc:
        candidates = [{"id": k.unit.pk, "label": k.label()} for k in exc.candidates]
        if not candidates:
            raise RowError(exc.message) from exc
        if choice is None:
            by_name = (facts or {}).get("unit_choices_by_name") or {}
            choice = by_name.get(choice_key(unit_text, district))
        picked = _chosen_unit(choice, exc, candidates, lookups)
        if picked is None:
            raise RowError(exc.message, candidates) from exc
        chosen, replaced = picked, None
    unit_label = chosen.label()
    if replaced is not None:
        unit_label = _("%(unit)s, successor of %(old)s") % {
            "unit": unit_label,
            "old": replaced.label(),
        }
    if not district and _row_date(year, start_date) < REFORM_DATE:
        district = chosen.district[:120]  # the district the unit belonged to then
    field_text = _text(cell("field"))
    field = lookups.fields.get(field_text)
    if field is None:
        closest = lookups.fields.closest(field_text)
        if closest:
            raise RowError(
                _("The field “%(field)s” is unknown; the closest: %(closest)s.")
                % {"field": field_text, "closest": ", ".join(f.name for f in closest)}
            )
        raise RowError(_("The field “%(field)s” is unknown.") % {"field": field_text})
    kind_text = fold(_text(cell("kind")))
    kind = ModelKind.INDIVIDUAL if kind_text in INDIVIDUAL_WORDS else ModelKind.COLLECTIVE
    level_text = _text(cell("level"))
    level = None
    if level_text:
        level = lookups.levels.get(_loose(level_text)) or lookups.levels.get(level_text)
        if level is None:
            raise RowError(_("The level “%(level)s” is unknown.") % {"level": level_text})
        if recognised_on is None:
            raise RowError(_("A recognised model needs its date of recognition."))
        if level.effective_from > recognised_on or (
            level.effective_to and level.effective_to < recognised_on
        ):
            raise RowError(
                _("The level “%(level)s” was not in force on %(date)s.")
                % {"level": level.name, "date": recognised_on.strftime("%d/%m/%Y")}
            )
    return {
        "external_id": _text(cell("external_id"))[:80],
        "name": name,
        "unit": chosen.unit,
        "unit_label": unit_label,
        "year": year,
        "field": field,
        "kind": kind,
        "situation": _text(cell("situation")),
        "goals": _text(cell("goals")),
        "content": _text(cell("content")),
        "results": _text(cell("results")),
        "start_date": start_date,
        "level": level,
        "recognised_on": recognised_on,
        "legacy_district_name": district,
    }


def _sheet_year(start_date, facts: dict) -> str:
    """The year of a row without one: its start date's, else the whole sheet's."""
    try:
        started = parse_date(start_date)
    except ValueError:
        started = None
    if started is not None:
        return str(started.year)
    if facts.get("year"):
        return str(facts["year"])
    raise RowError(
        _("The year is missing: fill the year column, or give the year of the whole sheet.")
    )


SPEC = declare(
    ImportSpec(
        register="registry",
        columns=tuple(
            Column(code, label, required=code in REQUIRED_COLUMNS, synonyms=tuple(others))
            for code, (label, others) in COLUMNS.items()
        ),
        parse_row=_parse_row,
    )
)


def open_sheet(path, params: dict) -> Sheet:
    """The sheet to import, planned: the user's sheet and mapping when they gave them."""
    try:
        return read_sheet(
            path, SPEC, sheet=params.get("sheet") or "", choice=params.get("mapping") or None
        )
    except SpreadsheetError as exc:
        raise JobFailed(exc.message) from exc


def sheet_facts(sheet: Sheet, params: dict) -> dict:
    """What the whole sheet says beside its rows: the user's values first, then its title."""
    plan = sheet.plan
    if params.get("year"):
        year, year_source = int(params["year"]), "form"
    elif plan.year:
        year, year_source = plan.year, "title"
    else:
        year, year_source = None, ""
    district = params.get("district") or plan.district or None
    return {
        "year": year,
        "year_source": year_source,
        "district": district,
        "district_source": ("form" if params.get("district") else "title") if district else "",
        "unit_choices": params.get("unit_choices") or {},
        "unit_choices_by_name": params.get("unit_choices_by_name") or {},
    }


def _merged_hint(values: list, previous: list | None, sheet: Sheet) -> str:
    """Name a needed cell left empty under a filled one: most often a merged cell."""
    if previous is None:
        return ""
    for code in REQUIRED_COLUMNS:
        index = sheet.plan.matching.columns.get(code)
        if index is None or index >= len(values) or values[index] is not None:
            continue
        if index < len(previous) and previous[index] is not None:
            heading = sheet.plan.header.cells[index] or ""
            return " " + _(
                "Column %(letter)s (“%(heading)s”) is empty under a filled cell: if the cells "
                "are merged, unmerge them and fill in every row."
            ) % {"letter": get_column_letter(index + 1), "heading": heading}
    return ""


def sheet_rows(
    sheet: Sheet, facts: dict, user, progress=None, choices: list | None = None
) -> Iterator[tuple[int, dict | None, str]]:
    """Yield (row number, parsed row or None, reason) for each data row of a planned sheet.

    A row already in the registry, or repeated in the sheet, comes back with reason "skip".
    The rows whose unit stays ambiguous are added to `choices`, with their candidates.
    """
    columns = sheet.plan.matching.columns
    unit_choices = facts.get("unit_choices") or {}
    lookups = Lookups.for_user(user)
    seen = Seen(lookups)
    previous = None
    try:
        for count, (number, values) in enumerate(sheet.rows, start=1):
            if progress and count % 1000 == 0:
                progress(count)
            if problem := row_problem(values):  # a formula saved without its value
                yield number, None, problem
                previous = values
                continue
            try:
                row = _parse_row(values, columns, lookups, facts, unit_choices.get(str(number)))
            except RowError as exc:
                if exc.candidates and choices is not None and len(choices) < MAX_REPORTED_ERRORS:
                    choices.append(_choice(number, values, columns, exc))
                yield number, None, str(exc) + _merged_hint(values, previous, sheet)
                continue
            finally:
                previous = values
            yield number, row, "" if seen.first_time(row) else "skip"
    except SpreadsheetError as exc:
        raise JobFailed(exc.message) from exc


def _choice(number: int, values: list, columns: dict[str, int], exc: RowError) -> dict:
    """A row whose unit stays ambiguous, as the preview offers it for a choice."""

    def cell(name):
        index = columns.get(name)
        return _text(values[index]) if index is not None and index < len(values) else ""

    unit_text, district = cell("unit"), cell("legacy_district_name")[:120]
    return {
        "number": number,
        "text": unit_text,
        "district": district,
        "key": choice_key(unit_text, district),
        "candidates": exc.candidates,
    }


def checked_rows(
    path, user, progress=None, params: dict | None = None
) -> Iterator[tuple[int, dict | None, str]]:
    """The rows of the sheet at path, checked (see sheet_rows), read as params say."""
    params = params or {}
    sheet = open_sheet(path, params)
    if not sheet.plan.matching.complete:
        raise JobFailed(_("The columns of the sheet are not all known: check it again."))
    yield from sheet_rows(sheet, sheet_facts(sheet, params), user, progress)


def _job_path(context: JobContext) -> str:
    return context.job.input_file.path


def _rows_path(context: JobContext, preview_token: str) -> Path:
    """Where a preview keeps the rows it parsed, beside the sheet (never downloadable): the
    import reads them instead of parsing the sheet again. Each preview of a sheet (another
    column mapping, another year) keeps its own, so an import reads the rows of the preview
    the user confirmed."""
    return Path(f"{_job_path(context)}.{preview_token}.rows.jsonl.gz")


_JSON = json.JSONEncoder(ensure_ascii=False)


def _portable(number: int, row: dict) -> str:
    """A parsed row as one line of JSON, objects by their ids."""
    return _JSON.encode(
        {
            **row,
            "number": number,
            "unit": row["unit"].pk,
            "field": row["field"].pk,
            "level": row["level"].pk if row["level"] else None,
            "start_date": row["start_date"].isoformat() if row["start_date"] else None,
            "recognised_on": row["recognised_on"].isoformat() if row["recognised_on"] else None,
        }
    )


def _previewed_rows(path: Path, lookups: Lookups) -> Iterator[tuple[int, dict | None, str]]:
    """The rows the preview found valid, checked again against the registry as it is now:
    a row imported since (by another sheet) is skipped, a unit out of the user's scope
    since then is an error."""
    units = {pk: known.unit for pk, known in lookups.units.by_id.items()}
    fields = {f.pk: f for f in lookups.fields.by_key.values()}
    levels = {level.pk: level for level in lookups.levels.values()}
    seen = Seen(lookups)
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            data = json.loads(line)
            number = data.pop("number")
            unit = units.get(data["unit"])
            if unit is None:
                yield number, None, _("The unit is outside your scope.")
                continue
            row = {
                **data,
                "unit": unit,
                "field": fields[data["field"]],
                "level": levels.get(data["level"]),
                "start_date": _iso_date(data["start_date"]),
                "recognised_on": _iso_date(data["recognised_on"]),
            }
            yield number, row, "" if seen.first_time(row) else "skip"


def _iso_date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _sample(number: int, row: dict) -> dict:
    """A row as the preview shows it: as it will be imported."""
    return {
        "number": number,
        "name": row["name"],
        "unit": row["unit_label"],
        "unit_code": row["unit"].code,
        "year": row["year"],
        "field": row["field"].name,
        "results": row["results"][:200],
    }


def _sheet_summary(sheet: Sheet, facts: dict, params: dict) -> dict:
    """What the preview says about the sheet before its rows: which sheet, which header
    row, which column is which field, what is not imported, where the year comes from."""
    plan = sheet.plan
    columns = plan.matching.columns
    headings = plan.header.cells
    if "year" in columns:
        year_source = _("from the column “%(heading)s”") % {
            "heading": headings[columns["year"]] or ""
        }
    elif "start_date" in columns:
        year_source = _("from the start date (column “%(heading)s”)") % {
            "heading": headings[columns["start_date"]] or ""
        }
    elif facts["year_source"] == "form":
        year_source = _("%(year)d, given for the whole sheet") % {"year": facts["year"]}
    elif facts["year_source"] == "title":
        year_source = _("%(year)d, from the title of the sheet") % {"year": facts["year"]}
    else:
        year_source = ""
    if params.get("sheet"):
        sheet_note = _("Sheet “%(sheet)s”, as chosen.") % {"sheet": sheet.name}
    else:
        sheet_note = _("Sheet “%(sheet)s”: the first with a recognisable header.") % {
            "sheet": sheet.name
        }
    return {
        "sheet": sheet.name,
        "sheets": sheet.names,
        "sheet_note": sheet_note,
        "header_row": plan.header.row,
        "header_rows": plan.header.rows,
        "headings": headings,
        "title": plan.header.title_lines[:6],
        "columns": plan.column_listing(SPEC),
        "mapped": [
            [headings[index] or get_column_letter(index + 1), SPEC.label(code)]
            for code, index in sorted(columns.items(), key=lambda item: item[1])
        ],
        "not_imported": [headings[i] for i in plan.matching.not_imported if headings[i]],
        "remembered": plan.remembered,
        "year": facts["year"],
        "year_source": year_source,
        "district": facts["district"] or "",
        "district_source": facts["district_source"],
        "proposed_year": plan.year,
        "proposed_district": plan.district or "",
    }


def _needs_mapping(sheet: Sheet, facts: dict) -> list[str]:
    """Why the sheet cannot be read without the user's choice (empty: it can)."""
    matching = sheet.plan.matching
    reasons = [
        _("No column is “%(column)s”.") % {"column": SPEC.label(code)} for code in matching.missing
    ]
    headings = sheet.plan.header.cells
    reasons += [
        _("Several columns could be “%(column)s”: %(headings)s.")
        % {
            "column": SPEC.label(code),
            "headings": ", ".join(f"“{headings[i] or ''}”" for i in indexes),
        }
        for code, indexes in matching.ambiguous.items()
    ]
    columns = matching.columns
    if "year" not in columns and "start_date" not in columns and not facts["year"]:
        reasons.append(
            _("No column gives the year, nor the title: give the year of the whole sheet.")
        )
    return reasons


@register("registry.import_preview")
def preview_import(context: JobContext) -> dict:
    """Check every row and report: how many valid, how many already there, which are bad,
    and the first valid rows as they will be imported. The valid rows are kept, parsed,
    for the import. A sheet whose columns are not all known stops at the mapping step."""
    user = context.job.owner
    params = context.job.params
    sheet = open_sheet(_job_path(context), params)
    facts = sheet_facts(sheet, params)
    summary = _sheet_summary(sheet, facts, params)
    reasons = _needs_mapping(sheet, facts)
    if reasons:
        return {
            **summary,
            "needs_mapping": True,
            "reasons": reasons,
            "message": _("Say which column is which before the rows are checked."),
        }
    valid = skipped = 0
    errors: list[tuple[int, str]] = []
    choices: list[dict] = []
    sample: list[dict] = []
    error_count = 0
    kept = _rows_path(context, context.job.token)
    with gzip.open(kept, "wt", encoding="utf-8", compresslevel=1) as out:
        for number, row, reason in sheet_rows(sheet, facts, user, context.progress, choices):
            if reason == "skip":
                skipped += 1
            elif reason:
                error_count += 1
                if len(errors) < MAX_REPORTED_ERRORS:
                    errors.append((number, reason))
            else:
                assert row is not None  # only a parsed row comes without a reason
                valid += 1
                if len(sample) < SAMPLE_ROWS:
                    sample.append(_sample(number, row))
                out.write(_portable(number, row) + "\n")
    return {
        **summary,
        "valid": valid,
        "skipped": skipped,
        "error_count": error_count,
        "errors": errors,
        "choices": choices,
        "sample": sample,
        "message": _(
            "%(valid)d rows can be imported, %(skipped)d are already in the registry, "
            "%(errors)d have errors."
        )
        % {"valid": valid, "skipped": skipped, "errors": error_count},
    }


def _rows_to_import(context: JobContext, user) -> Iterator[tuple[int, dict | None, str]]:
    """The preview's parsed rows when it kept them (its rows with errors counted as such),
    else the sheet checked again row by row."""
    kept = _rows_path(context, context.job.params.get("preview", ""))
    preview = Job.objects.filter(
        token=context.job.params.get("preview", ""),
        kind="registry.import_preview",
        owner=user,
        status=Job.Status.DONE,
    ).first()
    if (
        preview is None
        or preview.input_file.name != context.job.input_file.name
        or not kept.exists()
    ):
        params = preview.params if preview is not None else {}
        yield from checked_rows(_job_path(context), user, context.progress, params)
        return
    # What the preview found already there, or wrong, counts as such without its rows.
    for _number in range(preview.result.get("skipped", 0)):
        yield 0, None, "skip"
    for _number in range(preview.result.get("error_count", 0)):
        yield 0, None, "error"
    context.progress(0, preview.result.get("valid"))
    for count, found in enumerate(_previewed_rows(kept, Lookups.for_user(user)), start=1):
        if count % 1000 == 0:
            context.progress(count)
        yield found


@register("registry.import")
def run_import(context: JobContext) -> dict:
    """Import the valid rows in one transaction; bad rows are left out (the user chose so)."""
    user = context.job.owner
    skipped = bad = 0

    def valid_rows() -> Iterator[dict]:
        nonlocal skipped, bad
        for _number, row, reason in _rows_to_import(context, user):
            if reason == "skip":
                skipped += 1
            elif reason:
                bad += 1
            else:
                assert row is not None  # only a parsed row comes without a reason
                yield row

    with transaction.atomic():
        per_unit = import_models(actor=user, rows=valid_rows(), batch_size=BATCH)
        if context.job.params.get("require_all") and bad:
            raise JobFailed(_("Some rows have errors: nothing was imported."))
    created = sum(per_unit.values())
    # Imported: the preview's parsed rows are spent (importing again reads the sheet).
    _rows_path(context, context.job.params.get("preview", "")).unlink(missing_ok=True)
    return {
        "created": created,
        "skipped": skipped,
        "left_out": bad,
        "message": _(
            "%(created)d models imported, %(skipped)d already there, %(bad)d rows "
            "with errors left out."
        )
        % {"created": created, "skipped": skipped, "bad": bad},
    }


EXPORT_HEADERS = [
    "external_id",
    "name",
    "unit",
    "year",
    "field",
    "kind",
    "status",
    "level",
    "recognised_on",
    "legacy_district_name",
    "start_date",
    "results",
]


def export_rows(queryset) -> Iterator[list]:
    """The rows of the export, as plain values: the few units, fields and levels are named
    from dictionaries read once, and the labels translated once, not per model."""
    units = dict(Unit.objects.values_list("id", "name"))
    fields = dict(Field.objects.values_list("id", "name"))
    levels = dict(RecognitionLevel.objects.values_list("id", "name"))
    kinds = {value: str(label) for value, label in ModelKind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    rows = queryset.order_by("id").values_list(
        "id",
        "external_id",
        "name",
        "unit_id",
        "year",
        "field_id",
        "kind",
        "status",
        "recognised_level_id",
        "recognised_on",
        "legacy_district_name",
        "start_date",
        "results",
    )
    for (
        pk,
        external_id,
        name,
        unit_id,
        year,
        field_id,
        kind,
        status,
        level_id,
        recognised_on,
        district,
        start_date,
        results,
    ) in rows.iterator(chunk_size=BATCH):
        yield [
            external_id or f"DV-{pk}",
            name,
            units[unit_id],
            year,
            fields[field_id],
            kinds[kind],
            statuses[status],
            levels[level_id] if level_id else "",
            recognised_on,
            district,
            start_date,
            results,
        ]


@register("registry.export")
def run_export(context: JobContext) -> dict:
    user = context.job.owner
    try:
        _form, params, _unit = resolve_filters(FilterForm, user, context.job.params)
    except Http404 as exc:
        raise JobFailed(_("This unit is outside your scope.")) from exc
    queryset = filtered_models(user, params)
    total = queryset.count()
    if total == 0:
        raise JobFailed(_("The selection is empty: there is nothing to export."))
    context.progress(0, total)
    headers = [
        str(COLUMNS[h][0]) if h in COLUMNS else {"status": _("Status")}.get(h, h)
        for h in EXPORT_HEADERS
    ]

    def counted():
        for n, row in enumerate(export_rows(queryset), start=1):
            if n % BATCH == 0:
                context.progress(n)
            yield row

    filename = f"mo-hinh-dan-van-kheo-{timezone.localdate():%Y%m%d}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        written = write_xlsx(path, headers, counted(), sheet_title=_("Models"))
        with path.open("rb") as handle:
            context.job.output_file.save(filename, File(handle), save=False)
    type(context.job).objects.filter(pk=context.job.pk).update(
        output_file=context.job.output_file.name
    )
    context.progress(written, total)
    return {
        "rows": written,
        "filename": filename,
        "message": _("%(n)d models exported.") % {"n": written},
    }
