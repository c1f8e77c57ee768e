"""Staff pages of the citizen's voice: cases, their handling, reception sessions, scorecards."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from danvan.lib.actions import ACTION_LABELS
from danvan.lib.paginators import CappedPaginator
from danvan.organisations.forms import resolve_filters
from danvan.organisations.models import Unit, UnitKind
from danvan.organisations.queries import breadcrumb, get_unit_for_user, scope_roots
from danvan.voice import intake, services
from danvan.voice.categories import suggest_category
from danvan.voice.deadlines import find_rule
from danvan.voice.forms import (
    AcceptForm,
    AnswerForm,
    AssignForm,
    CaseFilterForm,
    CaseLogForm,
    CloseForm,
    DetailsForm,
    ExtendForm,
    ForwardForm,
    InformationForm,
    MergeForm,
    ReceptionSessionForm,
    RejectForm,
    ScorecardForm,
    SettleForm,
    StartForm,
    UnitPickForm,
    VisitForm,
)
from danvan.voice.models import Case, DeadlineRule, Kind, Status
from danvan.voice.queries import (
    case_events,
    filtered_cases,
    get_case_for_user,
    get_session_for_user,
    schedules_for,
    session_visits,
    sessions_for,
)
from danvan.voice.scorecards import league_table, scorecard
from danvan.voice.similar import likely_duplicates

PAGE_SIZE = 50
LIST_COUNT_CAP = 10_000

# action → (form, the one service it calls, what to say when it worked)
ACTIONS = {
    "accept": (AcceptForm, services.accept_case, gettext_lazy("The case was accepted.")),
    "start": (StartForm, services.start_handling, gettext_lazy("Handling has started.")),
    "answer": (AnswerForm, services.answer_case, gettext_lazy("The answer was published.")),
    "reject": (RejectForm, services.reject_case, gettext_lazy("The case was rejected.")),
    "assign": (AssignForm, services.assign_case, gettext_lazy("The case was reassigned.")),
    "forward": (ForwardForm, services.forward_case, gettext_lazy("The case was forwarded.")),
    "extend": (ExtendForm, services.extend_case, gettext_lazy("The deadline was extended.")),
    "close": (CloseForm, services.close_case, gettext_lazy("The case was closed.")),
    "merge": (
        MergeForm,
        services.merge_into,
        gettext_lazy("The case was merged; its citizen will receive the answer of the other."),
    ),
    "details": (
        DetailsForm,
        services.complete_details,
        gettext_lazy("The details were recorded."),
    ),
    "information": (
        InformationForm,
        services.treat_as_information,
        gettext_lazy("The denunciation is kept as information."),
    ),
    "settle": (
        SettleForm,
        services.settle_information,
        gettext_lazy("The use of the information was recorded."),
    ),
}
TITLES = {
    "accept": gettext_lazy("Accept"),
    "start": gettext_lazy("Start handling"),
    "answer": gettext_lazy("Answer"),
    "reject": gettext_lazy("Reject"),
    "assign": gettext_lazy("Reassign"),
    "forward": gettext_lazy("Forward"),
    "extend": gettext_lazy("Extend the deadline"),
    "close": gettext_lazy("Close"),
    "merge": gettext_lazy("Merge into this case"),
    "details": gettext_lazy("Record the missing details"),
    "information": gettext_lazy("Keep as information"),
    "settle": gettext_lazy("Record the use of the information"),
}
# The actions offered on the page in each state; the services have the last word.
OFFERED: dict[str, list[str]] = {
    Status.AWAITING_DETAILS: ["details", "information", "reject", "forward", "assign"],
    Status.RECEIVED: ["accept", "reject", "forward", "assign"],
    Status.ACCEPTED: ["start", "answer", "extend", "forward", "assign"],
    Status.IN_PROGRESS: ["answer", "extend", "forward", "assign"],
    Status.ANSWERED: ["close"],
}
# Information is never accepted, answered or escalated: it is used or kept.
OFFERED_INFORMATION: dict[str, list[str]] = {
    Status.RECEIVED: ["settle", "forward", "reject", "assign"]
}


def _add_error(form, exc) -> None:
    """Put a service's refusal on the form (a ValidationError, or a scope PermissionDenied)."""
    if isinstance(exc, ValidationError):
        form.add_error(None, exc)
    else:
        form.add_error(None, str(exc) or _("This is outside your scope."))


def _errors_of(form) -> str:
    """All the errors of a form in one line, for the message at the top of the page."""
    parts = [str(e) for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name in form.fields:
            parts += [
                _("%(field)s: %(error)s") % {"field": form.fields[name].label, "error": e}
                for e in errors
            ]
    return " ".join(parts)


def _may_open_files(user, case: Case) -> bool:
    """A denunciation's files may name its reporter (also when it is kept as information):
    only the assigned handler opens them."""
    return not case.protects_reporter or case.handler_id == user.pk


# The case list and a case's page


@login_required
def case_list(request):
    if not request.user.has_perm("voice.view"):
        raise PermissionDenied
    form, params, unit = resolve_filters(CaseFilterForm, request.user, request.GET)
    qs = filtered_cases(request.user, params).for_list()
    # A city holds a million cases: count them only up to a cap.
    page = CappedPaginator(qs, PAGE_SIZE, cap=LIST_COUNT_CAP).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "voice/case_list.html",
        {
            "form": form,
            "page": page,
            "unit": unit,
            "query": query.urlencode(),
            "now": timezone.now(),
        },
    )


def _labelled(events) -> list:
    """The events with the human names of their action and statuses."""
    statuses = dict(Status.choices)
    rows = list(events)
    for event in rows:
        event.action_label = ACTION_LABELS.get(f"voice.{event.action}", event.action)
        event.from_label = statuses.get(event.from_status, event.from_status)
        event.to_label = statuses.get(event.to_status, event.to_status)
    return rows


def _offered_actions(case: Case) -> list[str]:
    if case.kind == Kind.INFORMATION:
        return list(OFFERED_INFORMATION.get(case.status, []))
    offered = list(OFFERED.get(case.status, []))
    if case.kind == Kind.DENUNCIATION and case.status in (Status.RECEIVED, Status.ACCEPTED):
        offered.append("information")  # the denouncer's identity proves false
    if "extend" in offered:
        rule = find_rule(case.kind, case.urgency, DeadlineRule.Step.EXTEND, timezone.localdate())
        if (
            case.deadline_step != DeadlineRule.Step.HANDLE
            or rule is None
            or case.extensions >= rule.max_extensions
        ):
            offered.remove("extend")
    return offered


def _render_detail(request, case: Case, *, bound=None, status=200):
    """The case page; `bound` is an action form that failed, shown with its errors."""
    user = request.user
    can_handle = user.has_perm("voice.handle", case)
    identity = services.reporter_identity(actor=user, case=case)
    actions = []
    if can_handle:
        for name in _offered_actions(case):
            if bound is not None and bound.prefix == name:
                form = bound
            else:
                form = ACTIONS[name][0](case=case, user=user, prefix=name)
            actions.append(
                {
                    "name": name,
                    "title": TITLES[name],
                    "form": form,
                    "url": reverse(f"voice:{name}", args=[case.pk]),
                }
            )
    may_open_files = _may_open_files(user, case)
    context = {
        "case": case,
        "crumbs": breadcrumb(case.responsible, user) + [case.responsible],
        "events": _labelled(case_events(case)),
        "attachments": case.attachments.all() if may_open_files else [],
        "hidden_files": 0 if may_open_files else case.attachments.count(),
        "identity": identity,
        "has_reporter": bool(case.reporter_name or case.reporter_phone or case.reporter_email),
        "can_handle": can_handle,
        "actions": actions,
        "now": timezone.now(),
        "obstacles": list(case.obstacles.all()) if case.decision_known_on else [],
        "missing": intake.details_text(case.missing_details),
        "legal_list": intake.LEGAL_LIST,
        "information_notice": intake.INFORMATION_NOTICE,
        # Open cases of the commune saying the same thing, offered for merging.
        "duplicates": likely_duplicates(case, user) if can_handle and case.is_open else [],
        "merge_url": reverse("voice:merge", args=[case.pk]),
        "merged_into": case.merged_into if case.merged_into_id else None,
        "merged_cases": list(case.merged_cases.only("id", "code", "title", "status")),
        "suggested_category": _suggested_category(case),
    }
    return render(request, "voice/case_detail.html", context, status=status)


def _suggested_category(case: Case):
    """The classifier's category for the case's words, where it differs from the chosen."""
    suggested = suggest_category(case.similarity_text)
    return suggested if suggested is not None and suggested.pk != case.category_id else None


@login_required
def case_detail(request, pk):
    return _render_detail(request, get_case_for_user(request.user, pk))


@login_required
@require_POST
def case_action(request, pk, action):
    """Bind one action's form and call its one service; show the refusal if there is one."""
    case = get_case_for_user(request.user, pk, handle=True)
    form_class, service, done = ACTIONS[action]
    form = form_class(request.POST, case=case, user=request.user, prefix=action)
    if form.is_valid():
        try:
            case = service(actor=request.user, case=case, **form.arguments())
        except (ValidationError, PermissionDenied) as exc:
            _add_error(form, exc)
        else:
            messages.success(request, done)
            if Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
                return redirect("voice:detail", pk=case.pk)
            messages.info(request, _("The case is now outside your scope."))
            return redirect("voice:list")
    messages.error(request, _errors_of(form))
    return _render_detail(request, case, bound=form)


@login_required
def attachment_download(request, pk, attachment_pk):
    """Files are served only to users whose scope reaches the case, never from MEDIA_URL."""
    case = get_case_for_user(request.user, pk)
    if not _may_open_files(request.user, case):
        raise Http404
    attachment = get_object_or_404(case.attachments, pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.content_type.startswith("image/"),
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def _received(request, case: Case) -> None:
    messages.success(
        request,
        _("Case %(code)s was received and sent to %(unit)s.")
        % {"code": case.code, "unit": case.responsible.name},
    )
    notice = services.intake_notice(case)
    if notice:
        messages.warning(request, notice)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    """A clerk logs a phone call, a letter or a visit on the citizen's behalf."""
    if not request.user.has_perm("voice.receive"):
        raise PermissionDenied
    form = CaseLogForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.submit_case(actor=request.user, **form.arguments())
        except (ValidationError, PermissionDenied) as exc:
            _add_error(form, exc)
        else:
            _received(request, case)
            return redirect("voice:detail", pk=case.pk)
    return render(request, "voice/case_form.html", {"form": form})


# Reception of citizens


@login_required
def reception(request):
    """The weekly reception days and the latest sessions in the user's scope."""
    if not request.user.has_perm("voice.view"):
        raise PermissionDenied
    if request.GET.get("unit"):
        unit = get_unit_for_user(request.user, request.GET["unit"])
        return redirect("voice:sessions", unit_pk=unit.pk)
    sessions = sessions_for(request.user).annotate(n_visits=Count("visits"))[:30]
    return render(
        request,
        "voice/reception.html",
        {
            "schedules": schedules_for(request.user),
            "sessions": sessions,
            "pick": UnitPickForm(user=request.user),
        },
    )


@login_required
def unit_sessions(request, unit_pk):
    unit = get_unit_for_user(request.user, unit_pk)
    return render(
        request,
        "voice/session_list.html",
        {
            "unit": unit,
            "crumbs": breadcrumb(unit, request.user),
            "schedules": schedules_for(request.user).filter(unit=unit),
            "sessions": sessions_for(request.user, unit=unit).annotate(n_visits=Count("visits")),
            "can_receive": request.user.has_perm("voice.receive", unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, unit_pk):
    unit = get_unit_for_user(request.user, unit_pk)
    if not request.user.has_perm("voice.receive", unit):
        raise Http404
    form = ReceptionSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = services.open_reception_session(
            actor=request.user, unit=unit, **form.cleaned_data
        )
        messages.success(request, _("The reception session was created."))
        return redirect("voice:session", pk=session.pk)
    return render(request, "voice/session_form.html", {"form": form, "unit": unit})


def _commune_of(unit: Unit) -> Unit | None:
    if unit.kind == UnitKind.COMMUNE:
        return unit
    return Unit.objects.ancestors_of(unit).filter(kind=UnitKind.COMMUNE).last()


@login_required
def session_detail(request, pk):
    """A session's register of visits."""
    session = get_session_for_user(request.user, pk)
    can_receive = request.user.has_perm("voice.receive", session.unit)
    return render(
        request,
        "voice/session_detail.html",
        {
            "session": session,
            "visits": session_visits(request.user, session),
            "can_receive": can_receive,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_visit(request, pk):
    """Add a visit to a session's register: a case received in person."""
    session = get_session_for_user(request.user, pk, handle=True)
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"commune": _commune_of(session.unit)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.submit_case(
                actor=request.user, reception_session=session, **form.arguments()
            )
        except (ValidationError, PermissionDenied) as exc:
            _add_error(form, exc)
        else:
            _received(request, case)
            return redirect("voice:session", pk=session.pk)
    return render(request, "voice/visit_form.html", {"form": form, "session": session})


# Scorecards


@login_required
def scorecard_page(request):
    """A unit's figures for a period, and the league table of the units below it."""
    if not request.user.has_perm("voice.view"):
        raise PermissionDenied
    if request.GET.get("unit"):
        unit = get_unit_for_user(request.user, request.GET["unit"])
    else:
        roots = scope_roots(request.user)
        if not roots:
            raise PermissionDenied
        unit = roots[0]
    form = ScorecardForm(request.GET or None, initial={"period": "month"})
    period, start, end = form.dates()
    keep = {"period": period}
    if period == "custom":
        keep.update(start=start.isoformat(), end=end.isoformat())
    return render(
        request,
        "voice/scorecard.html",
        {
            "form": form,
            "unit": unit,
            "crumbs": breadcrumb(unit, request.user),
            "start": start,
            "end": end,
            "card": scorecard(unit, start, end),
            "table": league_table(unit, start, end),
            "period_query": urlencode(keep),
        },
    )
