"""Import of legacy cadres (with their postings) and training through the shared import
pipeline, and the XLSX export of any filtered list of cadres, run as a background job.

Each register declares its columns and its row parser (`lib.imports.ImportSpec`);
`core.imports.read_sheet` finds the header below a title block and matches the offices'
headings. Units are resolved as written in their time (`organisations.resolve`), closed
districts and communes included. The rows are then written through the services, in one
transaction: all of them or none; a check runs the same way and rolls back.
"""

import dataclasses
import datetime
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from danvan.cadres import services
from danvan.cadres.forms import FilterForm
from danvan.cadres.models import Cadre, Posting, Sex, TrainingLevel, TrainingResult
from danvan.cadres.queries import filtered_cadres
from danvan.core.audit import log_action
from danvan.core.imports import mapping_reasons, read_sheet, sheet_summary
from danvan.core.jobs import JobContext, JobFailed, register
from danvan.lib.imports import Column, ImportSpec, declare
from danvan.lib.vntext import fold, search_key
from danvan.lib.xlsx import SpreadsheetError, parse_date, row_problem, template_workbook, write_xlsx
from danvan.organisations.forms import resolve_filters
from danvan.organisations.models import Unit
from danvan.organisations.resolve import UnitIndex, UnitNotResolved

MAX_ROWS = 20_000
MAX_PROBLEMS = 300
PROGRESS_EVERY = 500
EXPORT_BATCH = 2000

# field → (label, other headings)
CADRE_COLUMNS: dict[str, tuple[object, list[str]]] = {
    "external_id": (gettext_lazy("File number"), ["Số hồ sơ", "Mã cán bộ", "Số hiệu cán bộ"]),
    "full_name": (gettext_lazy("Full name"), ["Họ và tên", "Họ tên", "Tên cán bộ"]),
    "sex": (gettext_lazy("Sex"), ["Giới tính", "Nam/Nữ", "Nam, nữ"]),
    "birth_year": (gettext_lazy("Year of birth"), ["Năm sinh", "Ngày sinh", "Sinh năm"]),
    "phone": (gettext_lazy("Phone"), ["Điện thoại", "Số điện thoại", "SĐT"]),
    "unit": (
        gettext_lazy("Unit of the posting"),
        ["Đơn vị công tác", "Đơn vị", "Cơ quan, đơn vị", "Nơi công tác"],
    ),
    "district": (gettext_lazy("District of the unit"), ["Quận, huyện", "Quận huyện", "Huyện"]),
    "position": (gettext_lazy("Position"), ["Chức vụ", "Chức danh", "Chức vụ, chức danh"]),
    "start": (gettext_lazy("From"), ["Từ ngày", "Từ", "Thời gian bắt đầu", "Bắt đầu"]),
    "end": (gettext_lazy("To"), ["Đến ngày", "Đến", "Thời gian kết thúc", "Kết thúc"]),
    "is_danvan_post": (
        gettext_lazy("Dân vận post"),
        ["Làm công tác dân vận", "Công tác dân vận", "Dân vận"],
    ),
    "full_time": (gettext_lazy("Full-time"), ["Chuyên trách", "Chuyên trách, kiêm nhiệm"]),
    "is_manager": (gettext_lazy("Leading post"), ["Lãnh đạo", "Chức vụ lãnh đạo"]),
    "hardship_area": (
        gettext_lazy("Hardship area"),
        ["Vùng khó khăn", "Vùng đặc biệt khó khăn"],
    ),
    "retired_on": (gettext_lazy("Retired on"), ["Ngày nghỉ hưu", "Nghỉ hưu"]),
    "died_on": (gettext_lazy("Died on"), ["Ngày từ trần", "Ngày mất", "Từ trần"]),
}
CADRE_REQUIRED = ["full_name", "birth_year", "unit", "position", "start"]

TRAINING_COLUMNS: dict[str, tuple[object, list[str]]] = {
    "external_id": CADRE_COLUMNS["external_id"],
    "full_name": CADRE_COLUMNS["full_name"],
    "birth_year": CADRE_COLUMNS["birth_year"],
    "course": (gettext_lazy("Course"), ["Tên lớp", "Khóa học", "Tên khóa học", "Lớp"]),
    "organiser": (
        pgettext_lazy("training", "Organiser"),
        ["Cơ sở đào tạo", "Đơn vị tổ chức", "Nơi đào tạo", "Trường"],
    ),
    "level": (gettext_lazy("Level"), ["Trình độ", "Hệ đào tạo", "Cấp độ"]),
    "hours": (gettext_lazy("Hours"), ["Số tiết", "Thời lượng"]),
    "start": (gettext_lazy("From"), ["Từ ngày", "Thời gian bắt đầu", "Khai giảng"]),
    "end": (gettext_lazy("To"), ["Đến ngày", "Thời gian kết thúc", "Bế giảng"]),
    "result": (gettext_lazy("Result"), ["Kết quả", "Xếp loại"]),
    "certificate_number": (
        gettext_lazy("Certificate number"),
        ["Số chứng chỉ", "Số văn bằng", "Số bằng"],
    ),
    "certificate_date": (gettext_lazy("Certificate date"), ["Ngày cấp", "Ngày cấp chứng chỉ"]),
}
TRAINING_REQUIRED = ["full_name", "birth_year", "course", "organiser", "level", "start"]

YES = {"x", "co", "c", "yes", "y", "1", "true", "dung", "chuyen trach"}
NO = {"", "khong", "k", "no", "n", "0", "false", "kiem nhiem"}
SEX_WORDS = {"nam": Sex.MALE, "nu": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
LEVEL_WORDS = {
    "tap huan": TrainingLevel.WORKSHOP,
    "boi duong": TrainingLevel.REFRESHER,
    "so cap": TrainingLevel.ELEMENTARY,
    "trung cap": TrainingLevel.INTERMEDIATE,
    "cao cap": TrainingLevel.ADVANCED,
    "cu nhan": TrainingLevel.BACHELOR,
    "quan ly nha nuoc": TrainingLevel.STATE_MANAGEMENT,
}
RESULT_WORDS = {
    "xuat sac": TrainingResult.EXCELLENT,
    "gioi": TrainingResult.GOOD,
    "kha": TrainingResult.FAIR,
    "dat": TrainingResult.PASSED,
    "trung binh": TrainingResult.PASSED,
    "khong dat": TrainingResult.FAILED,
    "hoan thanh": TrainingResult.ATTENDED,
}


class RowError(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _flag(value: object, default: bool, label: str, reasons: list[str], *, given: bool) -> bool:
    """A yes/no cell: "x", "có"… or empty. A column the sheet has, left empty, says no; a
    column it lacks says the default."""
    text = fold(_text(value))
    if not text:
        return False if given else default
    if text in YES:
        return True
    if text in NO:
        return False
    reasons.append(
        _("“%(value)s” in “%(column)s” is neither yes (x) nor no.")
        % {"value": _text(value), "column": label}
    )
    return default


def _word(value: object, words: Mapping[str, str], choices, label: str, reasons: list[str]):
    """The code a cell names: a label, a code, or a word of the offices ("Trung cấp lý luận
    chính trị" names the intermediate level); the longest word found wins."""
    text = fold(_text(value))
    if not text:
        return ""
    known = {fold(str(name)): code for code, name in choices}
    known.update({code: code for code, _name in choices})
    known.update(words)
    if text in known:
        return known[text]
    for word, code in sorted(words.items(), key=lambda item: -len(item[0])):
        if word in text:
            return code
    reasons.append(
        _("“%(value)s” is not a known value of “%(column)s”.")
        % {"value": _text(value), "column": label}
    )
    return ""


def _date(value: object, label: str, reasons: list[str]) -> datetime.date | None:
    try:
        return parse_date(value, column=label, partial=True)
    except ValueError as exc:
        reasons.append(str(exc))
        return None


def _year(value: object, reasons: list[str]) -> int | None:
    if isinstance(value, datetime.date):
        return value.year
    text = _text(value)
    if text.isdigit() and len(text) == 4:
        return int(text)
    if not text:
        reasons.append(_("The year of birth is missing."))
        return None
    date = _date(value, str(CADRE_COLUMNS["birth_year"][0]), reasons)
    return date.year if date else None


@dataclasses.dataclass
class Lookups:
    """What every row's parser reads once: the units the importer may record postings at."""

    units: UnitIndex

    @classmethod
    def for_user(cls, user) -> "Lookups":
        today = timezone.localdate()
        scoped = Unit.objects.visible_to(user, perm="cadres.change").values("pk")
        return cls(
            UnitIndex.for_units(Unit.objects.filter(Q(pk__in=scoped) | Q(valid_to__lt=today)))
        )


def _cells(values: Sequence[object], columns: Mapping[str, int]):
    def cell(name: str) -> object:
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    return cell


def parse_cadre_row(values, columns, lookups: Lookups, facts=None) -> dict:
    """One row of a cadres sheet: the person and one posting."""
    cell = _cells(values, columns)
    reasons: list[str] = []
    if problem := row_problem(list(values)):
        raise RowError([problem])
    label = {code: str(label) for code, (label, _o) in CADRE_COLUMNS.items()}
    row = {
        "external_id": _text(cell("external_id")),
        "full_name": _text(cell("full_name")),
        "sex": _word(cell("sex"), SEX_WORDS, Sex.choices, label["sex"], reasons) or "",
        "birth_year": _year(cell("birth_year"), reasons),
        "phone": _text(cell("phone"))[:20],
        "position": _text(cell("position")),
        "start": _date(cell("start"), label["start"], reasons),
        "end": _date(cell("end"), label["end"], reasons),
        "is_danvan_post": _flag(
            cell("is_danvan_post"),
            True,
            label["is_danvan_post"],
            reasons,
            given="is_danvan_post" in columns,
        ),
        "full_time": _flag(
            cell("full_time"), True, label["full_time"], reasons, given="full_time" in columns
        ),
        "is_manager": _flag(
            cell("is_manager"), False, label["is_manager"], reasons, given="is_manager" in columns
        ),
        "hardship_area": _flag(
            cell("hardship_area"),
            False,
            label["hardship_area"],
            reasons,
            given="hardship_area" in columns,
        ),
        "retired_on": _date(cell("retired_on"), label["retired_on"], reasons),
        "died_on": _date(cell("died_on"), label["died_on"], reasons),
    }
    if not row["full_name"]:
        reasons.append(_("The full name is missing."))
    if not row["sex"]:
        reasons.append(_("The sex is missing (Nam or Nữ)."))
    if not row["position"]:
        reasons.append(_("The position is missing."))
    if row["start"] is None and not any(label["start"] in r for r in reasons):
        reasons.append(_("The start of the posting is missing."))
    unit_text = _text(cell("unit"))
    if not unit_text:
        reasons.append(_("The unit of the posting is missing."))
    elif isinstance(start := row["start"], datetime.date):
        try:
            known, _replaced = lookups.units.resolve(
                unit_text, on=start, district=_text(cell("district"))
            )
        except UnitNotResolved as exc:
            reasons.append(exc.message)
        else:
            row["unit"] = known.unit
    if reasons:
        raise RowError(reasons)
    return row


def parse_training_row(values, columns, lookups=None, facts=None) -> dict:
    """One row of a training sheet: the person and one course attended."""
    cell = _cells(values, columns)
    reasons: list[str] = []
    if problem := row_problem(list(values)):
        raise RowError([problem])
    label = {code: str(label) for code, (label, _o) in TRAINING_COLUMNS.items()}
    hours_text = _text(cell("hours"))
    row = {
        "external_id": _text(cell("external_id")),
        "full_name": _text(cell("full_name")),
        "birth_year": _year(cell("birth_year"), reasons),
        "course": _text(cell("course")),
        "organiser": _text(cell("organiser")),
        "level": _word(cell("level"), LEVEL_WORDS, TrainingLevel.choices, label["level"], reasons),
        "hours": int(hours_text) if hours_text.isdigit() else None,
        "start": _date(cell("start"), label["start"], reasons),
        "end": _date(cell("end"), label["end"], reasons),
        "result": _word(
            cell("result"), RESULT_WORDS, TrainingResult.choices, label["result"], reasons
        ),
        "certificate_number": _text(cell("certificate_number")),
        "certificate_date": _date(cell("certificate_date"), label["certificate_date"], reasons),
    }
    if hours_text and row["hours"] is None:
        reasons.append(_("“%(value)s” is not a number of hours.") % {"value": hours_text})
    for name, message in (
        ("full_name", _("The full name is missing.")),
        ("course", _("The name of the course is missing.")),
        ("organiser", _("The organiser is missing.")),
        ("level", _("The level is missing.")),
    ):
        if not row[name] and not any(label.get(name, "") in r for r in reasons):
            reasons.append(message)
    if row["start"] is None and not any(label["start"] in r for r in reasons):
        reasons.append(_("The start of the course is missing."))
    if reasons:
        raise RowError(reasons)
    return row


def _spec(register_name: str, columns: dict, required: list[str], parser) -> ImportSpec:
    return declare(
        ImportSpec(
            register=register_name,
            columns=tuple(
                Column(code, label, required=code in required, synonyms=tuple(others))
                for code, (label, others) in columns.items()
            ),
            parse_row=parser,
        )
    )


SPECS = {
    "cadres": _spec("cadres", CADRE_COLUMNS, CADRE_REQUIRED, parse_cadre_row),
    "training": _spec("cadre_training", TRAINING_COLUMNS, TRAINING_REQUIRED, parse_training_row),
}


@dataclasses.dataclass
class ImportResult:
    rows: int = 0
    cadres_created: int = 0
    cadres_matched: int = 0
    records: int = 0  # postings or trainings written
    skipped: int = 0  # already recorded
    problems: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)
    written: bool = False
    # The sheet as read (which sheet, its columns and what each was taken for), and why the
    # user must say which column is which before the rows are read (empty: no need).
    sheet: dict = dataclasses.field(default_factory=dict)
    mapping_reasons: list[str] = dataclasses.field(default_factory=list)

    @property
    def needs_mapping(self) -> bool:
        return bool(self.mapping_reasons)

    def for_job(self, kind: str) -> dict:
        """The result as a job keeps it (JSON), for the review page."""
        return {
            **self.sheet,
            "kind": kind,
            "rows": self.rows,
            "records": self.records,
            "skipped": self.skipped,
            "written": self.written,
            "needs_mapping": self.needs_mapping,
            "reasons": self.mapping_reasons,
            "problems": [list(p) for p in self.problems[:MAX_PROBLEMS]],
            "problem_count": len(self.problems),
            "summary": self.summary,
            "message": _("Say which column is which before the rows are checked.")
            if self.needs_mapping
            else _("Nothing was written: correct the rows below and try again.")
            if self.problems
            else self.summary,
        }

    @property
    def summary(self) -> str:
        return _(
            "%(rows)d rows: %(created)d new cadres, %(matched)d already known, %(records)d "
            "records added, %(skipped)d already recorded."
        ) % {
            "rows": self.rows,
            "created": self.cadres_created,
            "matched": self.cadres_matched,
            "records": self.records,
            "skipped": self.skipped,
        }


class _Rollback(Exception):
    """Undo a check, or an import with problems."""


def _person_key(row: dict) -> tuple:
    if row["external_id"]:
        return ("id", row["external_id"])
    return ("name", search_key(row["full_name"]), row["birth_year"])


class _People:
    """The cadres of the sheet: found among those the importer may change, else created."""

    def __init__(self, actor):
        self.actor = actor
        self.found: dict[tuple, Cadre] = {}
        self.created = 0
        self.matched = 0
        self.editable = Cadre.objects.visible_to(actor, perm="cadres.change")

    def find(self, row: dict) -> Cadre | None:
        key = _person_key(row)
        if key in self.found:
            return self.found[key]
        qs = self.editable
        if row["external_id"]:
            qs = qs.filter(external_id=row["external_id"])
        else:
            qs = qs.filter(search_text=search_key(row["full_name"]), birth_year=row["birth_year"])
        cadre = qs.first()
        if cadre is not None:
            self.found[key] = cadre
            self.matched += 1
        return cadre

    def create(self, rows: list[dict], record_unit: Unit) -> Cadre:
        first = rows[0]
        cadre = services.create_cadre(
            actor=self.actor,
            record_unit=record_unit,
            full_name=first["full_name"],
            sex=first["sex"],
            birth_year=first["birth_year"],
            phone=first.get("phone", ""),
            external_id=first["external_id"],
            retired_on=next((r["retired_on"] for r in rows if r.get("retired_on")), None),
            died_on=next((r["died_on"] for r in rows if r.get("died_on")), None),
        )
        self.found[_person_key(first)] = cadre
        self.created += 1
        return cadre


def _record_unit(rows: list[dict], actor, fallback: Unit | None) -> Unit | None:
    """The unit to keep a new cadre's file: the latest posting's unit when the importer may
    act there, else the top of the importer's scope."""
    for row in sorted(rows, key=lambda r: r["start"], reverse=True):
        unit = row["unit"]
        if actor is None or actor.has_perm("cadres.change", unit):
            return unit
    return fallback


def _write_cadres(parsed: list[tuple[int, dict]], actor, result: ImportResult) -> None:
    people = _People(actor)
    fallback = (
        Unit.objects.visible_to(actor, perm="cadres.change").order_by("depth", "path").first()
    )
    groups: dict[tuple, list[tuple[int, dict]]] = {}
    for line, row in parsed:
        groups.setdefault(_person_key(row), []).append((line, row))
    for rows in groups.values():
        line, first = rows[0]
        try:
            cadre = people.find(first)
            if cadre is None:
                unit = _record_unit([r for _l, r in rows], actor, fallback)
                if unit is None:
                    raise PermissionDenied(_("This unit is outside your scope."))
                cadre = people.create([r for _l, r in rows], unit)
        except (ValidationError, PermissionDenied) as exc:
            result.problems.append((line, first["full_name"], _message(exc)))
            continue
        existing = set(
            Posting.objects.filter(cadre=cadre).values_list("unit_id", "position_key", "start")
        )
        for line, row in sorted(rows, key=lambda item: item[1]["start"]):
            if (row["unit"].pk, fold(row["position"]), row["start"]) in existing:
                result.skipped += 1
                continue
            try:
                services.add_posting(
                    cadre,
                    actor=actor,
                    unit=row["unit"],
                    position=row["position"],
                    start=row["start"],
                    end=row["end"],
                    is_danvan_post=row["is_danvan_post"],
                    full_time=row["full_time"],
                    is_manager=row["is_manager"],
                    hardship_area=row["hardship_area"],
                )
            except (ValidationError, PermissionDenied) as exc:
                result.problems.append((line, row["full_name"], _message(exc)))
            else:
                result.records += 1
    result.cadres_created, result.cadres_matched = people.created, people.matched


def _write_training(parsed: list[tuple[int, dict]], actor, result: ImportResult) -> None:
    people = _People(actor)
    for line, row in parsed:
        cadre = people.find(row)
        if cadre is None:
            result.problems.append(
                (
                    line,
                    row["full_name"],
                    _(
                        "No cadre of your scope is named %(name)s, born %(year)s: import the "
                        "cadres first."
                    )
                    % {"name": row["full_name"], "year": row["birth_year"]},
                )
            )
            continue
        try:
            course = services.find_or_create_course(
                name=row["course"],
                organiser=row["organiser"],
                level=row["level"],
                start=row["start"],
                end=row["end"],
                hours=row["hours"],
            )
            if cadre.trainings.filter(course=course).exists():
                result.skipped += 1
                continue
            services.record_training(
                cadre,
                actor=actor,
                course=course,
                result=row["result"],
                certificate_number=row["certificate_number"],
                certificate_date=row["certificate_date"],
            )
        except (ValidationError, PermissionDenied) as exc:
            result.problems.append((line, row["full_name"], _message(exc)))
        else:
            result.records += 1
    result.cadres_matched = people.matched


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _missing_message(spec: ImportSpec, missing: Iterable[str], headings) -> str:
    found = [_text(h) for h in headings if _text(h)]
    return _(
        "Missing columns: %(missing)s. The headings found are: %(found)s. Rename the "
        "headings of the file, or ask an administrator to add them to the column headings."
    ) % {
        "missing": ", ".join(f"“{spec.label(code)}”" for code in missing),
        "found": ", ".join(f"“{h}”" for h in found) or "—",
    }


def import_sheet(
    source,
    *,
    kind: str,
    actor,
    write: bool,
    sheet_name: str = "",
    mapping: Mapping[str, str] | None = None,
    progress=None,
) -> ImportResult:
    """Read a sheet of cadres (with postings) or of training and write it through the
    services: every row or none. With write=False the same work is done and undone.

    The sheet is read by the shared pipeline (`core.imports.read_sheet`: the header below a
    title block, the offices' headings, a mapping remembered for the same headings); with
    ``mapping`` (column index → field) the user's choice replaces the matching. A sheet
    whose needed columns are not all known stops before its rows, with the columns listed
    for the mapping step."""
    spec = SPECS[kind]
    result = ImportResult()
    try:
        sheet = read_sheet(source, spec, sheet=sheet_name, choice=mapping or None)
    except SpreadsheetError as exc:
        result.problems.append((0, "", exc.message))
        return result
    result.sheet = sheet_summary(sheet, spec)
    matching = sheet.plan.matching
    result.mapping_reasons = mapping_reasons(spec, sheet)
    missing = matching.missing + [c for c in matching.ambiguous if c in spec.required]
    if missing:
        result.problems.append(
            (sheet.plan.header.row, "", _missing_message(spec, missing, sheet.plan.header.cells))
        )
        return result
    lookups = Lookups.for_user(actor) if kind == "cadres" else None
    parsed: list[tuple[int, dict]] = []
    for line, values in sheet.rows:
        if not any(_text(v) for v in values):
            continue
        result.rows += 1
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(result.rows)
        if result.rows > MAX_ROWS:
            result.problems.append(
                (line, "", _("The sheet has more than %(n)d rows: split it.") % {"n": MAX_ROWS})
            )
            return result
        try:
            parsed.append((line, spec.parse_row(values, matching.columns, lookups, None)))
        except RowError as exc:
            index = matching.columns["full_name"]
            name = _text(values[index]) if index < len(values) else ""
            result.problems.extend((line, name, reason) for reason in exc.reasons)
        if len(result.problems) > MAX_PROBLEMS:
            return result
    if result.problems:
        return result
    try:
        with transaction.atomic():
            if kind == "cadres":
                _write_cadres(parsed, actor, result)
            else:
                _write_training(parsed, actor, result)
            if result.problems or not write:
                raise _Rollback
            log_action(
                actor=actor,
                action="cadres.import",
                after={
                    "kind": kind,
                    "rows": result.rows,
                    "created": result.cadres_created,
                    "records": result.records,
                },
            )
            result.written = True
    except _Rollback:
        result.problems.sort()
    return result


def _run_job(context: JobContext, *, write: bool) -> dict:
    job = context.job
    params = job.params
    kind = params.get("kind")
    if kind not in SPECS:
        raise JobFailed(_("No import is declared under this name."))
    with job.input_file.open("rb") as source:
        result = import_sheet(
            source,
            kind=kind,
            actor=job.owner,
            write=write,
            sheet_name=params.get("sheet") or "",
            mapping=params.get("mapping") or None,
            progress=context.progress,
        )
    context.progress(result.rows, result.rows)
    return result.for_job(kind)


@register("cadres.import_preview")
def run_import_preview(context: JobContext) -> dict:
    """Check every row of the sheet, as the import would, and write nothing."""
    return _run_job(context, write=False)


@register("cadres.import")
def run_import(context: JobContext) -> dict:
    """Write the sheet the preview checked: every row or none."""
    return _run_job(context, write=True)


def template_bytes(kind: str) -> bytes:
    """An empty sheet with the headings of a register and one example row."""
    if kind == "cadres":
        example: list[object] = [
            "HN-DV-0001",
            "Nguyễn Thị Hoa",
            "Nữ",
            1968,
            "0912345678",
            "Phường Trúc Bạch",
            "Quận Ba Đình",
            "Trưởng khối Dân vận",
            "01/01/1998",
            "30/06/2025",
            "x",
            "x",
            "x",
            "",
            "",
            "",
        ]
        columns = CADRE_COLUMNS
    else:
        example = [
            "HN-DV-0001",
            "Nguyễn Thị Hoa",
            1968,
            "Trung cấp lý luận chính trị - hành chính",
            "Trường Chính trị Tô Hiệu",
            "Trung cấp",
            480,
            "01/03/2010",
            "30/12/2010",
            "Khá",
            "TC-2010-0153",
            "30/12/2010",
        ]
        columns = TRAINING_COLUMNS
    return template_workbook([str(label) for label, _o in columns.values()], example)


# --- Export -----------------------------------------------------------------------------------

EXPORT_HEADERS = [
    gettext_lazy("File number"),
    gettext_lazy("Full name"),
    gettext_lazy("Sex"),
    gettext_lazy("Year of birth"),
    gettext_lazy("Phone"),
    gettext_lazy("Current posts"),
    gettext_lazy("Dân vận years"),
    gettext_lazy("Unit keeping the file"),
    gettext_lazy("Retired on"),
    gettext_lazy("Died on"),
]


def export_rows(queryset, *, on: datetime.date) -> Iterable[list]:
    """One row per cadre, never the sensitive data: posts now and years in dân vận posts,
    read batch by batch (a cadre's postings with the batch's one query)."""
    sexes = {value: str(label) for value, label in Sex.choices}
    units = dict(Unit.objects.values_list("id", "name"))
    ids = list(queryset.order_by("search_text", "id").values_list("id", flat=True))
    for offset in range(0, len(ids), EXPORT_BATCH):
        batch = ids[offset : offset + EXPORT_BATCH]
        cadres = {c.pk: c for c in Cadre.objects.filter(pk__in=batch)}
        postings: dict[int, list[Posting]] = {}
        for posting in Posting.objects.filter(cadre_id__in=batch).order_by("start", "id"):
            postings.setdefault(posting.cadre_id, []).append(posting)
        for pk in batch:
            cadre = cadres[pk]
            held = postings.get(pk, [])
            current = [p for p in held if p.is_current(on)]
            days = sum(
                ((min(p.end or on, on) - p.start).days + 1)
                for p in held
                if p.is_danvan_post and p.start <= on
            )
            yield [
                cadre.external_id,
                cadre.full_name,
                sexes.get(cadre.sex, ""),
                cadre.birth_year,
                cadre.phone,
                "; ".join(f"{p.position}, {units.get(p.unit_id, '')}" for p in current),
                round(days / 365.25, 1),
                units.get(cadre.record_unit_id, ""),
                cadre.retired_on,
                cadre.died_on,
            ]


@register("cadres.export")
def run_export(context: JobContext) -> dict:
    user = context.job.owner
    try:
        _form, params, _unit = resolve_filters(FilterForm, user, context.job.params)
    except Http404 as exc:
        raise JobFailed(_("This unit is outside your scope.")) from exc
    queryset = filtered_cadres(user, params)
    total = queryset.count()
    if total == 0:
        raise JobFailed(_("The selection is empty: there is nothing to export."))
    context.progress(0, total)
    today = timezone.localdate()

    def counted():
        for n, row in enumerate(export_rows(queryset, on=today), start=1):
            if n % EXPORT_BATCH == 0:
                context.progress(n)
            yield row

    filename = f"can-bo-dan-van-{today:%Y%m%d}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        written = write_xlsx(
            path, [str(h) for h in EXPORT_HEADERS], counted(), sheet_title=_("Cadres")
        )
        with path.open("rb") as handle:
            context.job.output_file.save(filename, File(handle), save=False)
    type(context.job).objects.filter(pk=context.job.pk).update(
        output_file=context.job.output_file.name
    )
    context.progress(written, total)
    return {
        "rows": written,
        "filename": filename,
        "message": _("%(n)d cadres exported.") % {"n": written},
    }
