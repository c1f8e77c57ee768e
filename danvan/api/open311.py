"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the citizen's voice.

Services are the case categories in use; service requests are feedback cases (phản ánh,
kiến nghị), named by their unguessable tracking code, never by a database id. Reading is
public and shows no personal data; posting a request needs an API key. Each resource
answers in the format of its extension: ".json" or ".xml".

A client may also post a recommendation or a denunciation, with the service's attributes
(`attribute[kind]`, `attribute[person_denounced]`, `attribute[reporter_address]`). The law
of intake holds here too: an anonymous denunciation is kept as information, an incomplete
one waits for its details, and the answer's service_notice says so; a denunciation is
never a public service request afterwards.

GET requests follows the spec's default window (the last 90 days; a span of at most 90 days)
and comes in pages: `page` (from 1) and `page_size` (50 by default, at most 200), newest
first with the id breaking ties so that pages neither overlap nor skip; a `Link` header with
rel="next" points to the following page while there is one. Discovery states these figures.
"""

import datetime
import hashlib
import hmac
import json
import math
import re
import xml.etree.ElementTree as ET  # noqa: S405 - builds our own output, never parses input
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from danvan.lib import ratelimit
from danvan.lib.vntext import words
from danvan.organisations import queries as organisation_queries
from danvan.organisations.models import Unit, UnitKind
from danvan.voice.models import (
    OPEN_STATES,
    ApiKey,
    Case,
    CaseEvent,
    Category,
    Channel,
    ClockEvent,
    DeadlineRule,
    Kind,
    Status,
)
from danvan.voice.services import intake_notice, submit_case

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

commune_from_address: Callable[[str | None], Unit | None] | None
try:
    from danvan.voice.places import commune_from_address
except ImportError:  # the address parser is not there yet: fall back to commune names
    commune_from_address = None

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-08T00:00:00+07:00"  # when this interface last changed
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Complaints, denunciations and receptions follow their own laws and protect the reporter:
# only feedback and recommendations are service requests.
PUBLIC_KINDS = (Kind.FEEDBACK, Kind.RECOMMENDATION)
# The kinds a client may post (attribute[kind]); a complaint needs its dates and the
# complainant, which the portal's and the clerk's forms ask for.
POSTED_KINDS = (Kind.FEEDBACK, Kind.RECOMMENDATION, Kind.DENUNCIATION)
# The spec's default query: a span of 90 days or the first 1000 requests, the smaller.
WINDOW = datetime.timedelta(days=90)
MAX_RESULTS = 1000
# Within the window a list comes in pages (`page`, 1-based, and `page_size`): a client that
# wants every request walks the pages instead of taking a thousand at once.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000  # only to refuse absurd numbers: a page past the end is empty
# Posting is limited per client address: this many requests in this many seconds.
# A point farther than this (in degrees) from every commune's centre is not ours.
MAX_DISTANCE = 0.5
PUBLIC_MAX_AGE = 60
COMMUNE_PREFIXES = ("phuong ", "xa ", "dac khu ", "thi tran ")
# The element that holds each item of a list, by the list's element name.
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "…T08:00:00+07:00" sent without encoding the "+" arrives as "…T08:00:00 07:00".
_LOST_PLUS = re.compile(r"(T[\d:.]+) (\d{2}:?\d{2})$")


# Output


def _xml_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_ILLEGAL.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        for child in value:
            _fill(ET.SubElement(element, LIST_ITEMS[element.tag]), child)
    else:
        element.text = _xml_text(value)


def _render(fmt: str, data, *, root: str, status: int = 200) -> HttpResponse:
    """Answer with data as JSON, or as XML under the root element the spec names."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode()
    else:
        element = ET.Element(root)
        _fill(element, data)
        body = (
            b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, "unicode").encode()
        )
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def _errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    data = [{"code": status, "description": text} for text in descriptions]
    return _render(fmt, data, root="errors", status=status)


def _public(response: HttpResponse) -> HttpResponse:
    """Let shared caches keep a public answer for a minute (its language follows the cookie)."""
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    return response


def _when(moment: datetime.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# Discovery and services


@require_safe
def discovery(request, fmt):
    url = request.build_absolute_uri(reverse("open311:discovery", args=[fmt]))
    contact = getattr(settings, "OPEN311_CONTACT", "") or settings.SITE_URL
    data = {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _("Ask the Mass Mobilization Board for an API key: %(contact)s")
        % {"contact": contact},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url.removesuffix(f"/discovery.{fmt}"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
        # Not in the spec, which leaves paging to each server: how GET requests pages.
        "paging": {
            "default_window_days": WINDOW.days,
            "page_parameter": "page",
            "page_size_parameter": "page_size",
            "default_page_size": PAGE_SIZE,
            "max_page_size": MAX_PAGE_SIZE,
            "next_page": _('A Link header with rel="next" while more requests follow.'),
        },
    }
    return _public(_render(fmt, data, root="discovery"))


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(part.strip() for part in category.name.split(",") if part.strip()),
        "group": str(Kind.FEEDBACK.label),
    }


@require_safe
def services(request, fmt):
    data = [_service(category) for category in Category.objects.filter(is_active=True)]
    return _public(_render(fmt, data, root="services"))


@require_safe
def service_definition(request, service_code, fmt):
    category = Category.objects.filter(code=service_code, is_active=True).first()
    if category is None:
        return _errors(fmt, 404, _("No service has the code %(code)s.") % {"code": service_code})
    data = {"service_code": category.code, "attributes": _attributes()}
    return _public(_render(fmt, data, root="service_definition"))


def _attributes() -> list[dict]:
    """What a request may add: its kind, and what a denunciation needs (Luật Tố cáo 2018,
    Điều 23: the denouncer's name and address, a way to contact them, the content)."""
    return [
        {
            "variable": True,
            "code": "kind",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("One of the keys below; feedback when absent."),
            "order": 1,
            "description": _("What is sent"),
            "values": [{"key": kind.value, "name": str(kind.label)} for kind in POSTED_KINDS],
        },
        {
            "variable": True,
            "code": "person_denounced",
            "datatype": "string",
            "required": False,
            "datatype_description": "",
            "order": 2,
            "description": _("For a denunciation: the person or body denounced"),
        },
        {
            "variable": True,
            "code": "reporter_address",
            "datatype": "string",
            "required": False,
            "datatype_description": "",
            "order": 3,
            "description": _(
                "For a denunciation: the denouncer's address (without a name and address it "
                "is kept as information, not handled as a denunciation)"
            ),
        },
    ]


# Reading service requests


def public_cases():
    """Feedback cases as Open311 shows them: no personal field is even loaded."""
    events = CaseEvent.objects.filter(case=OuterRef("pk"), is_public=True).order_by("-at", "-id")
    return (
        Case.objects.filter(kind__in=PUBLIC_KINDS)
        .select_related("category", "responsible", "commune", "rejection_reason", "deadline_rule")
        .only(
            "code",
            "status",
            "description",
            "address",
            "latitude",
            "longitude",
            "received_at",
            "deadline",
            "deadline_step",
            "deadline_start_event",
            "category__code",
            "category__name",
            "responsible__name",
            "commune__code",
            "rejection_reason__text",
            "deadline_rule__amount",
            "deadline_rule__unit",
            "deadline_rule__legal_basis",
            "deadline_rule__starts_from",
        )
        .annotate(
            last_note=Subquery(events.exclude(public_note="").values("public_note")[:1]),
            last_event_at=Subquery(events.values("at")[:1]),
        )
        .order_by("-received_at", "-id")
    )


def _notice(case: Case) -> str:
    """The running deadline's rule in words, with the event it counts from."""
    rule = case.deadline_rule
    if case.deadline is None or rule is None:
        return ""
    return _("%(step)s within %(amount)s %(unit)s from %(event)s (%(basis)s).") % {
        "step": DeadlineRule.Step(case.deadline_step).label
        if case.deadline_step
        else _("Handling"),
        "amount": rule.amount,
        "unit": rule.get_unit_display(),
        "event": ClockEvent(case.deadline_start_event).label
        if case.deadline_start_event
        else rule.get_starts_from_display(),
        "basis": rule.legal_basis,
    }


class _Latest(TypedDict):
    """What public_cases() annotates on each case."""

    last_note: str | None
    last_event_at: datetime.datetime | None


def _request_data(case: "WithAnnotations[Case, _Latest]") -> dict:
    if case.status == Status.REJECTED and case.rejection_reason is not None:
        notes = case.rejection_reason.text
    else:
        notes = case.last_note or ""
    return {
        "service_request_id": case.code,
        "status": "open" if case.status in OPEN_STATES else "closed",
        "status_notes": notes,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": case.responsible.name,
        "service_notice": _notice(case),
        "requested_datetime": _when(case.received_at),
        "updated_datetime": _when(case.last_event_at or case.received_at),
        "expected_datetime": _when(case.deadline),
        "address": case.address,
        "address_id": case.commune.code or None,
        "zipcode": None,
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": None,
    }


def _values(params, name: str) -> list[str]:
    """A parameter given comma-separated, repeated, or both."""
    return [v.strip() for item in params.getlist(name) for v in item.split(",") if v.strip()]


def _moment(value: str, *, end: bool) -> datetime.datetime:
    """A W3C date or datetime; a bare end date counts to the end of its day."""
    value = _LOST_PLUS.sub(r"\1+\2", value.strip())
    moment = datetime.datetime.fromisoformat(value)
    if end and _DATE_ONLY.match(value):
        moment += datetime.timedelta(days=1, microseconds=-1)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def filter_requests(params):
    """The cases a GET requests query asks for, and the errors of its parameters."""
    qs = public_cases()
    codes = _values(params, "service_request_id")
    if codes:  # the spec: ids override every other parameter
        return qs.filter(code__in=[code.upper() for code in codes[:MAX_RESULTS]]), []
    errors = []
    service_codes = _values(params, "service_code")
    if service_codes:
        qs = qs.filter(category__code__in=service_codes)
    statuses = {status.lower() for status in _values(params, "status")}
    if statuses - {"open", "closed"}:
        errors.append(_("status must be open or closed."))
    elif statuses == {"open"}:
        qs = qs.filter(status__in=OPEN_STATES)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=OPEN_STATES)
    bounds = {}
    for name in ("start_date", "end_date"):
        value = params.get(name, "").strip()
        if not value:
            continue
        try:
            bounds[name] = _moment(value, end=name == "end_date")
        except ValueError:
            errors.append(
                _("%(name)s must be a W3C date-time such as 2026-01-05T08:15:30+07:00.")
                % {"name": name}
            )
    if errors:
        return qs.none(), errors
    start, end = bounds.get("start_date"), bounds.get("end_date")
    if start is None and end is None:
        start = timezone.now() - WINDOW
    elif start is None:
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    elif start > end:
        return qs.none(), [_("start_date must come before end_date.")]
    elif end - start > WINDOW:
        return qs.none(), [_("start_date and end_date may not span more than 90 days.")]
    qs = qs.filter(received_at__gte=start)
    if end is not None:
        qs = qs.filter(received_at__lte=end)
    return qs, []


@require_safe
def service_request(request, code, fmt):
    case = public_cases().filter(code=code).first()
    if case is None:
        return _errors(fmt, 404, _("No service request has the id %(id)s.") % {"id": code})
    return _public(_render(fmt, [_request_data(case)], root="service_requests"))


def _number(params, name: str, default: int, maximum: int, errors: list[str]) -> int:
    """A whole number parameter from 1 to maximum; the default when absent."""
    value = params.get(name, "").strip()
    if not value:
        return default
    if value.isascii() and value.isdigit() and 1 <= int(value) <= maximum:
        return int(value)
    errors.append(
        _("%(name)s must be a whole number from 1 to %(maximum)s.")
        % {"name": name, "maximum": maximum}
    )
    return default


def page_of(params) -> tuple[int, int, list[str]]:
    """The page asked for (1-based), its size, and the errors of those parameters."""
    errors: list[str] = []
    size = _number(params, "page_size", PAGE_SIZE, MAX_PAGE_SIZE, errors)
    page = _number(params, "page", 1, MAX_PAGE, errors)
    return page, size, errors


@csrf_exempt  # clients authenticate with their API key, not a session
@require_http_methods(["GET", "HEAD", "POST"])
def service_requests(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    qs, errors = filter_requests(request.GET)
    if _values(request.GET, "service_request_id"):  # the spec: ids override everything else
        page, size = 1, MAX_RESULTS
    else:
        page, size, paging_errors = page_of(request.GET)
        errors += paging_errors
    if errors:
        return _errors(fmt, 400, *errors)
    # One row past the page tells whether another page follows, without a count.
    start = (page - 1) * size
    rows = list(qs[start : start + size + 1])
    data = [_request_data(case) for case in rows[:size]]
    response = _public(_render(fmt, data, root="service_requests"))
    if len(rows) > size:
        following = request.GET.copy()
        following["page"] = str(page + 1)
        following["page_size"] = str(size)
        url = request.build_absolute_uri(f"{request.path}?{following.urlencode()}")
        response["Link"] = f'<{url}>; rel="next"'
    return response


# Posting a service request


def _over_limit(request) -> bool:
    """Count this POST against the client's network; True past the limit of the period."""
    return ratelimit.hit(request, "open311") > 0


def key_is_valid(raw: str) -> bool:
    """True when the raw key's sha256 matches an active key (compared in constant time)."""
    if not raw:
        return False
    digest = hashlib.sha256(raw.encode()).hexdigest()
    hashes = ApiKey.objects.filter(prefix=raw[:8], is_active=True).values_list(
        "key_hash", flat=True
    )
    return any([hmac.compare_digest(stored, digest) for stored in hashes])


def communes():
    return Unit.objects.filter(kind=UnitKind.COMMUNE).current()


def nearest_commune(latitude: float, longitude: float) -> Unit | None:
    """The current commune whose centre is nearest, if one lies within MAX_DISTANCE."""
    return organisation_queries.nearest_commune(latitude, longitude, max_distance=MAX_DISTANCE)


def commune_named_in(text: str) -> Unit | None:
    """The one current commune whose name the address holds ("phường Hà Đông", "Hà Đông").

    A full name beats a bare one, a longer name a shorter; a tie between two communes
    (the same name in two provinces) places nothing.
    """
    haystack = f" {words(text)} "
    found = []
    for pk, name in communes().values_list("pk", "name"):
        full = words(name)
        bare = next((full[len(p) :] for p in COMMUNE_PREFIXES if full.startswith(p)), "")
        for exact, needle in ((1, full), (0, bare)):
            if needle and f" {needle} " in haystack:
                found.append(((exact, len(needle)), pk))
                break
    if not found:
        return None
    found.sort(reverse=True)
    if len(found) > 1 and found[0][0] == found[1][0]:
        return None
    return Unit.objects.get(pk=found[0][1])


def commune_from_text(text: str) -> Unit | None:
    if commune_from_address is not None:
        found = commune_from_address(text)
        return found if isinstance(found, Unit) else None
    return commune_named_in(text)


def _coordinates(data, errors: list[str]) -> tuple[float | None, float | None]:
    lat, long = data.get("lat", "").strip(), data.get("long", "").strip()
    if not lat and not long:
        return None, None
    try:
        latitude, longitude = float(lat), float(long)
    except ValueError:
        latitude = longitude = math.nan
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # also false for NaN
        errors.append(_("lat and long must both be WGS84 decimal degrees."))
        return None, None
    return latitude, longitude


def _place(data, latitude, longitude, errors: list[str]) -> Unit | None:
    """The commune of the request: by address_id (its official code), point, or address."""
    address_id = data.get("address_id", "").strip()
    address = data.get("address_string", "").strip()
    if not (address_id or latitude is not None or address):
        errors.append(_("Give the place: lat and long, address_string or address_id."))
        return None
    commune = None
    if address_id:
        commune = communes().filter(code=address_id).first()
    if commune is None and latitude is not None:
        commune = nearest_commune(latitude, longitude)
    if commune is None and address:
        commune = commune_from_text(address)
    if commune is None:
        errors.append(_("This place is not in a commune or ward served here."))
    return commune


def _contact(data, errors: list[str]) -> dict:
    email = data.get("email", "").strip()
    phone = data.get("phone", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("email is not a valid address."))
    max_length = Case._meta.get_field("reporter_phone").max_length
    if max_length is not None and len(phone) > max_length:
        errors.append(_("phone is too long."))
    # Vietnamese order: family name first.
    name = " ".join(
        part for part in (data.get("last_name", "").strip(), data.get("first_name", "").strip())
    ).strip()
    return {"reporter_name": name[:120], "reporter_phone": phone, "reporter_email": email}


def _post_request(request, fmt):
    if _over_limit(request):
        return _errors(fmt, 429, _("Too many requests from this address; try again later."))
    if not key_is_valid(request.POST.get("api_key", "")):
        return _errors(fmt, 403, _("A valid api_key is needed to post a service request."))
    data = request.POST
    errors: list[str] = []
    code = data.get("service_code", "").strip()
    category = Category.objects.filter(code=code, is_active=True).first() if code else None
    if category is None:
        errors.append(
            _("No service has the code %(code)s.") % {"code": code}
            if code
            else _("service_code is required.")
        )
    description = data.get("description", "").strip()
    if not description:
        errors.append(_("description is required."))
    media_url = data.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append(_("media_url must be an http or https address."))
    kind = data.get("attribute[kind]", "").strip() or Kind.FEEDBACK
    if kind not in POSTED_KINDS:
        errors.append(
            _("attribute[kind] must be one of: %(kinds)s.") % {"kinds": ", ".join(POSTED_KINDS)}
        )
    contact = _contact(data, errors)
    contact["reporter_address"] = data.get("attribute[reporter_address]", "").strip()[:300]
    latitude, longitude = _coordinates(data, errors)
    commune = _place(data, latitude, longitude, errors)
    if errors:
        return _errors(fmt, 400, *errors)
    text = description
    if media_url:  # kept as a link, never fetched
        text += "\n\n" + _("Picture: %(url)s") % {"url": media_url}
    try:
        case = submit_case(
            channel=Channel.OPEN311,
            kind=kind,
            category=category,
            commune=commune,
            title=Truncator(description.splitlines()[0]).chars(120),
            description=text,
            address=data.get("address_string", ""),
            latitude=latitude,
            longitude=longitude,
            # The client's terms of use carry the citizen's consent to these details.
            consent=any(contact.values()),
            person_denounced=data.get("attribute[person_denounced]", "").strip()[:300]
            if kind == Kind.DENUNCIATION
            else "",
            **contact,
        )
    except ValidationError as error:
        return _errors(fmt, 400, *error.messages)
    notice = _("Received and sent to %(unit)s. Follow it with the code %(code)s.") % {
        "unit": case.responsible.name,
        "code": case.code,
    }
    law = intake_notice(case)
    if law:
        notice = f"{notice} {law}"
    data = [{"service_request_id": case.code, "service_notice": notice, "account_id": None}]
    return _render(fmt, data, root="service_requests", status=201)
