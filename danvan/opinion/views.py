"""Staff pages of public-opinion work: collaborators (codes only), report entry and lists,
who has not reported, the monthly synthesis with charts and its document.

Scope: every page reads through queries.py, which returns 404 for what lies outside the
user's units. No page shows who a collaborator is except the identity page, for the unit's
administrators, which logs each read.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.core.jobs import start_job
from danvan.lib import charts
from danvan.lib.charts import Point, Series
from danvan.lib.paginators import CappedPaginator
from danvan.opinion import documents, language, queries, services
from danvan.opinion.forms import (
    CollaboratorForm,
    HandleForm,
    ReportForm,
    item_forms,
    parse_month,
)
from danvan.opinion.models import OpinionItem, OpinionReport, Tendency, Theme, Topic
from danvan.organisations.models import Unit, UnitKind
from danvan.organisations.queries import breadcrumb, get_unit_for_user, scope_roots

PAGE_SIZE = 50
PLACE_KINDS = (UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.HAMLET)


def _scope_unit(request) -> Unit:
    """The unit asked for (?unit=), or the top of the user's scope; 404 outside it."""
    if request.GET.get("unit"):
        return get_unit_for_user(request.user, request.GET["unit"])
    roots = scope_roots(request.user)
    if not roots:
        raise Http404
    return roots[0]


def _require_view(user, unit: Unit) -> None:
    if not user.has_perm("opinion.view", unit):
        raise Http404


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _page(request, qs):
    return CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Collaborators ---------------------------------------------------------------------------


@login_required
def collaborator_list(request):
    unit = _scope_unit(request)
    _require_view(request.user, unit)
    page = _page(request, queries.collaborators_for_list(request.user, unit=unit))
    return render(
        request,
        "opinion/collaborator_list.html",
        {
            "unit": unit,
            "page": page,
            "can_manage": request.user.has_perm("opinion.manage_collaborators", unit),
            "query": urlencode({"unit": unit.pk}),
        },
    )


@login_required
def collaborator_new(request):
    if not request.user.has_perm("opinion.manage_collaborators"):
        raise Http404
    form = CollaboratorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            collaborator = services.register_collaborator(actor=request.user, **data)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Collaborator %(code)s registered.") % {"code": collaborator.code}
            )
            return redirect(
                f"{reverse('opinion:collaborators')}?{urlencode({'unit': collaborator.unit_id})}"
            )
    return render(request, "opinion/collaborator_form.html", {"form": form})


@login_required
def collaborator_identity(request, pk):
    collaborator = queries.get_collaborator_for_user(
        request.user, pk, perm="opinion.manage_collaborators"
    )
    try:
        identity = services.read_identity(actor=request.user, collaborator=collaborator)
    except PermissionDenied as exc:
        raise Http404 from exc
    response = render(
        request,
        "opinion/collaborator_identity.html",
        {"collaborator": collaborator, "identity": identity},
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Reports ---------------------------------------------------------------------------------


@login_required
def report_list(request):
    unit = _scope_unit(request)
    _require_view(request.user, unit)
    month = (
        parse_month(request.GET.get("month"), default=None) if request.GET.get("month") else None
    )
    kind = request.GET.get("kind", "")
    if kind not in OpinionReport.Kind.values:
        kind = ""
    reports = queries.reports_for_list(request.user, unit=unit, month=month, kind=kind)
    return render(
        request,
        "opinion/report_list.html",
        {
            "unit": unit,
            "page": _page(request, reports),
            "month": month,
            "kind": kind,
            "kinds": OpinionReport.Kind.choices,
            "can_edit": request.user.has_perm("opinion.edit", unit),
            "query": _query_without_page(request),
        },
    )


@login_required
def report_new(request):
    if not request.user.has_perm("opinion.edit"):
        raise Http404
    data = request.POST or None
    form = ReportForm(data, user=request.user)
    topics = Topic.objects.filter(is_active=True)
    # Places are territorial (city, communes, hamlets); empty means the collaborator's unit.
    places = (
        Unit.objects.visible_to(request.user, perm="opinion.edit")
        .current()
        .filter(kind__in=PLACE_KINDS)
        .order_by("path")
    )
    rows = item_forms(data, topics=topics, places=places)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in rows):
        collaborator = form.cleaned_data["collaborator"]
        items = [f.item() for f in rows if not f.is_blank()]
        try:
            if form.cleaned_data["kind"] == OpinionReport.Kind.URGENT:
                report = services.file_urgent_report(
                    actor=request.user,
                    collaborator=collaborator,
                    items=items,
                    summary=form.cleaned_data["summary"],
                )
            else:
                month = form.cleaned_data["month"]
                if month is None:
                    raise ValidationError(_("Give the month of a monthly report."), code="no_month")
                report = services.file_monthly_report(
                    actor=request.user,
                    collaborator=collaborator,
                    month=month,
                    items=items,
                    summary=form.cleaned_data["summary"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The report was entered."))
            return redirect("opinion:report", pk=report.pk)
    return render(request, "opinion/report_form.html", {"form": form, "rows": rows})


@login_required
def report_detail(request, pk):
    report = queries.get_report_for_user(request.user, pk)
    return render(
        request,
        "opinion/report_detail.html",
        {
            "report": report,
            "items": queries.report_items(request.user, report),
            "can_review": request.user.has_perm("opinion.review", report.unit),
            "can_edit": request.user.has_perm("opinion.edit", report.unit),
            "handle_form": HandleForm(),
            "sees_sensitive": services.can_see_sensitive(request.user, report.unit),
        },
    )


@login_required
@require_POST
def report_acknowledge(request, pk):
    report = queries.get_report_for_user(request.user, pk)
    try:
        services.acknowledge_report(actor=request.user, report=report)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The urgent report was acknowledged."))
    return redirect("opinion:report", pk=report.pk)


@login_required
@require_POST
def item_handle(request, pk):
    item = (
        OpinionItem.objects.visible_to(request.user)
        .select_related("report__unit", "topic")
        .filter(pk=pk)
        .first()
    )
    if item is None or (
        item.topic.sensitive and not services.can_see_sensitive(request.user, item.report.unit)
    ):
        raise Http404
    form = HandleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say how the opinion was answered or dispelled."))
        services.mark_handled(actor=request.user, item=item, note=form.cleaned_data["note"])
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The item was marked as handled."))
    return redirect("opinion:report", pk=item.report_id)


# --- Who has not reported, the synthesis ------------------------------------------------------


@login_required
def missing_page(request):
    unit = _scope_unit(request)
    _require_view(request.user, unit)
    month = parse_month(request.GET.get("month"))
    try:
        state = queries.standing(unit, month)
    except ValidationError as exc:
        raise Http404 from exc
    return render(
        request,
        "opinion/missing.html",
        {
            "unit": unit,
            "state": state,
            "month": month,
            "crumbs": breadcrumb(unit, request.user),
        },
    )


def _link(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v})}"


def _charts(synth: queries.Synthesis) -> list[charts.Chart]:
    month = f"{synth.month:%Y-%m}"
    topic_id = synth.topic.pk if synth.topic else ""
    by_topic = charts.hbar_chart(
        _("Opinion items by topic"),
        [
            Point(
                row.topic.name,
                row.count,
                href=_link(
                    "opinion:synthesis", unit=synth.scope.pk, month=month, topic=row.topic.pk
                ),
            )
            for row in synth.topics
        ],
        category=_("Topic"),
    )
    oppose = charts.hbar_chart(
        _("Items opposing, by unit"),
        [
            Point(
                row.unit.name,
                row.oppose,
                href=_link("opinion:synthesis", unit=row.unit.pk, month=month, topic=topic_id),
            )
            for row in synth.children[:20]
        ],
        category=_("Unit"),
    )
    trend = charts.line_chart(
        _("Opinion items per month"),
        [Series(_("Items"), [Point(f"{m:%m/%Y}", n, axis=f"{m:%m}") for m, n in synth.trend])],
        unit="count",
        category=_("Month"),
    )
    return [by_topic, oppose, trend]


@login_required
def synthesis_page(request):
    unit = _scope_unit(request)
    _require_view(request.user, unit)
    month = parse_month(request.GET.get("month"))
    topic = None
    if request.GET.get("topic"):
        topics = {t.pk: t for t in queries.visible_topics(request.user, unit)}
        try:
            topic = topics[int(request.GET["topic"])]
        except (KeyError, ValueError) as exc:
            raise Http404 from exc
    synth = queries.synthesis(request.user, unit, month, topic=topic)
    return render(
        request,
        "opinion/synthesis.html",
        {
            "unit": unit,
            "synth": synth,
            "month_value": f"{synth.month:%Y-%m}",
            "charts": _charts(synth),
            "tendencies": list(Tendency),
            "rumours": queries.rumour_items(request.user, unit, month),
            "crumbs": breadcrumb(unit, request.user),
        },
    )


@login_required
def synthesis_export(request, fmt):
    if fmt not in ("docx", "pdf"):
        raise Http404
    unit = _scope_unit(request)
    _require_view(request.user, unit)
    month = parse_month(request.GET.get("month"))
    synth = queries.synthesis(request.user, unit, month)
    doc = documents.synthesis_document(synth, signer_name=request.user.get_full_name())
    if fmt == "docx":
        body = documents.render_docx(doc)
        kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        body = documents.render_pdf(doc)
        kind = "application/pdf"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="du-luan-{synth.month:%Y-%m}-{unit.pk}.{fmt}"'
    )
    return response


# --- Language processing: themes, the topic classifier -----------------------------------------


@login_required
def theme_list(request):
    unit = _scope_unit(request)
    _require_view(request.user, unit)
    query = request.GET.get("q", "")
    page = _page(request, queries.themes_for_list(request.user, unit, query=query))
    return render(
        request,
        "opinion/theme_list.html",
        {
            "unit": unit,
            "page": page,
            "q": query,
            "query": _query_without_page(request),
            "crumbs": breadcrumb(unit, request.user),
            "is_language_admin": _is_language_admin(request.user),
        },
    )


@login_required
def theme_detail(request, pk):
    unit = _scope_unit(request)
    _require_view(request.user, unit)
    theme = queries.get_theme_for_user(request.user, unit, pk)
    page = _page(request, queries.theme_items(request.user, unit, theme))
    return render(
        request,
        "opinion/theme_detail.html",
        {
            "unit": unit,
            "theme": theme,
            "page": page,
            "query": _query_without_page(request),
        },
    )


def _is_language_admin(user) -> bool:
    city = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    return city is not None and user.has_perm("opinion.manage_language", city)


def _require_language_admin(user) -> None:
    if not _is_language_admin(user):
        raise PermissionDenied


@login_required
def language_page(request):
    """The topic classifier's measured accuracy, and buttons to retrain it and to recompute
    the themes in the background: the city's administrators."""
    _require_language_admin(request.user)
    if request.method == "POST":
        if request.POST.get("action") == "themes":
            job = start_job(actor=request.user, kind="opinion.themes", params={"months": 3})
        else:
            job = start_job(actor=request.user, kind="opinion.train_topics")
        return redirect("job", token=job.token)
    return render(
        request,
        "opinion/language.html",
        {
            "model": language.current_model(),
            "pending": OpinionItem.objects.filter(suggested_topic__isnull=True).count(),
            "themes": Theme.objects.count(),
        },
    )
