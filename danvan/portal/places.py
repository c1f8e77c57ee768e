"""Reads behind the citizen's front door: the public home, the commune finder, a commune's
page and the map of the city's communes. Only what a citizen may see, nothing personal; each
read is a fixed number of queries whatever the number of rows."""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from danvan.democracy.models import Consultation
from danvan.lib.charts import Chart, Spot, dot_map
from danvan.lib.vntext import search_key, words
from danvan.organisations.models import Unit, UnitKind
from danvan.organisations.queries import communes_by_name, nearest_commune
from danvan.portal.queries import (
    city_communes,
    for_library_list,
    library_models,
    public_publications,
)
from danvan.voice.models import Case, Kind, ReceptionSchedule
from danvan.voice.scorecards import Scorecard, league_table, scorecard

# The kinds whose cases are public service requests (as Open311 shows them): complaints,
# denunciations and receptions protect the person who brought them.
PUBLIC_CASE_KINDS = (Kind.FEEDBACK, Kind.RECOMMENDATION)
RECENT_CASES = 10
RECENT_MODELS = 10
# The front door's figures are computed at most once in this time (settings.PUBLIC_PAGE_SECONDS,
# when it keeps pages at all).
HEADLINE_SECONDS = 60


def window_seconds() -> int:
    return settings.PUBLIC_PAGE_SECONDS or HEADLINE_SECONDS


def freshness_window(now: float | None = None) -> int:
    """The current window of settings.PUBLIC_PAGE_SECONDS: the front door's figures, and the
    visitors' copies of the public pages kept by window (portal.middleware), are computed once
    a window and dropped at its end together, so nothing a visitor reads is older than one
    window."""
    return int((time.time() if now is None else now) // window_seconds())


def commune_slug(name: str) -> str:
    """The readable address of a commune's page: its folded name ("phuong-ba-dinh")."""
    return slugify(words(name))


def year_to_date(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today.replace(month=1, day=1), today


# The home page ------------------------------------------------------------------------------


@dataclass
class Headline:
    year: int
    received: int
    on_time_pct: float | None
    satisfaction_pct: float | None
    answered_pct: float | None
    models: int


def headline_figures(city: Unit) -> Headline:
    """The city's figures for the home page: this year's cases (from the roll-up), answered
    on time, satisfied, and the recognised models; kept for a few minutes."""
    start, end = year_to_date()
    key = f"portal:headline:{city.pk}:{end}:{freshness_window()}"
    found = cache.get(key)
    if found is None:
        card = scorecard(city, start, end)
        found = Headline(
            year=end.year,
            received=card.received,
            on_time_pct=card.on_time_pct,
            satisfaction_pct=card.satisfaction_pct,
            answered_pct=card.answered_pct,
            models=library_models().filter(unit__path__startswith=city.path).count(),
        )
        cache.set(key, found, window_seconds())
    return found


# The commune finder -------------------------------------------------------------------------


@dataclass
class Found:
    commune: Unit
    slug: str
    via: Unit | None  # the old district or commune (2025 reform) the name was found under


def find_communes(city: Unit, query: str) -> list[Found]:
    """The city's current communes named by a query: a current name, or an old district's
    or commune's name closed on 30 June 2025 (leading to the communes that replaced it)."""
    return [
        Found(commune, commune_slug(commune.name), via)
        for commune, via in communes_by_name(city, query)
    ]


def commune_near(city: Unit, latitude: float, longitude: float) -> Unit | None:
    return nearest_commune(latitude, longitude, within=city)


def get_commune_by_slug(slug: str) -> Unit:
    """The city's current commune whose folded name is the slug; 404 for anything else."""
    wanted = slug.replace("-", " ").strip()
    if not wanted or wanted != words(wanted):
        raise Http404
    candidates = city_communes().filter(search_text__contains=search_key(wanted))
    for commune in candidates:
        if commune_slug(commune.name) == slug:
            return commune
    raise Http404


# A commune's page ---------------------------------------------------------------------------


def recent_answered_cases(commune: Unit) -> list[Case]:
    """The commune's latest answered feedback and recommendations: topic, title, dates and
    whether on time; never the sender, the handler, the answer or the tracking code."""
    return list(
        Case.objects.filter(commune=commune, kind__in=PUBLIC_CASE_KINDS, answered_at__isnull=False)
        .select_related("category")
        .only(
            "id",
            "kind",
            "title",
            "received_at",
            "answered_at",
            "answered_late",
            "satisfied",
            "category__id",
            "category__name",
        )
        .order_by("-answered_at", "-id")[:RECENT_CASES]
    )


def commune_models(commune: Unit) -> list:
    return list(
        for_library_list(library_models().filter(unit__path__startswith=commune.path))[
            :RECENT_MODELS
        ]
    )


def open_consultations(commune: Unit) -> list[Consultation]:
    today = timezone.localdate()
    return list(
        Consultation.objects.filter(commune=commune, opens_on__lte=today, closes_on__gte=today)
        .only("id", "title", "opens_on", "closes_on")
        .order_by("closes_on", "id")[:10]
    )


def reception_days(commune: Unit) -> list[ReceptionSchedule]:
    """The weekly citizen-reception days held in the commune (its chair's and its bodies')."""
    return list(
        ReceptionSchedule.objects.filter(unit__path__startswith=commune.path, is_active=True)
        .select_related("unit")
        .only("id", "weekday", "place", "host", "unit__id", "unit__name")
        .order_by("weekday", "unit__name", "id")[:14]
    )


def responsible_units(commune: Unit) -> list[Unit]:
    """The commune's Party, State and Front bodies in force: who handles what people send."""
    return list(
        Unit.objects.filter(parent=commune)
        .current()
        .exclude(kind=UnitKind.HAMLET)
        .only("id", "name", "kind", "path")
        .order_by("path")
    )


def former_units(commune: Unit) -> list[Unit]:
    """The communes (and their districts) the commune replaced on 1 July 2025."""
    return list(
        commune.predecessors.select_related("parent")
        .only("id", "name", "parent__id", "parent__name")
        .order_by("search_text", "pk")
    )


def commune_page(commune: Unit) -> dict:
    start, end = year_to_date()
    return {
        "card": scorecard(commune, start, end),
        "start": start,
        "end": end,
        "cases": recent_answered_cases(commune),
        "models": commune_models(commune),
        "consultations": open_consultations(commune),
        "publications": list(public_publications(commune)[:5]),
        "reception": reception_days(commune),
        "bodies": responsible_units(commune),
        "former": former_units(commune),
    }


# The map ------------------------------------------------------------------------------------


def city_map(city: Unit, start: datetime.date, end: datetime.date) -> Chart | None:
    """The map of the city's communes for a period (lib.charts.dot_map); its figures are kept
    for the window (see _map_spots). None when no commune has coordinates."""
    key = f"portal:map:{city.pk}:{start}:{end}:{freshness_window()}"
    spots = cache.get(key)
    if spots is None:
        spots = _map_spots(city, start, end)
        cache.set(key, spots, window_seconds())
    if not spots:
        return None
    return dot_map(
        _("Answered on time, commune by commune"),
        spots,
        category=_("Commune / ward"),
        more_names=(_("Received"), _("Answered")),
        value_name=_("Answered on time"),
        no_data=_("no answered case"),
    )


def _map_spots(city: Unit, start: datetime.date, end: datetime.date) -> list[Spot]:
    """Each current commune of the city at its centre (from the national list of units), with
    its on-time rate for cases received in the period, linked to its page. Four queries."""
    cards: dict[int, Scorecard] = {row.unit.pk: row for row in league_table(city, start, end)}
    spots = []
    for commune in city_communes().only("id", "name", "path", "latitude", "longitude"):
        if commune.latitude is None or commune.longitude is None:
            continue
        card = cards.get(commune.pk)
        spots.append(
            Spot(
                commune.name,
                commune.latitude,
                commune.longitude,
                card.on_time_pct if card else None,
                href=reverse("public:commune", args=[commune_slug(commune.name)]),
                more=(card.received if card else 0, card.answered if card else 0),
            )
        )
    return spots
