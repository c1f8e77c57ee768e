"""Pages of the periodic reports: templates, a period's completeness, a unit's report, exports.

Scope: a report is visible to whoever reaches its unit, and anyone else gets 404. A template
is visible to whoever reaches its owner or one of the units it asks. A period's completeness
page, its roll-up and the review buttons belong to the parent: an administrator or board
officer reaching the template's owner.
"""

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from danvan.core.jobs import start_job
from danvan.organisations.models import Unit
from danvan.reports import documents
from danvan.reports.forms import (
    EMPTY_ROWS,
    MAX_EMPTY_ROWS,
    ExportForm,
    OpenPeriodForm,
    PeriodExportForm,
    ReportValuesForm,
    ReviewForm,
    display_values,
)
from danvan.reports.models import Report, ReportTemplate
from danvan.reports.services import (
    EDITABLE,
    SUBMITTED,
    accept_report,
    aggregate,
    can_edit,
    can_review,
    completeness,
    open_period,
    period_bounds,
    period_label,
    refresh_figures,
    return_report,
    save_draft,
    submit_report,
    template_fields,
)

# --- Access ------------------------------------------------------------------------------


def visible_templates(user):
    """Templates the user's scope touches: issued by a unit it reaches, or asking one."""
    units = Unit.objects.visible_to(user, perm="reports.view")
    asked = Report.objects.filter(template=OuterRef("pk"), unit__in=units)
    return ReportTemplate.objects.filter(Q(owner__in=units) | Q(Exists(asked)))


def _template_for_user(user, pk, *, review: bool = False) -> ReportTemplate:
    """Return the template if the user's scope touches it (as its reviewer), else 404."""
    template = get_object_or_404(visible_templates(user).select_related("owner__parent"), pk=pk)
    if review and not can_review(user, template):
        raise Http404
    return template


def _report_for_user(user, pk) -> Report:
    """Return the report if the user's scope reaches its unit, else 404."""
    reports = Report.objects.filter(unit__in=Unit.objects.visible_to(user, perm="reports.view"))
    return get_object_or_404(
        reports.select_related("template__owner__parent", "unit__parent"), pk=pk
    )


def _period_start(template: ReportTemplate, text: str) -> datetime.date:
    try:
        start = datetime.date.fromisoformat(text)
        period_bounds(template.frequency, start)
    except (ValueError, ValidationError) as exc:
        raise Http404 from exc
    return start


def _period_url(template: ReportTemplate, start: datetime.date) -> str:
    return reverse("reports:period", args=[template.pk, start.isoformat()])


# --- Templates and periods ---------------------------------------------------------------


@login_required
def template_list(request):
    templates = visible_templates(request.user).select_related("owner").order_by("name")
    return render(request, "reports/template_list.html", {"templates": templates})


@login_required
def template_detail(request, pk):
    template = _template_for_user(request.user, pk)
    reviewer = can_review(request.user, template)
    context = {
        "template": template,
        "fields": template_fields(template),
        "reviewer": reviewer,
    }
    if reviewer:
        periods = (
            Report.objects.filter(template=template)
            .values("period_start", "due_date")
            .annotate(
                total=Count("id"),
                submitted=Count("id", filter=Q(status__in=SUBMITTED)),
                accepted=Count("id", filter=Q(status=Report.Status.ACCEPTED)),
            )
            .order_by("-period_start")
        )
        context["periods"] = [
            {**row, "label": period_label(template.frequency, row["period_start"])}
            for row in periods
        ]
        context["open_form"] = OpenPeriodForm()
    else:
        reports = (
            Report.objects.filter(
                template=template,
                unit__in=Unit.objects.visible_to(request.user, perm="reports.view"),
            )
            .select_related("unit")
            .order_by("-period_start", "unit__path")[:200]
        )
        context["reports"] = [
            (report, period_label(template.frequency, report.period_start)) for report in reports
        ]
    return render(request, "reports/template_detail.html", context)


@login_required
@require_POST
def template_open(request, pk):
    template = _template_for_user(request.user, pk, review=True)
    form = OpenPeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the first day of the period."))
        return redirect("reports:template", pk=template.pk)
    start = form.cleaned_data["period_start"]
    try:
        created = open_period(actor=request.user, template=template, period_start=start)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:template", pk=template.pk)
    messages.success(
        request,
        ngettext(
            "%(n)d unit was asked for its report.",
            "%(n)d units were asked for their reports.",
            len(created),
        )
        % {"n": len(created)},
    )
    return redirect(_period_url(template, start))


@login_required
def period_detail(request, pk, start):
    """Who has submitted, who is late, who has not yet; the accepted figures summed."""
    template = _template_for_user(request.user, pk, review=True)
    start = _period_start(template, start)
    context = {
        "template": template,
        "start": start,
        "label": period_label(template.frequency, start),
        "state": completeness(template, start),
        "rollup": aggregate(template, start),
        "export_form": PeriodExportForm(initial={"signer_name": request.user.get_full_name()}),
    }
    return render(request, "reports/report_period.html", context)


@login_required
@require_POST
def period_export(request, pk, start):
    """Start the export of a period's roll-up in the background; refuse an empty one."""
    template = _template_for_user(request.user, pk, review=True)
    start = _period_start(template, start)
    form = PeriodExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the number, date and format of the export."))
        return redirect(_period_url(template, start))
    accepted = Report.objects.filter(
        template=template, period_start=start, status=Report.Status.ACCEPTED
    )
    if not accepted.exists():
        messages.error(request, str(documents.EMPTY_EXPORT))
        return redirect(_period_url(template, start))
    job = start_job(
        actor=request.user,
        kind="reports.export_period",
        params={
            "template": template.pk,
            "period_start": start.isoformat(),
            "format": form.cleaned_data["format"],
            "signing": form.signing().as_params(),
        },
    )
    return redirect("job", token=job.token)


# --- One unit's report -------------------------------------------------------------------


def _empty_rows(request) -> int:
    try:
        more = int(request.GET.get("more", 0))
    except ValueError:
        more = 0
    return EMPTY_ROWS + max(0, min(more, MAX_EMPTY_ROWS))


SUCCESS = {
    "save": gettext_lazy("The draft was saved."),
    "add_rows": gettext_lazy("The draft was saved; more empty rows are shown."),
    "submit": gettext_lazy("The report was submitted."),
}


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    """A unit's report: its fields by type to fill while it is a draft or returned."""
    report = _report_for_user(request.user, pk)
    specs = template_fields(report.template)
    editor = can_edit(request.user, report)
    empty_rows = _empty_rows(request)
    form = None
    if editor and (report.status in EDITABLE or request.method == "POST"):
        form = ReportValuesForm(
            request.POST if request.method == "POST" else None,
            specs=specs,
            values=report.values,
            empty_rows=empty_rows,
        )
    if request.method == "POST":
        if form is None:
            raise Http404
        action = request.POST.get("action", "save")
        try:
            if action == "refresh":
                refresh_figures(actor=request.user, report=report)
                messages.success(request, _("The figures were recomputed from the system."))
                return redirect("reports:report", pk=report.pk)
            if form.is_valid():
                service = submit_report if action == "submit" else save_draft
                service(actor=request.user, report=report, values=form.values())
                messages.success(request, SUCCESS.get(action, SUCCESS["save"]))
                url = reverse("reports:report", args=[report.pk])
                if action == "add_rows":
                    url += f"?more={empty_rows}"  # the rows shown now, plus a few more
                return redirect(url)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            if report.status not in EDITABLE:
                messages.error(request, " ".join(exc.messages))
                return redirect("reports:report", pk=report.pk)
            form.add_error(None, exc)
    editing = form is not None and report.status in EDITABLE
    context = {
        "report": report,
        "label": period_label(report.template.frequency, report.period_start),
        "form": form if editing else None,
        "layout": form.layout() if editing else None,
        "display": None if editing else display_values(specs, report.values),
        "reviewer": can_review(request.user, report.template),
        "review_form": ReviewForm(),
        "export_form": ExportForm(initial={"signer_name": request.user.get_full_name()}),
        "formats": documents.FORMATS,
    }
    return render(request, "reports/report_detail.html", context)


@login_required
@require_POST
def report_review(request, pk):
    """Return a submitted report for correction, or accept it (the parent unit only)."""
    report = _report_for_user(request.user, pk)
    if not can_review(request.user, report.template):
        raise Http404
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    action = request.POST.get("action")
    try:
        if action == "return":
            return_report(actor=request.user, report=report, note=note)
            messages.success(request, _("The report was returned for correction."))
        elif action == "accept":
            accept_report(actor=request.user, report=report, note=note)
            messages.success(request, _("The report was accepted."))
        else:
            raise Http404
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:report", pk=report.pk)


@login_required
def report_export(request, pk, fmt):
    """One report as DOCX or PDF (an official document) or as XLSX."""
    if fmt not in documents.FORMATS:
        raise Http404
    report = _report_for_user(request.user, pk)
    form = ExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Check the number and date of the document."))
        return redirect("reports:report", pk=report.pk)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        documents.report_workbook(report, buffer)
        content = buffer.getvalue()
    else:
        content = documents.render(documents.report_document(report, form.signing()), fmt)
    response = HttpResponse(content, content_type=documents.CONTENT_TYPES[fmt])
    name = documents.filename(report.template, report.unit, report.period_start, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
