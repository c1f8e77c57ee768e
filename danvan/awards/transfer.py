"""Awards in and out, as background jobs: the import of earlier awards through the shared
import pipeline (the register declares its columns and row parser; the header is found
below the title, the headings matched in the offices' words), the export of a filtered list,
and the eligibility run.

Import: a preview job checks every row; the import job writes the valid ones in one
transaction (`services.import_awards`). An award already there (same decision and recipient)
is skipped, so importing a sheet again changes nothing.
"""

import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.awards import eligibility
from danvan.awards.models import AwardType, Decision
from danvan.awards.queries import filtered_awards
from danvan.awards.services import import_awards
from danvan.cadres.models import Cadre
from danvan.core.audit import log_action
from danvan.core.imports import Sheet, mapping_reasons, read_sheet, sheet_summary
from danvan.core.jobs import JobContext, JobFailed, register
from danvan.lib.imports import Column, ImportSpec, declare
from danvan.lib.vntext import fold
from danvan.lib.xlsx import SpreadsheetError, parse_date, row_problem, write_xlsx
from danvan.organisations.models import Unit

MAX_REPORTED_ERRORS = 300
SAMPLE_ROWS = 20

# field → (label, other headings offices use)
COLUMNS: dict[str, tuple[object, list[str]]] = {
    "recipient": (
        gettext_lazy("Awarded to"),
        ["Họ và tên", "Họ tên", "Tập thể, cá nhân", "Tên tập thể, cá nhân", "Người được khen"],
    ),
    "file_number": (gettext_lazy("File number"), ["Số hồ sơ", "Mã cán bộ", "Số hồ sơ cán bộ"]),
    "unit": (gettext_lazy("Unit"), ["Đơn vị", "Đơn vị công tác", "Tập thể"]),
    "award": (
        gettext_lazy("Award"),
        ["Hình thức khen thưởng", "Danh hiệu", "Hình thức", "Danh hiệu thi đua"],
    ),
    "year": (gettext_lazy("Year"), ["Năm", "Năm khen thưởng"]),
    "number": (gettext_lazy("Decision number"), ["Số quyết định", "Số QĐ"]),
    "date": (gettext_lazy("Decision date"), ["Ngày quyết định", "Ngày ký", "Ngày QĐ"]),
    "issuer": (gettext_lazy("Issued by"), ["Cơ quan quyết định", "Cấp khen", "Người ký"]),
    "achievement": (gettext_lazy("Achievement"), ["Thành tích", "Nội dung khen"]),
}
REQUIRED_COLUMNS = ["recipient", "award", "number", "date", "issuer"]


class RowError(Exception):
    pass


@dataclass
class Lookups:
    """What rows are matched against, read once per job."""

    units: dict[str, list[Unit]]  # folded name or code → units of the user's scope
    issuers: dict[str, list[Unit]]  # folded name → any unit (decisions of closed bodies too)
    cadres_by_file: dict[str, int]
    cadres_by_name: dict[str, list[int]]
    awards: dict[str, str]  # folded name or code → award code

    @classmethod
    def for_user(cls, user) -> "Lookups":
        units: dict[str, list[Unit]] = {}
        for unit in Unit.objects.visible_to(user, perm="awards.nominate").only(
            "id", "name", "code", "path"
        ):
            units.setdefault(fold(unit.name), []).append(unit)
            if unit.code:
                units.setdefault(unit.code, []).append(unit)
        issuers: dict[str, list[Unit]] = {}
        for unit in Unit.objects.only("id", "name", "path", "branch", "kind"):
            issuers.setdefault(fold(unit.name), []).append(unit)
        cadres = Cadre.objects.visible_to(user, perm="awards.nominate")
        by_file = {
            f: pk for pk, f in cadres.exclude(external_id="").values_list("id", "external_id")
        }
        by_name: dict[str, list[int]] = {}
        for pk, name in cadres.values_list("id", "full_name"):
            by_name.setdefault(fold(name), []).append(pk)
        awards = {}
        for code, name in AwardType.objects.values_list("code", "name"):
            awards[fold(name)] = code
            awards[code] = code
        return cls(units, issuers, by_file, by_name, awards)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_row(
    values: Sequence[object], columns: Mapping[str, int], lookups: Lookups, facts=None
) -> dict:
    """One sheet row as an award to import; raise RowError saying what is wrong."""

    def cell(name: str) -> object:
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    if problem := row_problem(list(values)):
        raise RowError(problem)
    award_code = lookups.awards.get(fold(_text(cell("award"))))
    if award_code is None:
        raise RowError(_("“%(award)s” is not in the award catalogue.") % {"award": cell("award")})
    try:
        date = parse_date(cell("date"))
    except ValueError as exc:
        raise RowError(str(exc)) from exc
    if date is None:
        raise RowError(_("The decision date is missing."))
    number = _text(cell("number")).split("/")[0].split("-")[0]
    if not number.isdigit() or int(number) < 1:
        raise RowError(_("“%(number)s” is not a decision number.") % {"number": cell("number")})
    year_text = _text(cell("year"))
    year = int(year_text) if year_text.isdigit() else date.year
    recipient = _text(cell("recipient"))
    if not recipient:
        raise RowError(_("The person or collective awarded is missing."))
    file_number = _text(cell("file_number"))
    cadre_id = lookups.cadres_by_file.get(file_number) if file_number else None
    unit = None
    if cadre_id is None:
        named = lookups.cadres_by_name.get(fold(recipient), [])
        if len(named) == 1:
            cadre_id = named[0]
        elif len(named) > 1:
            raise RowError(
                _("Several cadres are named “%(name)s”: give the file number.")
                % {"name": recipient}
            )
    if cadre_id is None:
        found = lookups.units.get(fold(recipient)) or lookups.units.get(fold(_text(cell("unit"))))
        if not found:
            raise RowError(
                _("“%(name)s” is neither a cadre nor a unit of your scope.") % {"name": recipient}
            )
        if len(found) > 1:
            raise RowError(_("Several units are named “%(name)s”.") % {"name": recipient})
        unit = found[0]
    issuer_text = _text(cell("issuer"))
    issuers = lookups.issuers.get(fold(issuer_text), [])
    return {
        "award_code": award_code,
        "year": year,
        "number": int(number),
        "symbol": _text(cell("number")).partition("/")[2] or "QĐ",
        "date": date,
        "issuer": issuers[0] if len(issuers) == 1 else None,
        "issuer_name": issuer_text,
        "cadre_id": cadre_id,
        "unit": unit,
        "recipient": recipient,
        "achievement": _text(cell("achievement"))[:2000],
    }


SPEC = declare(
    ImportSpec(
        register="awards",
        columns=tuple(
            Column(code, label, required=code in REQUIRED_COLUMNS, synonyms=tuple(others))
            for code, (label, others) in COLUMNS.items()
        ),
        parse_row=parse_row,
    )
)


def open_sheet(path, params: Mapping | None = None) -> Sheet:
    """The sheet to import, planned: the user's sheet and choice of columns when given (the
    column-mapping step), else a choice remembered for the same headings."""
    params = params or {}
    try:
        return read_sheet(
            path, SPEC, sheet=params.get("sheet") or "", choice=params.get("mapping") or None
        )
    except SpreadsheetError as exc:
        raise JobFailed(exc.message) from exc


def checked_rows(
    path, user, progress=None, params: Mapping | None = None
) -> Iterator[tuple[int, dict | None, str]]:
    """(row number, parsed row or None, reason) for each data row of the sheet."""
    sheet = open_sheet(path, params)
    matching = sheet.plan.matching
    if not matching.complete:
        missing = matching.missing + list(matching.ambiguous)
        raise JobFailed(
            _("Missing columns: %(missing)s.")
            % {"missing": ", ".join(f"“{SPEC.label(code)}”" for code in missing)}
        )
    lookups = Lookups.for_user(user)
    try:
        for count, (number, values) in enumerate(sheet.rows, start=1):
            if progress and count % 500 == 0:
                progress(count)
            try:
                yield number, parse_row(values, matching.columns, lookups), ""
            except RowError as exc:
                yield number, None, str(exc)
    except SpreadsheetError as exc:
        raise JobFailed(exc.message) from exc


@register("awards.import_preview")
def preview_import(context: JobContext) -> dict:
    """Check every row and write nothing; a sheet whose columns are not all recognised
    stops at the column-mapping step."""
    params = context.job.params
    sheet = open_sheet(context.job.input_file.path, params)
    summary = sheet_summary(sheet, SPEC)
    reasons = mapping_reasons(SPEC, sheet, required_only=False)
    if reasons:
        return {
            **summary,
            "needs_mapping": True,
            "reasons": reasons,
            "message": _("Say which column is which before the rows are checked."),
        }
    valid = 0
    errors: list[tuple[int, str]] = []
    error_count = 0
    sample: list[dict] = []
    for number, row, reason in checked_rows(
        context.job.input_file.path, context.job.owner, context.progress, params
    ):
        if reason:
            error_count += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append((number, reason))
            continue
        assert row is not None
        valid += 1
        if len(sample) < SAMPLE_ROWS:
            sample.append(
                {
                    "number": number,
                    "recipient": row["recipient"],
                    "award": row["award_code"],
                    "decision": f"{row['number']}/{row['symbol']} {row['date']:%d/%m/%Y}",
                    "issuer": row["issuer"].name if row["issuer"] else row["issuer_name"],
                }
            )
    return {
        **summary,
        "needs_mapping": False,
        "valid": valid,
        "error_count": error_count,
        "errors": errors,
        "sample": sample,
        "message": _("%(valid)d rows can be imported, %(errors)d have errors.")
        % {"valid": valid, "errors": error_count},
    }


@register("awards.import")
def run_import(context: JobContext) -> dict:
    user = context.job.owner
    bad = 0

    def valid_rows():
        nonlocal bad
        for _number, row, reason in checked_rows(
            context.job.input_file.path, user, params=context.job.params
        ):
            if reason:
                bad += 1
            else:
                yield row

    with transaction.atomic():
        created, skipped = import_awards(actor=user, rows=valid_rows())
    return {
        "created": created,
        "skipped": skipped,
        "message": _(
            "%(created)d awards imported, %(skipped)d already there, %(bad)d rows with errors "
            "left out."
        )
        % {"created": created, "skipped": skipped, "bad": bad},
    }


# --- Export -----------------------------------------------------------------------------------

EXPORT_HEADERS = [
    gettext_lazy("Awarded to"),
    gettext_lazy("Award"),
    gettext_lazy("Year"),
    gettext_lazy("Decision number"),
    gettext_lazy("Decision date"),
    gettext_lazy("Issued by"),
    gettext_lazy("Achievement"),
    gettext_lazy("Money (đồng)"),
    gettext_lazy("Revoked on"),
]


def export_rows(queryset) -> Iterator[list]:
    names = dict(AwardType.objects.values_list("id", "name"))
    decisions: dict[int, tuple] = {}
    rows = queryset.order_by("id").values_list(
        "recipient_name",
        "award_type_id",
        "year",
        "decision_id",
        "achievement",
        "amount",
        "revoked_on",
    )
    for recipient, type_id, year, decision_id, achievement, amount, revoked in rows.iterator(
        chunk_size=2000
    ):
        if decision_id not in decisions:
            d = Decision.objects.only("number", "symbol", "date", "issuer_name").get(pk=decision_id)
            decisions[decision_id] = (f"{d.number:02d}/{d.symbol}", d.date, d.issuer_name)
        number, date, issuer = decisions[decision_id]
        yield [recipient, names[type_id], year, number, date, issuer, achievement, amount, revoked]


@register("awards.export")
def run_export(context: JobContext) -> dict:
    user = context.job.owner
    queryset = filtered_awards(user, context.job.params)
    total = queryset.count()
    if total == 0:
        raise JobFailed(_("The selection is empty: there is nothing to export."))
    context.progress(0, total)
    filename = f"khen-thuong-{timezone.localdate():%Y%m%d}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        written = write_xlsx(
            path,
            [str(h) for h in EXPORT_HEADERS],
            export_rows(queryset),
            sheet_title=_("Awards"),
        )
        with path.open("rb") as handle:
            context.job.output_file.save(filename, File(handle), save=False)
    type(context.job).objects.filter(pk=context.job.pk).update(
        output_file=context.job.output_file.name
    )
    context.progress(written, total)
    return {"rows": written, "message": _("%(n)d awards exported.") % {"n": written}}


# --- The eligibility run ----------------------------------------------------------------------


@register("awards.eligibility")
def run_eligibility_job(context: JobContext) -> dict:
    """Recompute a year's verdicts for the city, or for each unit the user decides for."""
    year = int(context.job.params.get("year") or timezone.localdate().year)
    unit_ids = context.job.params.get("units") or []
    started = time.monotonic()
    if unit_ids:
        results = [
            eligibility.run_eligibility(year, unit=unit)
            for unit in Unit.objects.filter(pk__in=unit_ids)
        ]
    else:
        results = [eligibility.run_eligibility(year)]
    cadres = sum(r.cadres for r in results)
    eligible = sum(r.eligible.get(eligibility.MEDAL_CODE, 0) for r in results)
    seconds = time.monotonic() - started
    log_action(
        actor=context.job.owner,
        action="awards.eligibility",
        obj=None,
        after={"year": year, "cadres": cadres, "eligible": eligible, "units": unit_ids},
    )
    return {
        "cadres": cadres,
        "message": _(
            "%(cadres)d cadres evaluated for %(year)d in %(seconds).1f s: %(eligible)d eligible "
            "for the medal."
        )
        % {"cadres": cadres, "year": year, "seconds": seconds, "eligible": eligible},
    }
