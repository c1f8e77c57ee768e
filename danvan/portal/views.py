"""Public pages: the “Dân vận khéo” model library, the citizen's feedback with its tracking
page, and the public scorecards. No login, no cookies, nothing personal."""

import datetime
import math
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_cookie
from django.views.i18n import set_language

from danvan.core.views import csrf_failure
from danvan.democracy import services as democracy_services
from danvan.democracy.forms import BallotForm, CommentForm
from danvan.democracy.models import MatterStatus, VoteMethod
from danvan.democracy.scorecards import commune_table
from danvan.democracy.scorecards import figures as democracy_figures
from danvan.lib import ratelimit
from danvan.portal.forms import (
    HONEYPOT,
    DemocracySearchForm,
    DetailsForm,
    FeedbackForm,
    LibraryFilterForm,
    RateForm,
    ReopenForm,
    ScorecardForm,
    TrackForm,
    period_dates,
)
from danvan.portal.queries import (
    communes_of,
    filter_library,
    for_library_list,
    get_city,
    get_city_commune,
    get_democracy_commune,
    get_public_case,
    get_public_consultation,
    get_public_matter,
    get_public_model,
    public_boards,
    public_consultations,
    public_dialogues,
    public_events,
    public_groups,
    public_matters,
    public_publications,
    public_replications,
)
from danvan.voice import intake, services
from danvan.voice.categories import suggest_category
from danvan.voice.models import Channel, Status, VoiceSettings
from danvan.voice.scorecards import league_table, scorecard
from danvan.voice.similar import similar_open_cases

PAGE_SIZE = 30
PUBLIC_MAX_AGE = 60  # no longer than the server keeps its copy (PUBLIC_PAGE_SECONDS)

_shared = cache_control(public=True, max_age=PUBLIC_MAX_AGE)
# A signed-in official sees their own name in the top bar: never let a shared cache keep it.
_personal = cache_control(private=True, no_cache=True)


def public_page(view):
    """Serve a GET (or HEAD) page that shared caches may keep for a visitor who is not signed in.

    base.html's language form carries a CSRF token, and rendering one sets the CSRF cookie;
    a cacheable page must set no cookie, so for visitors the token is left out and the
    portal's own language switch (csrf-exempt, below) is shown instead.
    """

    @require_safe
    @vary_on_cookie
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        decorated = _personal(view) if request.user.is_authenticated else _shared(view)
        return decorated(request, visitor_context(request), *args, **kwargs)

    return wrapper


def visitor_context(request) -> dict:
    """What every public page's template needs to know about its reader."""
    signed_in = request.user.is_authenticated
    context: dict[str, object] = {"public_visitor": not signed_in}
    if not signed_in:
        # An empty token renders nothing. (Django's "NOTPROVIDED" marker would be the
        # tidier choice, but its tag calls format_html("") which Django 6 rejects.)
        context["csrf_token"] = ""
    return context


def case_page(view):
    """Serve a GET page about one case: whoever holds the code sees it; no cache keeps it."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, visitor_context(request), *args, **kwargs)
        add_never_cache_headers(response)
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _cross_site(request) -> bool:
    """Whether a POST comes from a page of another site (what the CSRF cookie would catch)."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if not origin:
        return False
    trusted = {urlsplit(o).netloc for o in settings.CSRF_TRUSTED_ORIGINS}
    return urlsplit(origin).netloc not in trusted | {request.get_host()}


def public_post(bucket: str):
    """Accept a citizen's POST without a CSRF cookie: same site only, limited per address.

    The views never act on a signed-in session (cases are sent and rated as the public), so
    the cookie-based CSRF check would protect nothing and would force cookies on visitors.
    """

    def decorator(view):
        @csrf_exempt
        @require_POST
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if _cross_site(request):
                return csrf_failure(request)
            wait = ratelimit.hit(request, bucket)
            if wait:
                return _too_many(request, wait)
            response = view(request, visitor_context(request), *args, **kwargs)
            add_never_cache_headers(response)
            return response

        return wrapper

    return decorator


def _too_many(request, wait: int):
    context = visitor_context(request) | {"minutes": math.ceil(wait / 60)}
    response = render(request, "portal/rate_limited.html", context, status=429)
    response.headers["Retry-After"] = str(wait)
    add_never_cache_headers(response)
    return response


@public_page
def library(request, context):
    form = LibraryFilterForm(request.GET or None)
    qs = for_library_list(filter_library(form.params()))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    communes = communes_of(m.unit for m in page)
    rows = [(m, communes.get(m.unit_id)) for m in page]
    query = request.GET.copy()
    query.pop("page", None)
    context.update({"form": form, "page": page, "rows": rows, "query": query.urlencode()})
    return render(request, "portal/library.html", context)


@public_page
def library_detail(request, context, pk):
    model = get_public_model(pk)
    commune = communes_of([model.unit]).get(model.unit_id)
    context.update(
        {
            "model": model,
            "commune": commune if commune and commune.pk != model.unit_id else None,
            "replications": public_replications(model),
        }
    )
    return render(request, "portal/library_detail.html", context)


@public_post("language")
def language(request, context):
    """Django's set_language, without the CSRF check that needs a cookie the public pages
    never set. Switching a visitor's language is harmless, and set_language refuses a
    foreign `next`."""
    return set_language(request)


# Citizen voice -------------------------------------------------------------------------

# The steps of a case as the tracking page names them.
EVENT_LABELS = {
    "submit": gettext_lazy("Received"),
    "accept": gettext_lazy("Accepted for handling"),
    "start": gettext_lazy("Handling started"),
    "answer": gettext_lazy("Answered"),
    "reject": gettext_lazy("Refused"),
    "assign": gettext_lazy("Handed to another unit"),
    "forward": gettext_lazy("Forwarded"),
    "extend": gettext_lazy("Deadline extended"),
    "rate": gettext_lazy("Rated by the citizen"),
    "reopen": gettext_lazy("Reopened by the citizen"),
    "close": gettext_lazy("Closed"),
    "overdue": gettext_lazy("Deadline passed"),
    "escalate": gettext_lazy("Reported to the level above"),
    "forward_overdue": gettext_lazy("Forward deadline passed"),
    "details": gettext_lazy("Missing details received"),
    "information": gettext_lazy("Kept as information"),
    "settle": gettext_lazy("Use of the information recorded"),
    "recompute": gettext_lazy("Time limit recomputed"),
    "merge": gettext_lazy("Handled together with a similar case"),
}


@public_page
def _feedback_form(request, context):
    context["form"] = FeedbackForm()
    return render(request, "portal/feedback_form.html", context)


@public_post("send")
def _feedback_post(request, context):
    if request.POST.get(HONEYPOT, "").strip():
        # A robot filled the hidden field: answer as if all went well, keep nothing.
        return redirect(reverse("public:track") + "?sent=1")
    form = FeedbackForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            # Always as the public, even from a signed-in official's browser.
            case = services.submit_case(channel=Channel.PORTAL, actor=None, **form.case_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(reverse("public:case", args=[case.code]) + "?new=1")
    context["form"] = form
    return render(request, "portal/feedback_form.html", context)


@csrf_exempt
def send_feedback(request):
    """The citizen's form: shown to anyone (cacheable), sent without cookies."""
    if request.method == "POST":
        return _feedback_post(request)
    return _feedback_form(request)


@public_page
def similar_cases(request, context):
    """While a citizen types: open cases of the chosen commune that say the same thing
    (title and status only: a case's code is its sender's key). An htmx fragment; the form
    works the same without it."""
    commune_id = request.GET.get("commune", "")
    text = " ".join(request.GET.get(f, "")[:2000] for f in ("title", "description")).strip()
    found = []
    if commune_id.isdigit() and text:
        found = similar_open_cases(int(commune_id), text)
    context["similar"] = found
    context["category_hint"] = suggest_category(text) if len(text) >= 15 else None
    return render(request, "portal/_similar_cases.html", context)


@case_page
def track(request, context):
    form = TrackForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("public:case", code=form.cleaned_data["code"])
    context.update({"form": form, "sent": "sent" in request.GET, "section": "track"})
    return render(request, "portal/track.html", context)


def _case_response(
    request, context, case, *, rate_form=None, reopen_form=None, details_form=None, status=200
):
    """The tracking page of a case, with its rating, reopening and completing forms where
    they apply."""
    now = timezone.now()
    answered = case.status in (Status.ANSWERED, Status.CLOSED) and case.answered_at is not None
    can_rate = answered and not (case.status == Status.CLOSED and case.rated_at is not None)
    reopen_until = None
    if case.status == Status.ANSWERED and case.answered_at is not None:
        window = VoiceSettings.current().reopen_window_days
        reopen_until = case.answered_at + datetime.timedelta(days=window)
        if now > reopen_until:
            reopen_until = None
    events = public_events(case)
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    context.update(
        {
            "case": case,
            "events": events,
            "is_new": request.GET.get("new") == "1",
            "overdue": case.overdue or bool(case.is_open and case.deadline and case.deadline < now),
            "details_form": (details_form or DetailsForm(missing=case.missing_details))
            if case.status == Status.AWAITING_DETAILS
            else None,
            "missing": intake.details_text(case.missing_details),
            "legal_list": intake.LEGAL_LIST,
            "information_notice": intake.INFORMATION_NOTICE,
            "answered": answered,
            "rate_form": (rate_form or RateForm()) if can_rate else None,
            "reopen_form": (reopen_form or ReopenForm()) if reopen_until else None,
            "reopen_until": reopen_until,
            # A refusal by the service (too late, already rated) shows above the forms.
            "refusals": [
                *(rate_form.non_field_errors() if rate_form else []),
                *(reopen_form.non_field_errors() if reopen_form else []),
                *(details_form.non_field_errors() if details_form else []),
            ],
            "section": "track",
        }
    )
    return render(request, "portal/case.html", context, status=status)


def _case_not_found(request, context):
    """Unknown and malformed codes get the same answer: the code form, and a 404."""
    context.update({"form": TrackForm(), "not_found": True, "section": "track"})
    return render(request, "portal/track.html", context, status=404)


@case_page
def case_detail(request, context, code):
    try:
        case = get_public_case(code)
    except Http404:
        return _case_not_found(request, context)
    if case.code != code:
        return redirect("public:case", code=case.code)
    return _case_response(request, context, case)


@public_post("case")
def rate(request, context, code):
    try:
        case = get_public_case(code)
    except Http404:
        return _case_not_found(request, context)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.rate_case(
                case=case,
                satisfied=form.cleaned_data["satisfied"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(reverse("public:case", args=[case.code]) + "#rating")
    return _case_response(request, context, case, rate_form=form)


@public_post("case")
def reopen(request, context, code):
    try:
        case = get_public_case(code)
    except Http404:
        return _case_not_found(request, context)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_case(case=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(reverse("public:case", args=[case.code]) + "#history")
    return _case_response(request, context, case, reopen_form=form)


@public_post("case")
def details(request, context, code):
    """The sender of a denunciation gives what it lacked; its clock starts once complete."""
    try:
        case = get_public_case(code)
    except Http404:
        return _case_not_found(request, context)
    form = DetailsForm(request.POST, missing=case.missing_details)
    if form.is_valid():
        try:
            services.complete_details(case=case, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(reverse("public:case", args=[case.code]) + "#history")
    return _case_response(request, context, case, details_form=form)


def _duration(hours: float | None) -> str | None:
    """A handling time in words: hours under two days, days beyond."""
    if hours is None:
        return None
    if hours < 48:
        return _("%(hours)s hours") % {"hours": number_format(hours, 1)}
    return _("%(days)s days") % {"days": number_format(hours / 24, 1)}


@public_page
def scorecards(request, context):
    """The supervision page: how the city and each commune handle the people's cases."""
    form = ScorecardForm(request.GET or None)
    period = form.chosen_period()
    start, end = period_dates(period, timezone.localdate())
    city = get_city()
    unit = get_city_commune(request.GET["unit"]) if request.GET.get("unit") else city
    card = scorecard(unit, start, end)
    context.update(
        {
            "form": form,
            "period": period,
            "start": start,
            "end": end,
            "city": city,
            "unit": unit,
            "card": card,
            "median": _duration(card.median_hours),
            "table": league_table(unit, start, end),
            "section": "scorecards",
        }
    )
    return render(request, "portal/scorecards.html", context)


# Grassroots democracy ------------------------------------------------------------------------


def _year_span(request) -> tuple[int, datetime.date, datetime.date]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, today.year - 5), today.year)
    end = today if year == today.year else datetime.date(year, 12, 31)
    return year, datetime.date(year, 1, 1), end


@public_page
def democracy(request, context):
    """The public scorecard of grassroots democracy: the city and each commune (a visitor's
    copy kept under the city's version, portal/middleware.py)."""
    year, start, end = _year_span(request)
    city = get_city()
    total, rows = commune_table(city, start, end)
    context.update(
        {
            "city": city,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "start": start,
            "end": end,
            "total": total,
            "rows": rows,
            "section": "democracy",
        }
    )
    return render(request, "portal/democracy.html", context)


def _commune_page(request, context, commune, query: str, page_number):
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    page = Paginator(public_publications(commune, query), PAGE_SIZE).get_page(page_number)
    context.update(
        {
            "commune": commune,
            "form": DemocracySearchForm(request.GET or None),
            "query": query,
            "page": page,
            "start": start,
            "today": today,
            "figures": democracy_figures(commune, start, today),
            "matters": public_matters(commune),
            "consultations": public_consultations(commune),
            "boards": public_boards(commune),
            "dialogues": public_dialogues(commune),
            "section": "democracy",
        }
    )
    return render(request, "portal/democracy_commune.html", context)


@public_page
def democracy_commune(request, context, pk):
    """A commune's public page: what it published (searchable without marks), its votes,
    consultations, boards and dialogues. Without a search, a visitor's copy is kept in the
    cache under the commune's version, which every change raises (portal/middleware.py)."""
    commune, _version = get_democracy_commune(pk)
    form = DemocracySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return _commune_page(request, context, commune, query, request.GET.get("page"))


def _consultation_response(request, context, consultation, form=None, *, sent=False):
    today = timezone.localdate()
    context.update(
        {
            "item": consultation,
            "open": consultation.is_open(today),
            # A refused comment keeps its form, with the reason, even once closed.
            "form": form or (CommentForm() if consultation.is_open(today) else None),
            "groups": public_groups(consultation),
            "sent": sent,
            "section": "democracy",
        }
    )
    return render(request, "portal/consultation.html", context)


@case_page
def consultation(request, context, pk):
    """A draft open for comment (not cached: its form and its "sent" notice)."""
    item = get_public_consultation(pk)
    return _consultation_response(request, context, item, sent=request.GET.get("sent") == "1")


@public_post("comment")
def comment(request, context, pk):
    item = get_public_consultation(pk)
    if request.POST.get(HONEYPOT, "").strip():
        return redirect(reverse("public:consultation", args=[item.pk]) + "?sent=1")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            democracy_services.submit_comment(
                consultation=item,
                text=form.cleaned_data["text"],
                contact=form.cleaned_data["contact"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(reverse("public:consultation", args=[item.pk]) + "?sent=1#sent")
    return _consultation_response(request, context, item, form)


def _vote_response(request, context, matter, form=None, *, cast=False):
    today = timezone.localdate()
    voting = (
        matter.method == VoteMethod.ONLINE
        and matter.status == MatterStatus.OPEN
        and today <= matter.vote_date
    )
    context.update(
        {
            "item": matter,
            "form": form or (BallotForm() if voting else None),
            "cast": cast,
            "section": "democracy",
        }
    )
    return render(request, "portal/vote.html", context)


@case_page
def vote(request, context, pk):
    item = get_public_matter(pk)
    return _vote_response(request, context, item, cast=request.GET.get("cast") == "1")


@public_post("ballot")
def ballot(request, context, pk):
    item = get_public_matter(pk)
    form = BallotForm(request.POST)
    if form.is_valid():
        try:
            democracy_services.cast_ballot(
                matter=item, code=form.cleaned_data["code"], choice=form.cleaned_data["choice"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(reverse("public:vote", args=[item.pk]) + "?cast=1#cast")
    return _vote_response(request, context, item, form)
