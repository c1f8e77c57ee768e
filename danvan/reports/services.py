"""Periodic reports: open a period, fill, submit, return or accept; completeness, roll-up and
reminders. Views, the admin, the command and the tests all call these.

A report's `values` maps each field code of its template to a value of the field's type:
a number is kept as a decimal string ("12", "66.7"), a text as a string, a table as a list
of rows, each a dict from column code to text.
"""

import dataclasses
import datetime
import math
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.accounts.models import RoleAssignment
from danvan.accounts.rules import roles_for
from danvan.core.audit import log_action, snapshot
from danvan.lib.actions import register_action_labels
from danvan.lib.metrics import METRICS, compute
from danvan.lib.workdays import add_months
from danvan.notices import services as notices
from danvan.notices.models import NotificationKind
from danvan.organisations.models import Unit, UnitKind
from danvan.reports.models import Report, ReportTemplate

Status = Report.Status
Frequency = ReportTemplate.Frequency


TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.RETURNED, Status.ACCEPTED},
    Status.RETURNED: {Status.SUBMITTED},
    Status.ACCEPTED: set(),  # final: accepted figures roll up and never move again
}
EDITABLE = (Status.DRAFT, Status.RETURNED)
SUBMITTED = (Status.SUBMITTED, Status.ACCEPTED)

FIELD_TYPES = ("number", "text", "table")
MONTHS_OF: dict[str, int] = {  # looked up with the stored string
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.ANNUAL: 12,
}
MAX_TEXT = 5000
MAX_CELL = 1000
MAX_ROWS = 500
MAX_NUMBER = Decimal("999999999999")
MAX_DECIMALS = 2

register_action_labels(
    {
        "reports.open": gettext_lazy("Report period opened"),
        "reports.save": gettext_lazy("Report draft saved"),
        "reports.refresh": gettext_lazy("Report figures recomputed"),
        "reports.submit": gettext_lazy("Report submitted"),
        "reports.return": gettext_lazy("Report returned for correction"),
        "reports.accept": gettext_lazy("Report accepted"),
        "reports.remind": gettext_lazy("Late report reminded"),
        "reports.export": gettext_lazy("Reports exported"),
    }
)


# --- Template fields ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One field of a template, as checked from its JSON definition."""

    code: str
    label: str
    type: str
    metric: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # (code, label) of a table's columns

    @property
    def column_codes(self) -> list[str]:
        return [code for code, _label in self.columns]

    @property
    def column_labels(self) -> list[str]:
        return [label for _code, label in self.columns]


def check_template_fields(definition) -> list[FieldSpec]:
    """Return the fields of a template definition; raise ValidationError naming every fault."""
    if not isinstance(definition, list):
        raise ValidationError(_("The fields must be a list."), code="fields")
    errors: list[str] = []
    specs: list[FieldSpec] = []
    seen: set[str] = set()
    for position, item in enumerate(definition, start=1):
        if not isinstance(item, dict):
            errors.append(_("Field %(n)d is not an object.") % {"n": position})
            continue
        code = str(item.get("code") or "").strip()
        label = str(item.get("label") or code).strip()
        kind = item.get("type")
        metric = str(item.get("metric") or "").strip()
        if not code:
            errors.append(_("Field %(n)d has no code.") % {"n": position})
            continue
        if code in seen:
            errors.append(_("The code “%(code)s” is used twice.") % {"code": code})
        seen.add(code)
        if kind not in FIELD_TYPES:
            errors.append(
                _("The field “%(code)s” has the unknown type “%(type)s”.")
                % {"code": code, "type": kind}
            )
            continue
        if metric and metric not in METRICS:
            errors.append(
                _("The field “%(code)s” names the metric “%(metric)s”, which is unknown.")
                % {"code": code, "metric": metric}
            )
        elif metric and kind != "number":
            errors.append(
                _("Only a number field can be filled from a metric (“%(code)s”).") % {"code": code}
            )
        columns: list[tuple[str, str]] = []
        if kind == "table":
            raw_columns = item.get("columns")
            if not isinstance(raw_columns, list) or not raw_columns:
                errors.append(_("The table “%(code)s” declares no columns.") % {"code": code})
                continue
            for column in raw_columns:
                if isinstance(column, dict):
                    column_code = str(column.get("code") or "").strip()
                    column_label = str(column.get("label") or column_code).strip()
                else:
                    column_code = column_label = str(column).strip()
                if not column_code or column_code in dict(columns):
                    errors.append(
                        _("The table “%(code)s” has an empty or repeated column.") % {"code": code}
                    )
                    break
                columns.append((column_code, column_label))
        specs.append(FieldSpec(code, label, kind, metric, tuple(columns)))
    if errors:
        raise ValidationError(errors, code="fields")
    return specs


def template_fields(template: ReportTemplate) -> list[FieldSpec]:
    return check_template_fields(template.fields)


# --- Periods -----------------------------------------------------------------------------


def period_bounds(frequency: str, start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return (first day, last day) of the period opening on `start`; refuse a misaligned start."""
    months = MONTHS_OF[frequency]
    if start.day != 1 or (start.month - 1) % months:
        raise ValidationError(
            _("A %(frequency)s period cannot start on %(date)s.")
            % {
                "frequency": Frequency(frequency).label.lower(),
                "date": start.strftime("%d/%m/%Y"),
            },
            code="period",
        )
    return start, add_months(start, months) - datetime.timedelta(days=1)


def period_label(frequency: str, start: datetime.date) -> str:
    """Return the period as people name it: "3/2026", "Quarter I/2026", "Year 2026"."""
    if frequency == Frequency.MONTHLY:
        return _("Month %(month)d/%(year)d") % {"month": start.month, "year": start.year}
    if frequency == Frequency.QUARTERLY:
        roman = ("I", "II", "III", "IV")[(start.month - 1) // 3]
        return _("Quarter %(quarter)s/%(year)d") % {"quarter": roman, "year": start.year}
    if frequency == Frequency.HALF_YEARLY:
        if start.month == 1:
            return _("First half of %(year)d") % {"year": start.year}
        return _("Second half of %(year)d") % {"year": start.year}
    return _("Year %(year)d") % {"year": start.year}


# --- Values ------------------------------------------------------------------------------


def parse_number(raw) -> Decimal | None:
    """Return the decimal a value holds, None when blank; raise ValueError otherwise.

    Accepts numbers and text with a decimal point or a decimal comma ("12,5"); with both,
    the point groups thousands as Vietnamese writes them ("1.234,5").
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError(raw)
        number = Decimal(str(raw))
    elif isinstance(raw, str):
        text = raw.strip().replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        if not all(ch.isdigit() or ch in ".-+" for ch in text):
            raise ValueError(raw)
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(raw) from exc
    else:
        raise ValueError(raw)
    if not number.is_finite():
        raise ValueError(raw)
    return number


def number_text(number: Decimal) -> str:
    """Return a decimal as stored in `values`: plain digits, no exponent, no trailing zeros."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _clean_number(spec: FieldSpec, raw) -> str | None:
    try:
        number = parse_number(raw)
    except ValueError:
        raise ValidationError(
            _("“%(label)s” must be a number of zero or more; “%(value)s” is not.")
            % {"label": spec.label, "value": raw},
            code="number",
        ) from None
    if number is None:
        return None
    if number < 0:
        raise ValidationError(
            _("“%(label)s” cannot be negative.") % {"label": spec.label}, code="negative"
        )
    if number > MAX_NUMBER:
        raise ValidationError(
            _("“%(label)s” is too large.") % {"label": spec.label}, code="too_large"
        )
    if -number.as_tuple().exponent > MAX_DECIMALS:  # type: ignore[operator]
        raise ValidationError(
            _("“%(label)s” may have at most %(n)d decimal places.")
            % {"label": spec.label, "n": MAX_DECIMALS},
            code="decimals",
        )
    return number_text(number)


def _clean_text(spec: FieldSpec, raw) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(_("“%(label)s” must be text.") % {"label": spec.label}, code="text")
    text = raw.strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("“%(label)s” is longer than %(max)d characters.")
            % {"label": spec.label, "max": MAX_TEXT},
            code="too_long",
        )
    return text


def _clean_cell(spec: FieldSpec, raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise ValidationError(
            _("A cell of the table “%(label)s” holds something other than text or a number.")
            % {"label": spec.label},
            code="cell",
        )
    text = raw.strip() if isinstance(raw, str) else str(raw)
    if len(text) > MAX_CELL:
        raise ValidationError(
            _("A cell of the table “%(label)s” is longer than %(max)d characters.")
            % {"label": spec.label, "max": MAX_CELL},
            code="too_long",
        )
    return text


def _clean_table(spec: FieldSpec, raw) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        raise ValidationError(
            _("“%(label)s” must be a table: a list of rows.") % {"label": spec.label},
            code="table",
        )
    codes = spec.column_codes
    rows: list[dict[str, str]] = []
    for row in raw:
        if isinstance(row, dict):
            unknown = [key for key in row if key not in codes]
            if unknown:
                raise ValidationError(
                    _("The table “%(label)s” has no column “%(column)s”.")
                    % {"label": spec.label, "column": unknown[0]},
                    code="column",
                )
            cells = {code: _clean_cell(spec, row.get(code)) for code in codes}
        elif isinstance(row, list | tuple):
            if len(row) > len(codes):
                raise ValidationError(
                    _(
                        "A row of the table “%(label)s” has %(n)d cells; "
                        "the table has %(columns)d columns."
                    )
                    % {"label": spec.label, "n": len(row), "columns": len(codes)},
                    code="column",
                )
            padded = list(row) + [None] * (len(codes) - len(row))
            cells = {
                code: _clean_cell(spec, cell) for code, cell in zip(codes, padded, strict=True)
            }
        else:
            raise ValidationError(
                _("“%(label)s” must be a table: a list of rows.") % {"label": spec.label},
                code="table",
            )
        if any(cells.values()):
            rows.append(cells)
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("The table “%(label)s” has more than %(max)d rows.")
            % {"label": spec.label, "max": MAX_ROWS},
            code="too_many_rows",
        )
    return rows


CLEANERS = {"number": _clean_number, "text": _clean_text, "table": _clean_table}


def clean_values(template: ReportTemplate, values) -> dict:
    """Return values checked against the template's field types; raise listing every fault."""
    if not isinstance(values, dict):
        raise ValidationError(_("The values of a report must be given by field."), code="values")
    specs = {spec.code: spec for spec in template_fields(template)}
    errors: list[str] = []
    cleaned = {}
    for code, raw in values.items():
        spec = specs.get(code)
        if spec is None:
            errors.append(_("The template has no field “%(code)s”.") % {"code": code})
            continue
        try:
            cleaned[code] = CLEANERS[spec.type](spec, raw)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors, code="values")
    return cleaned


def _merged(current: dict, cleaned: dict) -> dict:
    """Return the stored values with the cleaned ones laid over; a blank number is dropped."""
    values = dict(current)
    for code, value in cleaned.items():
        if value is None:
            values.pop(code, None)
        else:
            values[code] = value
    return values


def metric_values(specs: list[FieldSpec], unit: Unit, start, end) -> dict[str, str]:
    """Return the live figure of each number field that names a metric (blank ones left out)."""
    values = {}
    for spec in specs:
        if spec.type == "number" and spec.metric:
            figure = compute(spec.metric, unit, start, end)
            if figure is not None:
                values[spec.code] = number_text(Decimal(str(figure)))
    return values


# --- Checks shared by the services -------------------------------------------------------


def _require_perm(actor, perm: str, unit: Unit) -> None:
    """Refuse an actor without the named permission (reports/rules.py) on the unit; None is
    the system."""
    if actor is not None and not actor.has_perm(perm, unit):
        raise PermissionDenied(_("This unit is outside your scope."))


def can_edit(user, report: Report) -> bool:
    return user.has_perm("reports.edit", report.unit)


def can_review(user, template: ReportTemplate) -> bool:
    """Whether the user acts for the unit that asked for the report (its parent)."""
    return user.has_perm("reports.review", template.owner)


def _lock(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("template__owner", "unit")
        .get(pk=report.pk)
    )


FINAL_MESSAGE = gettext_lazy(
    "This report was accepted: it is final and can no longer be changed or submitted."
)


def _check_move(report: Report, to: str) -> None:
    if to in TRANSITIONS[report.status]:
        return
    if report.status == Status.ACCEPTED:
        raise ValidationError(str(FINAL_MESSAGE), code="final")
    if report.status == to == Status.SUBMITTED:
        raise ValidationError(_("This report was already submitted."), code="submitted")
    raise ValidationError(
        _("A report that is “%(current)s” cannot become “%(next)s”.")
        % {"current": report.get_status_display(), "next": Status(to).label},
        code="transition",
    )


def _check_editable(report: Report) -> None:
    if report.status in EDITABLE:
        return
    if report.status == Status.ACCEPTED:
        raise ValidationError(str(FINAL_MESSAGE), code="final")
    raise ValidationError(
        _(
            "This report was submitted and waits for review: it can change again only "
            "once it is returned for correction."
        ),
        code="submitted",
    )


def _audit(report: Report, *, actor, action: str, before: dict, note: str = "") -> None:
    after = snapshot(report, ["status", "values", "review_note"])
    if note:
        after["note"] = note
    log_action(actor=actor, action=action, obj=report, unit=report.unit, before=before, after=after)


def _unit_emails(unit: Unit) -> list[str]:
    """Addresses of the people who fill the unit's reports (who hold "reports.edit" there)."""
    return sorted(
        set(
            RoleAssignment.objects.active()
            .filter(unit=unit, role__in=roles_for("reports.edit"), user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _unit_editors(unit: Unit) -> list:
    """The people who fill the unit's reports (who hold "reports.edit" there)."""
    holders = RoleAssignment.objects.active().filter(
        unit=unit, role__in=roles_for("reports.edit"), user__is_active=True
    )
    return list(get_user_model().objects.filter(pk__in=holders.values("user")).order_by("pk"))


def _notify_unit(unit: Unit, subject: str, message: str) -> None:
    recipients = _unit_emails(unit)
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_mail(
            subject=subject,
            message=message,
            from_email=None,
            recipient_list=recipients,
            fail_silently=True,
        )
    )


def describe(report: Report) -> str:
    """Return "<template> — <unit>, <period>" for messages and mail."""
    return _("“%(template)s” of %(unit)s for %(period)s") % {
        "template": report.template.name,
        "unit": report.unit.name,
        "period": period_label(report.template.frequency, report.period_start),
    }


# --- Services ----------------------------------------------------------------------------


@transaction.atomic
def open_period(
    *, actor, template: ReportTemplate, period_start: datetime.date, units=None
) -> list[Report]:
    """Ask each target unit for its report of one period, pre-filled from live figures.

    The targets are the communes and wards directly under the template's owner, unless
    `units` names others (each below the owner). Units already asked are left as they are,
    so opening a period again only adds units created since.
    """
    owner = template.owner
    _require_perm(actor, "reports.review", owner)
    if not template.is_active:
        raise ValidationError(_("This report template is no longer in use."), code="inactive")
    start, end = period_bounds(template.frequency, period_start)
    specs = template_fields(template)
    if units is None:
        units = list(Unit.objects.current().filter(parent=owner, kind=UnitKind.COMMUNE))
    else:
        units = list(units)
        outside = [u for u in units if not u.is_descendant_of(owner, include_self=False)]
        if outside:
            raise ValidationError(
                _("%(unit)s is not below %(owner)s.") % {"unit": outside[0], "owner": owner},
                code="outside",
            )
    if not units:
        raise ValidationError(
            _("No unit is to report: %(owner)s has no commune or ward below it.")
            % {"owner": owner},
            code="no_units",
        )
    asked = set(
        Report.objects.filter(template=template, period_start=start, unit__in=units).values_list(
            "unit_id", flat=True
        )
    )
    due = end + datetime.timedelta(days=template.due_days)
    created = [
        Report.objects.create(
            template=template,
            unit=unit,
            period_start=start,
            period_end=end,
            due_date=due,
            values=metric_values(specs, unit, start, end),
        )
        for unit in units
        if unit.pk not in asked
    ]
    log_action(
        actor=actor,
        action="reports.open",
        obj=template,
        unit=owner,
        after={"period_start": start.isoformat(), "units": [r.unit_id for r in created]},
    )
    return created


@transaction.atomic
def save_draft(*, actor, report: Report, values: dict) -> Report:
    """Save some or all of a report's values, checked against the template's types."""
    report = _lock(report)
    _require_perm(actor, "reports.edit", report.unit)
    _check_editable(report)
    cleaned = clean_values(report.template, values)
    before = snapshot(report, ["status", "values", "review_note"])
    report.values = _merged(report.values, cleaned)
    report.save(update_fields=["values"])
    _audit(report, actor=actor, action="reports.save", before=before)
    return report


@transaction.atomic
def refresh_figures(*, actor, report: Report) -> Report:
    """Fill the number fields that name a metric again with today's live figures."""
    report = _lock(report)
    _require_perm(actor, "reports.edit", report.unit)
    _check_editable(report)
    before = snapshot(report, ["status", "values", "review_note"])
    specs = template_fields(report.template)
    report.values = {
        **report.values,
        **metric_values(specs, report.unit, report.period_start, report.period_end),
    }
    report.save(update_fields=["values"])
    _audit(report, actor=actor, action="reports.refresh", before=before)
    return report


@transaction.atomic
def submit_report(*, actor, report: Report, values: dict | None = None) -> Report:
    """Send the report to the parent unit, saving `values` first when given; all or nothing."""
    report = _lock(report)
    _require_perm(actor, "reports.edit", report.unit)
    _check_move(report, Status.SUBMITTED)
    before = snapshot(report, ["status", "values", "review_note"])
    merged = report.values
    if values is not None:
        merged = _merged(merged, clean_values(report.template, values))
    # Check the stored values too: the template may have changed since they were saved.
    merged = _merged({}, clean_values(report.template, merged))
    blank = [
        spec.label
        for spec in template_fields(report.template)
        if spec.type == "number" and merged.get(spec.code) in (None, "")
    ]
    if blank:
        raise ValidationError(
            _("Fill in every figure before submitting: %(fields)s.") % {"fields": ", ".join(blank)},
            code="blank",
        )
    report.values = merged
    report.status = Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["values", "status", "submitted_at"])
    _audit(report, actor=actor, action="reports.submit", before=before)
    return report


@transaction.atomic
def return_report(*, actor, report: Report, note: str) -> Report:
    """Send a submitted report back to its unit for correction, saying what to correct."""
    report = _lock(report)
    _require_perm(actor, "reports.review", report.template.owner)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say what needs correcting."), code="note")
    _check_move(report, Status.RETURNED)
    before = snapshot(report, ["status", "values", "review_note"])
    report.status = Status.RETURNED
    report.reviewed_at = timezone.now()
    report.review_note = note
    report.save(update_fields=["status", "reviewed_at", "review_note"])
    _audit(report, actor=actor, action="reports.return", before=before, note=note)
    # The unit's editors hear of it in their notification centre (and by e-mail, as they chose).
    notices.notify(
        _unit_editors(report.unit),
        kind=NotificationKind.REPORT_RETURNED,
        key=f"report:{report.pk}:{report.reviewed_at:%Y%m%d%H%M%S%f}",
        subject=_("Report returned for correction: %(report)s") % {"report": describe(report)},
        text=note,
        url=reverse("reports:report", args=[report.pk]),
    )
    return report


@transaction.atomic
def accept_report(*, actor, report: Report, note: str = "") -> Report:
    """Accept a submitted report: its figures count in the roll-up and it is final."""
    report = _lock(report)
    _require_perm(actor, "reports.review", report.template.owner)
    _check_move(report, Status.ACCEPTED)
    before = snapshot(report, ["status", "values", "review_note"])
    report.status = Status.ACCEPTED
    report.reviewed_at = timezone.now()
    report.review_note = (note or "").strip()
    report.save(update_fields=["status", "reviewed_at", "review_note"])
    _audit(report, actor=actor, action="reports.accept", before=before, note=report.review_note)
    return report


# --- Reads: completeness and roll-up -----------------------------------------------------


def period_reports(template: ReportTemplate, period_start: datetime.date):
    return (
        Report.objects.filter(template=template, period_start=period_start)
        .select_related("unit")
        .order_by("unit__path")
    )


@dataclasses.dataclass
class Completeness:
    """Who has submitted a period's report, who is late, who has not yet."""

    submitted: list[Report]  # submitted or accepted
    late: list[Report]  # past the due date and not submitted
    missing: list[Report]  # not submitted, still within the due date

    @property
    def total(self) -> int:
        return len(self.submitted) + len(self.late) + len(self.missing)


def completeness(
    template: ReportTemplate, period_start: datetime.date, *, today: datetime.date | None = None
) -> Completeness:
    """Split a period's reports by where they stand on `today` (one query)."""
    today = today or timezone.localdate()
    result = Completeness([], [], [])
    for report in period_reports(template, period_start):
        if report.status in SUBMITTED:
            result.submitted.append(report)
        elif report.due_date < today:
            result.late.append(report)
        else:
            result.missing.append(report)
    return result


@dataclasses.dataclass
class Aggregate:
    """The sum of the number fields over a period's reports."""

    fields: list[FieldSpec]  # the number fields, in template order
    totals: dict[str, Decimal]
    reports: list[Report]

    @property
    def count(self) -> int:
        return len(self.reports)

    def rows(self) -> list[tuple[FieldSpec, Decimal]]:
        return [(spec, self.totals[spec.code]) for spec in self.fields]

    def unit_rows(self) -> list[tuple[Report, list[Decimal | None]]]:
        """Each report with its figures, in the order of `fields`."""
        return [
            (report, [report_figure(report, spec) for spec in self.fields])
            for report in self.reports
        ]


def report_figure(report: Report, spec: FieldSpec) -> Decimal | None:
    raw = report.values.get(spec.code)
    try:
        return parse_number(raw)
    except ValueError:
        return None


def aggregate(
    template: ReportTemplate, period_start: datetime.date, *, accepted_only: bool = True
) -> Aggregate:
    """Sum the number fields of the period's accepted (or all submitted) reports."""
    statuses = (Status.ACCEPTED,) if accepted_only else SUBMITTED
    reports = list(period_reports(template, period_start).filter(status__in=statuses))
    fields = [spec for spec in template_fields(template) if spec.type == "number"]
    totals = {spec.code: Decimal(0) for spec in fields}
    for report in reports:
        for spec in fields:
            totals[spec.code] += report_figure(report, spec) or 0
    return Aggregate(fields, totals, reports)


# --- Reminders ---------------------------------------------------------------------------


def late_reports(now: datetime.datetime | None = None):
    """Reports past their due date, not submitted and not yet reminded."""
    today = timezone.localdate(now or timezone.now())
    return Report.objects.filter(
        status__in=EDITABLE,
        due_date__lt=today,
        reminded_at__isnull=True,
        template__is_active=True,
    )


def remind_late(now: datetime.datetime | None = None) -> int:
    """Mark each late report and mail its unit, once; safe to run twice at the same time."""
    now = now or timezone.now()
    sent = 0
    for report_id in list(late_reports(now).values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            claimed = Report.objects.filter(
                pk=report_id, reminded_at__isnull=True, status__in=EDITABLE
            ).update(reminded_at=now)
            if not claimed:
                continue
            report = Report.objects.select_related("template", "unit").get(pk=report_id)
            log_action(
                actor=None,
                action="reports.remind",
                obj=report,
                unit=report.unit,
                after={"reminded_at": now.isoformat()},
            )
            subject = _("Late report: %(report)s") % {"report": describe(report)}
            message = _("The report %(report)s was due on %(due)s and has not been submitted.") % {
                "report": describe(report),
                "due": date_format(report.due_date, "SHORT_DATE_FORMAT"),
            }
            _notify_unit(report.unit, subject, message)
            sent += 1
    return sent
