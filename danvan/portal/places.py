"""Reads behind the citizen's front door: the public home, the commune finder, a commune's
page and the map of the city's communes. Only what a citizen may see, nothing personal; each
read is a fixed number of queries whatever the number of rows."""

import datetime
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from danvan.democracy.models import Consultation
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

MAP_WIDTH = 640
MAP_MARGIN = 12
DOT_RADIUS = 6
# On-time rate bands, best first: (lowest rate, colour, label key).
BANDS = (
    (90.0, "#1a7f37", "high"),
    (70.0, "#b35900", "middle"),
    (0.0, "#c21f32", "low"),
)
NO_DATA = "#8a8f98"


@dataclass
class Dot:
    unit: Unit
    slug: str
    x: float
    y: float
    received: int
    answered: int
    on_time_pct: float | None
    colour: str
    band: str


@dataclass
class CityMap:
    width: int
    height: int
    dots: list[Dot]
    start: datetime.date
    end: datetime.date


def _band(pct: float | None) -> tuple[str, str]:
    if pct is None:
        return NO_DATA, "none"
    for lowest, colour, band in BANDS:
        if pct >= lowest:
            return colour, band
    return NO_DATA, "none"


def city_map(city: Unit, start: datetime.date, end: datetime.date) -> CityMap:
    """The map of the city's communes for a period, kept for a few minutes (see _city_map)."""
    key = f"portal:map:{city.pk}:{start}:{end}:{freshness_window()}"
    found = cache.get(key)
    if found is None:
        found = _city_map(city, start, end)
        cache.set(key, found, window_seconds())
    return found


def _city_map(city: Unit, start: datetime.date, end: datetime.date) -> CityMap:
    """Each current commune of the city with its centre (from the national list of units)
    placed on a plane, and its on-time rate for cases received in the period. Four queries."""
    communes = [
        c
        for c in city_communes().only("id", "name", "path", "latitude", "longitude")
        if c.latitude is not None and c.longitude is not None
    ]
    cards: dict[int, Scorecard] = {row.unit.pk: row for row in league_table(city, start, end)}
    if not communes:
        return CityMap(MAP_WIDTH, 0, [], start, end)
    lats = [c.latitude for c in communes]
    lons = [c.longitude for c in communes]
    shrink = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * shrink, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = (MAP_WIDTH - 2 * MAP_MARGIN) / span_x
    height = round(span_y * scale + 2 * MAP_MARGIN)
    dots = []
    for commune in communes:
        card = cards.get(commune.pk)
        pct = card.on_time_pct if card else None
        colour, band = _band(pct)
        dots.append(
            Dot(
                unit=commune,
                slug=commune_slug(commune.name),
                x=round(MAP_MARGIN + (commune.longitude - min(lons)) * shrink * scale, 1),
                y=round(MAP_MARGIN + (max(lats) - commune.latitude) * scale, 1),
                received=card.received if card else 0,
                answered=card.answered if card else 0,
                on_time_pct=pct,
                colour=colour,
                band=band,
            )
        )
    return CityMap(MAP_WIDTH, height, dots, start, end)
