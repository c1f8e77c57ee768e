"""Reads behind the public pages: only what a citizen may see, nothing personal."""

import re

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from danvan.democracy.metrics import members_now, minimum_members
from danvan.democracy.models import (
    Board,
    CommentGroup,
    Consultation,
    Dialogue,
    Matter,
    MatterStatus,
    Publication,
    VoteMethod,
)
from danvan.democracy.scorecards import version_annotations, version_of
from danvan.organisations.models import SEGMENT_WIDTH, Unit, UnitKind
from danvan.registry.models import PracticeModel, Replication, Status
from danvan.voice.models import CODE_ALPHABET, Case, CaseEvent, Category
from danvan.voice.places import HANOI_CODE


def library_models():
    """Models the public may see: recognised at some level and not withdrawn."""
    return PracticeModel.objects.recognised().exclude(status=Status.WITHDRAWN)


def for_library_list(qs):
    """The columns of the library's list, newest recognition first (one query a page)."""
    return (
        qs.select_related("unit", "field", "recognised_level")
        .only(
            "id",
            "name",
            "kind",
            "year",
            "recognised_on",
            "unit__id",
            "unit__name",
            "unit__path",
            "field__id",
            "field__name",
            "recognised_level__id",
            "recognised_level__name",
        )
        .order_by("-recognised_on", "-id")
    )


def filter_library(params: dict):
    """The recognised models matching the library's filters (q, field, kind, year, commune)."""
    qs = library_models()
    if params.get("field"):
        qs = qs.filter(field=params["field"])
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("year"):
        qs = qs.filter(year=params["year"])
    if params.get("commune"):
        qs = qs.filter(unit__path__startswith=params["commune"].path)
    if params.get("q"):
        qs = qs.search(params["q"])
    return qs


def current_communes():
    """Hà Nội's communes and wards in force today, by name: the library's place filter."""
    communes = Unit.objects.filter(kind=UnitKind.COMMUNE).current()
    return communes.order_by("name").only("id", "name", "path")


def library_years() -> list[int]:
    """The campaign years that have at least one recognised model, newest first."""
    return list(library_models().order_by("-year").values_list("year", flat=True).distinct())


def _lineage_ids(unit: Unit) -> list[int]:
    """The ids of a unit and its ancestors, root first, read from its path."""
    path = unit.path
    step = SEGMENT_WIDTH + 1
    return [int(path[i : i + SEGMENT_WIDTH]) for i in range(0, len(path), step)]


def communes_of(units) -> dict[int, Unit]:
    """Map each unit's id to the commune it lies in (itself when it is one), in one query."""
    units = list(units)
    wanted = {pk for unit in units for pk in _lineage_ids(unit)}
    if not wanted:
        return {}
    communes = {
        c.pk: c
        for c in Unit.objects.filter(pk__in=wanted, kind=UnitKind.COMMUNE)
        .order_by()
        .only("id", "name")
    }
    found = {}
    for unit in units:
        for pk in reversed(_lineage_ids(unit)):
            if pk in communes:
                found[unit.pk] = communes[pk]
                break
    return found


def get_public_model(pk) -> PracticeModel:
    """Return a recognised model for its public page; 404 for anything else."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    qs = library_models().select_related("unit", "field", "recognised_level")
    return get_object_or_404(
        qs.only(
            "id",
            "name",
            "kind",
            "year",
            "situation",
            "goals",
            "content",
            "area",
            "outputs",
            "sustainability",
            "results",
            "recognised_on",
            "unit__id",
            "unit__name",
            "unit__path",
            "field__id",
            "field__name",
            "recognised_level__id",
            "recognised_level__name",
        ),
        pk=pk,
    )


def public_replications(model: PracticeModel) -> list[Replication]:
    """The units that adopted a model, with their version, results and dates (one query)."""
    return list(
        Replication.objects.filter(model=model)
        .select_related("unit", "adopted_from__unit")
        .only(
            "id",
            "title",
            "start_date",
            "results",
            "unit__id",
            "unit__name",
            "adopted_from__id",
            "adopted_from__unit__id",
            "adopted_from__unit__name",
        )
        .order_by("start_date", "id")
    )


# Citizen voice -------------------------------------------------------------------------

_CODE_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015]+")  # spaces, dots, any dash
CODE_LENGTH = 12

# What the tracking page reads of a case: never the reporter's details, the handler or notes.
PUBLIC_CASE_FIELDS = (
    "id",
    "code",
    "kind",
    "status",
    "title",
    "description",
    "received_at",
    "answered_at",
    "closed_at",
    "deadline",
    "deadline_step",
    "deadline_start",
    "deadline_start_event",
    "forward_deadline",
    "forward_start",
    "forward_start_event",
    "forward_overdue",
    "overdue",
    "filed_as",
    "information_reason",
    "information_use",
    "missing_details",
    "decision_known_on",
    "limitation_ends",
    "time_barred",
    "limitation_outcome",
    "answered_late",
    "answer",
    "satisfied",
    "rated_at",
    "reopened_count",
    "category__id",
    "category__name",
    "commune__id",
    "commune__name",
    "responsible__id",
    "responsible__name",
    "deadline_rule__id",
    "deadline_rule__legal_basis",
    "forward_rule__id",
    "forward_rule__legal_basis",
)


def get_shared_case(pk) -> tuple[Case, int]:
    """A public-interest case as anyone may follow it, and how many cases were merged into it.

    Feedback and recommendations only (complaints and denunciations concern a person), and
    only what the commune page shows of them: no description, answer, sender or handler.
    A merged case leads to the case it follows. 404 for anything else.
    """
    from danvan.voice.similar import PUBLIC_KINDS

    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    case = get_object_or_404(
        Case.objects.filter(kind__in=PUBLIC_KINDS)
        .select_related("category", "commune")
        .only(
            "id",
            "kind",
            "status",
            "title",
            "received_at",
            "deadline",
            "answered_at",
            "answered_late",
            "merged_into_id",
            "category__id",
            "category__name",
            "commune__id",
            "commune__name",
        ),
        pk=pk,
    )
    merged = Case.objects.filter(merged_into_id=case.pk).count()
    return case, merged


def normalise_code(text: str | None) -> str | None:
    """Return a tracking code as printed ("7K3Q-M9XW-2HDT"), or None if it cannot be one.

    Case and dashes do not matter: "7k3q m9xw 2hdt" and "7K3QM9XW2HDT" are the same code.
    """
    raw = _CODE_SEPARATORS.sub("", text or "").upper()
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def get_public_case(code: str) -> Case:
    """Return the case with this tracking code for its public page; 404 for anything else."""
    printed = normalise_code(code)
    if printed is None:
        raise Http404
    qs = Case.objects.select_related(
        "category", "commune", "responsible", "deadline_rule", "forward_rule"
    )
    return get_object_or_404(qs.only(*PUBLIC_CASE_FIELDS), code=printed)


def public_events(case: Case) -> list[CaseEvent]:
    """The steps of a case the public may see, oldest first (one query)."""
    return list(
        CaseEvent.objects.filter(case=case, is_public=True)
        .only("id", "at", "action", "public_note")
        .order_by("at", "id")
    )


def active_categories():
    """The topics a citizen may choose; submit_case checks `is_active` again."""
    return (
        Category.objects.filter(is_active=True)
        .only("id", "name", "is_active")
        .order_by("order", "name")
    )


def city_communes():
    """The current communes and wards of Hà Nội, in Vietnamese alphabetical order."""
    return (
        Unit.objects.filter(
            kind=UnitKind.COMMUNE, parent__kind=UnitKind.PROVINCE, parent__code=HANOI_CODE
        )
        .current()
        .order_by("search_text", "pk")
        # What submit_case and the scorecards read of the chosen commune.
        .only("id", "name", "path", "kind", "code", "valid_from", "valid_to")
    )


def get_city() -> Unit:
    """The city whose scorecards the public page shows."""
    city = (
        Unit.objects.filter(kind=UnitKind.PROVINCE, code=HANOI_CODE)
        .current()
        .order_by("pk")
        .only("id", "name", "path", "kind")
        .first()
    )
    if city is None:
        raise Http404
    return city


def get_city_commune(pk) -> Unit:
    """A current commune of the city for its public scorecard; 404 for any other unit."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    return get_object_or_404(city_communes(), pk=pk)


# Grassroots democracy ----------------------------------------------------------------------


def get_democracy_commune(pk) -> tuple[Unit, str]:
    """A current commune of the city for its public democracy page, and the version of what
    the page shows (scorecards.version_of): one query; 404 for any other unit."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    commune = get_object_or_404(city_communes().annotate(**version_annotations()), pk=pk)
    return commune, version_of(commune)


def get_democracy_city() -> tuple[Unit, str]:
    """The city of the public democracy scorecard and the version of what it shows."""
    city = (
        Unit.objects.filter(kind=UnitKind.PROVINCE, code=HANOI_CODE)
        .current()
        .order_by("pk")
        .only("id", "name", "path", "kind")
        .annotate(**version_annotations())
        .first()
    )
    if city is None:
        raise Http404
    return city, version_of(city)


def public_publications(commune: Unit, query: str = ""):
    """What a commune published (not documents still waiting), newest first."""
    qs = Publication.objects.filter(commune=commune, published_on__isnull=False)
    if query:
        qs = qs.search(query)
    return (
        qs.select_related("group")
        .only(
            "id",
            "title",
            "document_number",
            "document_date",
            "published_on",
            "posted_until",
            "late",
            "channels",
            "group__id",
            "group__name",
        )
        .order_by("-published_on", "-id")
    )


def public_matters(commune: Unit) -> list[Matter]:
    """The commune's tallied votes with their counts: no household is named."""
    return list(
        Matter.objects.filter(commune=commune)
        .exclude(status=MatterStatus.OPEN, method__in=[VoteMethod.MEETING, VoteMethod.PAPER])
        .select_related("hamlet", "rule")
        .only(
            "id",
            "kind",
            "title",
            "method",
            "vote_date",
            "status",
            "households_total",
            "participated",
            "yes",
            "no",
            "outcome",
            "decided_by",
            "recognised_on",
            "hamlet__id",
            "hamlet__name",
            "rule__id",
            "rule__share_num",
            "rule__share_den",
            "rule__share_strict",
            "rule__matter_kind",
        )
        .order_by("-vote_date", "-id")[:50]
    )


def public_consultations(commune: Unit) -> list[Consultation]:
    return list(
        Consultation.objects.filter(commune=commune)
        .annotate(n_comments=Count("comments"))
        .only("id", "title", "kind", "opens_on", "closes_on", "report_published_on")
        .order_by("-opens_on", "-id")[:50]
    )


def public_boards(commune: Unit) -> list[Board]:
    """The commune's boards in their term: kind, project, how many members, whether in place,
    recommendations sent and answered (no member is named)."""
    today = timezone.localdate()
    boards: list[Board] = list(
        Board.objects.filter(commune=commune)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
        .annotate(
            n_members=Count("members", filter=members_now(today), distinct=True),
            n_sent=Count("recommendations", distinct=True),
            n_answered=Count(
                "recommendations",
                filter=Q(recommendations__case__answered_at__isnull=False),
                distinct=True,
            ),
        )
        .only("id", "kind", "name", "project", "term_start", "term_end")
        .order_by("kind", "name")
    )
    minimum = minimum_members(today)
    for board in boards:
        board.in_place = (  # type: ignore[attr-defined]
            board.term_start <= today
            and board.kind in minimum
            and board.n_members >= minimum[board.kind]  # type: ignore[attr-defined]
        )
    return boards


def public_dialogues(commune: Unit) -> list[Dialogue]:
    return list(
        Dialogue.objects.filter(commune=commune)
        .annotate(n_items=Count("items"))
        .only("id", "held_on", "place", "chaired_by", "participants")
        .order_by("-held_on")[:10]
    )


def get_public_consultation(pk) -> Consultation:
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    return get_object_or_404(
        Consultation.objects.filter(commune__in=city_communes()).select_related("commune"),
        pk=pk,
    )


def public_groups(consultation: Consultation) -> list[CommentGroup]:
    """The groups of comments with their answers, once the report is published (comments'
    texts and contacts stay with the commune)."""
    if consultation.report_published_on is None:
        return []
    return list(
        consultation.groups.annotate(n=Count("comments")).only(
            "id", "title", "response", "answer", "consultation_id"
        )
    )


def get_public_matter(pk) -> Matter:
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    return get_object_or_404(
        Matter.objects.filter(commune__in=city_communes())
        .select_related("commune", "hamlet", "rule")
        .defer("minutes", "created_by", "recognised_by"),
        pk=pk,
    )
