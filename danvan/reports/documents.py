"""Periodic reports as official documents (NĐ 30/2020; HD 36 for a Party issuer) and workbooks.

A unit's report, or the roll-up of a period, becomes an `OfficialDocument` titled "BÁO CÁO"
and is printed by `lib.documents`; the same figures go to XLSX with `lib.xlsx.write_xlsx`.
The documents are Vietnamese administrative texts whatever the reader's language, like the
registry's decisions: their set phrases are fixed Vietnamese, not interface messages.
"""

import dataclasses
import datetime
import io
import unicodedata
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core.audit import log_action
from danvan.core.jobs import JobContext, JobFailed, register
from danvan.lib.documents import BodyItem, OfficialDocument, render_docx, render_pdf
from danvan.lib.vntext import fold
from danvan.lib.xlsx import write_xlsx
from danvan.organisations.kinds import TERRITORIAL
from danvan.organisations.models import Branch, Unit, UnitKind
from danvan.reports.models import Report, ReportTemplate
from danvan.reports.services import (
    Aggregate,
    FieldSpec,
    aggregate,
    parse_number,
    period_label,
    report_figure,
    template_fields,
)

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)
PLACE_PREFIXES = ("Thành phố ", "Tỉnh ")
KIND_TITLE = "BÁO CÁO"
STATE_SIGNER = "THỦ TRƯỞNG ĐƠN VỊ"
PARTY_SIGNER = "T/M BAN THƯỜNG VỤ"
PROGRESS_EVERY = 50


@dataclasses.dataclass(kw_only=True)
class Signing:
    """What the person exporting says about the document: its number, date and signer."""

    number: int = 1
    date: datetime.date | None = None  # today when not given
    symbol: str = ""  # "BC-PBĐ" / "BC/ĐU" derived from the issuer when empty
    signer_title: str = ""
    signer_name: str = ""

    def as_params(self) -> dict:
        params = dataclasses.asdict(self)
        params["date"] = self.date.isoformat() if self.date else None
        return params

    @classmethod
    def from_params(cls, params: dict) -> "Signing":
        date = params.get("date")
        return cls(
            number=int(params.get("number") or 1),
            date=datetime.date.fromisoformat(date) if date else None,
            symbol=params.get("symbol") or "",
            signer_title=params.get("signer_title") or "",
            signer_name=params.get("signer_name") or "",
        )


def figure(value: Decimal | None) -> str:
    """Return a figure as Vietnamese prints it: "1.234", "66,7"; blank stays blank."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value != value.to_integral() else str(int(value))
    whole, _sep, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if fraction else grouped


def period_phrase(frequency: str, start: datetime.date) -> str:
    """Return "tháng 3 năm 2026", "quý I năm 2026", "6 tháng đầu năm 2026" or "năm 2026"."""
    if frequency == ReportTemplate.Frequency.MONTHLY:
        return f"tháng {start.month} năm {start.year}"
    if frequency == ReportTemplate.Frequency.QUARTERLY:
        return f"quý {('I', 'II', 'III', 'IV')[(start.month - 1) // 3]} năm {start.year}"
    if frequency == ReportTemplate.Frequency.HALF_YEARLY:
        half = "đầu" if start.month == 1 else "cuối"
        return f"6 tháng {half} năm {start.year}"
    return f"năm {start.year}"


def place_of(unit: Unit) -> str:
    """The place line: the province's short name ("Hà Nội") where there is one."""
    province = (
        Unit.objects.ancestors_of(unit, include_self=True).filter(kind=UnitKind.PROVINCE).last()
    )
    chosen = province or unit
    name = chosen.short_name or chosen.name
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _initial(word: str) -> str:
    """Return a word's first letter in capitals without its tone mark: "ủy" → "U", "Đình" → "Đ"."""
    return unicodedata.normalize("NFD", word[0].upper())[0]  # Đ has no decomposition


def default_symbol(unit: Unit) -> str:
    """Return "BC-PBĐ" (state) or "BC/ĐUPBĐ" (Party): the kind, then the issuer's initials."""
    initials = "".join(_initial(word) for word in (unit.short_name or unit.name).split())
    return f"BC/{initials}" if unit.branch == Branch.PARTY else f"BC-{initials}"


def _document(
    issuer: Unit, *, subject: str, body: list[BodyItem], signing: Signing, recipients
) -> OfficialDocument:
    parent = issuer.parent
    party = issuer.branch == Branch.PARTY
    return OfficialDocument(
        issuer_parent="" if parent is None or parent.kind in TERRITORIAL else parent.name.upper(),
        issuer=issuer.name.upper(),
        party=party,
        number=signing.number,
        symbol=signing.symbol or default_symbol(issuer),
        place=place_of(issuer),
        date=signing.date or timezone.localdate(),
        kind_title=KIND_TITLE,
        subject=subject,
        body=body,
        signer_title=(signing.signer_title or (PARTY_SIGNER if party else STATE_SIGNER)).upper(),
        signer_name=signing.signer_name,
        recipients=recipients,
    )


def _subject(template: ReportTemplate, start: datetime.date) -> str:
    return f"Kết quả công tác dân vận {period_phrase(template.frequency, start)}"


def field_items(spec: FieldSpec, value, number: int) -> list[BodyItem]:
    """Return the body items of one field: its heading with a figure, a text or a table."""
    heading = f"{number}. {spec.label}"
    if spec.type == "number":
        try:
            shown = figure(parse_number(value))
        except ValueError:
            shown = ""
        return [(f"{heading}:", shown or "…")]
    if spec.type == "text":
        paragraphs = [line.strip() for line in str(value or "").splitlines() if line.strip()]
        return [(heading, ""), *(paragraphs or ["Không có nội dung."])]
    rows = [[row.get(code, "") for code in spec.column_codes] for row in value or []]
    if not rows:
        return [(heading, ""), "Không có số liệu."]
    return [(heading, ""), [spec.column_labels, *rows]]


def report_document(report: Report, signing: Signing) -> OfficialDocument:
    """Return one unit's report as the official document it sends to its parent."""
    template = report.template
    phrase = period_phrase(template.frequency, report.period_start)
    body: list[BodyItem] = [
        f"{report.unit.name} báo cáo kết quả công tác dân vận {phrase} như sau:"
    ]
    for number, spec in enumerate(template_fields(template), start=1):
        body.extend(field_items(spec, report.values.get(spec.code), number))
    return _document(
        report.unit,
        subject=_subject(template, report.period_start),
        body=body,
        signing=signing,
        recipients=[f"{template.owner.name} (để báo cáo);", "Lưu: VT."],
    )


def aggregate_document(
    template: ReportTemplate, period_start: datetime.date, rollup: Aggregate, signing: Signing
) -> OfficialDocument:
    """Return the roll-up of a period: the totals, then each accepted unit's figures."""
    phrase = period_phrase(template.frequency, period_start)
    body: list[BodyItem] = [
        f"Tổng hợp từ {rollup.count} báo cáo đã được chấp nhận của các đơn vị trực thuộc, "
        f"kết quả công tác dân vận {phrase} như sau:",
        ("I. SỐ LIỆU TỔNG HỢP", ""),
    ]
    if rollup.fields:
        body.append(
            [
                ["STT", "Nội dung", "Số liệu"],
                *[
                    [str(n), spec.label, figure(total)]
                    for n, (spec, total) in enumerate(rollup.rows(), start=1)
                ],
            ]
        )
        body.append(("II. SỐ LIỆU THEO ĐƠN VỊ", ""))
        body.append(
            [
                ["Đơn vị", *[spec.label for spec in rollup.fields]],
                *[
                    [report.unit.name, *[figure(report_figure(report, s)) for s in rollup.fields]]
                    for report in rollup.reports
                ],
                ["Tổng cộng", *[figure(total) for _spec, total in rollup.rows()]],
            ]
        )
    else:
        body.append("Mẫu báo cáo không có chỉ tiêu số liệu.")
    return _document(
        template.owner,
        subject=_subject(template, period_start),
        body=body,
        signing=signing,
        recipients=["Lưu: VT."],
    )


def render(document: OfficialDocument, fmt: str) -> bytes:
    return render_pdf(document) if fmt == "pdf" else render_docx(document)


# --- Workbooks ---------------------------------------------------------------------------


def report_rows(report: Report) -> list[list]:
    """The rows of one report's workbook: who and when, then each field (tables below it)."""
    template = report.template
    rows: list[list] = [
        [_("Unit"), report.unit.name],
        [_("Period"), period_label(template.frequency, report.period_start)],
        [_("Status"), report.get_status_display()],
    ]
    for spec in template_fields(template):
        value = report.values.get(spec.code)
        if spec.type == "number":
            rows.append([spec.label, report_figure(report, spec)])
        elif spec.type == "text":
            rows.append([spec.label, value or ""])
        else:
            rows.append([spec.label, *spec.column_labels])
            rows.extend(
                ["", *[row.get(code, "") for code in spec.column_codes]] for row in value or []
            )
    return rows


def report_workbook(report: Report, path_or_file) -> int:
    return write_xlsx(
        path_or_file, [_("Item"), _("Value")], report_rows(report), sheet_title=report.unit.name
    )


def period_headers(specs: list[FieldSpec]) -> list[str]:
    texts = [spec.label for spec in specs if spec.type == "text"]
    numbers = [spec.label for spec in specs if spec.type == "number"]
    return [_("Unit"), _("Submitted at"), *numbers, *texts]


def period_rows(specs: list[FieldSpec], rollup: Aggregate, progress=None):
    """One row per accepted report (numbers, then texts), then the totals."""
    texts = [spec for spec in specs if spec.type == "text"]
    for n, report in enumerate(rollup.reports, start=1):
        if progress and n % PROGRESS_EVERY == 0:
            progress(n)
        yield [
            report.unit.name,
            report.submitted_at,
            *[report_figure(report, spec) for spec in rollup.fields],
            *[report.values.get(spec.code, "") for spec in texts],
        ]
    yield [_("Total"), None, *[total for _spec, total in rollup.rows()], *[""] * len(texts)]


def filename(template: ReportTemplate, unit: Unit, start: datetime.date, fmt: str) -> str:
    return f"bao-cao-{slugify(fold(unit.short_name or unit.name))}-{start:%Y-%m}.{fmt}"


EMPTY_EXPORT = gettext_lazy(
    "There is no accepted report in this period: there is nothing to export."
)


@register("reports.export_period")
def export_period(context: JobContext) -> dict:
    """Export a period's roll-up: the figures of every accepted report, as XLSX, DOCX or PDF."""
    user = context.job.owner
    if user is None:  # a job started without an actor: there is no scope to export
        raise JobFailed(_("This export has no owner: start it again from the report page."))
    params = context.job.params
    template = (
        ReportTemplate.objects.select_related("owner__parent").filter(pk=params["template"]).first()
    )
    if template is None or not user.has_perm("reports.review", template.owner):
        raise JobFailed(_("This report template is outside your scope."))
    start = datetime.date.fromisoformat(params["period_start"])
    fmt = params.get("format", "xlsx")
    if fmt not in FORMATS:
        raise JobFailed(_("Unknown export format."))
    rollup = aggregate(template, start)
    if not rollup.reports:
        raise JobFailed(str(EMPTY_EXPORT))
    total = rollup.count
    context.progress(0, total)
    name = filename(template, template.owner, start, fmt)
    if fmt == "xlsx":
        specs = template_fields(template)
        buffer = io.BytesIO()
        write_xlsx(
            buffer,
            period_headers(specs),
            period_rows(specs, rollup, context.progress),
            sheet_title=period_label(template.frequency, start),
        )
        content = buffer.getvalue()
    else:
        signing = Signing.from_params(params.get("signing") or {})
        content = render(aggregate_document(template, start, rollup, signing), fmt)
    context.job.output_file.save(name, ContentFile(content), save=False)
    type(context.job).objects.filter(pk=context.job.pk).update(
        output_file=context.job.output_file.name
    )
    context.progress(total, total)
    log_action(
        actor=user,
        action="reports.export",
        obj=template,
        unit=template.owner,
        after={"period_start": start.isoformat(), "format": fmt, "reports": total},
    )
    return {
        "filename": name,
        "reports": total,
        "message": _("%(n)d accepted reports exported.") % {"n": total},
    }
