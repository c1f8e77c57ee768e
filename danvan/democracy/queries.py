"""Reads of grassroots democracy for staff screens, always within the reader's scope: a
commune, hamlet or record outside it answers 404, as a missing one does."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from danvan.democracy.metrics import missing_publications
from danvan.democracy.models import (
    Board,
    BoardMember,
    Comment,
    CommentGroup,
    Consultation,
    Dialogue,
    HamletStat,
    Household,
    Matter,
    Publication,
    VotingCode,
)
from danvan.organisations.models import Unit, UnitKind


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def _perm(edit: bool) -> str:
    return "democracy.edit" if edit else "democracy.view"


def _units(user, edit: bool):
    return Unit.objects.visible_to(user, perm=_perm(edit))


def get_commune_for_user(user, pk, *, edit: bool = False) -> Unit:
    """A commune in the user's scope (with edit: where they may record), else 404."""
    return get_object_or_404(
        _units(user, edit).filter(kind=UnitKind.COMMUNE).select_related("parent"), pk=_pk(pk)
    )


def get_hamlet_for_user(user, pk, *, edit: bool = False) -> Unit:
    return get_object_or_404(
        _units(user, edit).filter(kind=UnitKind.HAMLET).select_related("parent"), pk=_pk(pk)
    )


def _get(qs, user, pk, edit: bool, field: str = "commune"):
    return get_object_or_404(
        qs.filter(**{f"{field}__in": _units(user, edit).values("id")}), pk=_pk(pk)
    )


def get_publication_for_user(user, pk, *, edit: bool = False) -> Publication:
    return _get(Publication.objects.select_related("commune", "group", "rule"), user, pk, edit)


def get_household_for_user(user, pk, *, edit: bool = False) -> Household:
    return _get(Household.objects.select_related("hamlet"), user, pk, edit, "hamlet")


def get_matter_for_user(user, pk, *, edit: bool = False) -> Matter:
    qs = Matter.objects.select_related("commune", "hamlet", "rule", "petition", "recognised_by")
    return _get(qs, user, pk, edit, "hamlet")


def get_consultation_for_user(user, pk, *, edit: bool = False) -> Consultation:
    return _get(Consultation.objects.select_related("commune"), user, pk, edit)


def get_board_for_user(user, pk, *, edit: bool = False) -> Board:
    return _get(Board.objects.select_related("commune"), user, pk, edit)


def get_dialogue_for_user(user, pk, *, edit: bool = False) -> Dialogue:
    return _get(Dialogue.objects.select_related("commune"), user, pk, edit)


def communes_in_scope(user):
    """The current communes the user's roles reach, by name."""
    return (
        Unit.objects.visible_to(user, perm="democracy.view")
        .filter(kind=UnitKind.COMMUNE)
        .current()
        .order_by("search_text")
        .only("id", "name", "path", "kind", "parent_id")
    )


def hamlets_of(commune: Unit) -> list[Unit]:
    """The commune's current hamlets with the households on their registers (two queries)."""
    hamlets = list(
        Unit.objects.filter(path__startswith=commune.path, kind=UnitKind.HAMLET)
        .current()
        .order_by("search_text")
        .only("id", "name", "path")
    )
    counts = dict(
        HamletStat.objects.filter(hamlet__in=[h.pk for h in hamlets]).values_list(
            "hamlet_id", "households"
        )
    )
    for hamlet in hamlets:
        hamlet.households = counts.get(hamlet.pk, 0)  # type: ignore[attr-defined]
    return hamlets


def publications_of(commune: Unit, params: dict):
    """A commune's publications behind the list's filters: q, group, state."""
    qs = Publication.objects.filter(commune=commune)
    if params.get("group"):
        qs = qs.filter(group=params["group"])
    state = params.get("state")
    if state == "overdue":
        qs = qs.overdue()
    elif state == "unpublished":
        qs = qs.filter(published_on__isnull=True)
    elif state == "late":
        qs = qs.filter(late=True)
    if params.get("q"):
        qs = qs.search(params["q"])
    return qs.for_list().order_by("-document_date", "-id")


def households_of(hamlet: Unit, query: str = ""):
    qs = Household.objects.filter(hamlet=hamlet)
    if query:
        qs = qs.search(query)
    return qs.only("id", "head_name", "members", "address", "is_active", "hamlet_id").order_by(
        "search_text", "id"
    )


def matters_of(commune: Unit):
    return Matter.objects.filter(commune=commune).for_list().order_by("-vote_date", "-id")


def matters_of_hamlet(hamlet: Unit):
    return Matter.objects.filter(hamlet=hamlet).for_list().order_by("-vote_date", "-id")


def consultations_of(commune: Unit):
    return (
        Consultation.objects.filter(commune=commune)
        .annotate(n_comments=Count("comments", distinct=True))
        .only("id", "title", "kind", "opens_on", "closes_on", "report_published_on")
        .order_by("-opens_on", "-id")
    )


def boards_of(commune: Unit):
    today = timezone.localdate()
    current = Q(members__left_on__isnull=True) | Q(members__left_on__gte=today)
    return (
        Board.objects.filter(commune=commune)
        .annotate(
            n_members=Count("members", filter=current & Q(members__joined_on__lte=today)),
            n_recommendations=Count("recommendations", distinct=True),
        )
        .order_by("kind", "-term_start", "id")
    )


def dialogues_of(commune: Unit):
    return (
        Dialogue.objects.filter(commune=commune)
        .annotate(n_items=Count("items"))
        .order_by("-held_on", "-id")
    )


def consultation_detail(consultation: Consultation):
    """The comments of a consultation and its groups with their comments (three queries)."""
    comments = list(consultation.comments.select_related("entered_by").order_by("created_at"))
    groups = list(
        consultation.groups.prefetch_related(
            Prefetch("comments", queryset=Comment.objects.order_by("created_at"))
        )
    )
    return comments, groups


def board_detail(board: Board):
    members = list(board.members.order_by("left_on", "position", "full_name"))
    plans = list(board.plans.all())
    findings = list(board.findings.select_related("plan"))
    recommendations = list(
        board.recommendations.select_related("responsible", "case", "finding").order_by(
            "-sent_on", "-id"
        )
    )
    return members, plans, findings, recommendations


def current_members(board: Board) -> list[BoardMember]:
    today = timezone.localdate()
    return [
        m
        for m in board.members.all()
        if m.joined_on <= today and (m.left_on is None or m.left_on >= today)
    ]


def voting_slips(matter: Matter):
    """The codes of an online vote with their household (head and address): for the hamlet
    to hand out; staff only."""
    return (
        VotingCode.objects.filter(matter=matter)
        .select_related("household")
        .only("id", "code", "household__id", "household__head_name", "household__address")
        .order_by("household__search_text", "household_id")
    )


def commune_overview(commune: Unit) -> dict:
    """What the commune's democracy page leads with: overdue and missing publications."""
    today = timezone.localdate()
    overdue = list(
        Publication.objects.overdue(today).filter(commune=commune).for_list().order_by("due_on")
    )
    missing = missing_publications([commune], today)[commune.pk]
    return {"overdue": overdue, "missing": missing, "today": today}


def group_choices(consultation: Consultation) -> list[CommentGroup]:
    return list(consultation.groups.order_by("id"))
