"""The reads of the awards pages, always within the reader's scope ("missing" and "not
yours" are the same 404): nominations, decisions, awards, verdicts and the choice lists."""

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.fields.json import KT
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from danvan.awards.models import (
    Award,
    AwardType,
    Council,
    Decision,
    Nomination,
    NominationStatus,
    Verdict,
)
from danvan.cadres.models import Cadre, Posting, current_q
from danvan.organisations.kinds import ISSUERS
from danvan.organisations.models import Unit


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def holds(user, perm: str) -> bool:
    """Whether the user holds the permission on at least one unit."""
    paths = user.paths_for(perm)
    return paths is None or bool(paths)


# --- Nominations ------------------------------------------------------------------------------


def nominations_for(user):
    return Nomination.objects.visible_to(user, perm="awards.view")


def get_nomination_for_user(user, pk) -> Nomination:
    return get_object_or_404(
        nominations_for(user).select_related(
            "award_type",
            "proposer",
            "decider",
            "authority",
            "unit",
            "cadre",
            "council",
            "outcome_rule",
        ),
        pk=_pk(pk),
    )


def filtered_nominations(user, params: dict):
    qs = nominations_for(user).for_list()
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("award"):
        qs = qs.filter(award_type__code=params["award"])
    if params.get("year"):
        qs = qs.filter(year=params["year"])
    return qs.order_by("-created_at", "-id")


def vote_counts(nominations) -> dict[int, tuple[int, int]]:
    """Nomination id → (votes in favour, votes cast), in one query."""
    rows = (
        Nomination.objects.filter(pk__in=[n.pk for n in nominations])
        .annotate(
            yes=Count("votes", filter=Q(votes__approve=True)),
            cast=Count("votes"),
        )
        .values_list("pk", "yes", "cast")
    )
    return {pk: (yes, cast) for pk, yes, cast in rows}


def council_of(nomination: Nomination) -> Council | None:
    if nomination.council_id is not None:
        return nomination.council
    return Council.objects.filter(unit=nomination.decider, year=nomination.year).first()


def ready_for_decision(user, decider: Unit, code: str, status: str):
    """The files of one award sent to a body, in a state (approved, sent up)."""
    return (
        nominations_for(user)
        .filter(decider=decider, award_type__code=code, status=status)
        .select_related("award_type", "unit", "cadre", "proposer")
        .order_by("created_at", "id")
    )


# --- Awards and decisions ---------------------------------------------------------------------


def awards_for(user):
    """Awards the user's scope reaches: a collective's under its unit, a person's while the
    person is posted (or their file kept) in the scope."""
    if not getattr(user, "is_authenticated", False):
        return Award.objects.none()
    paths = user.paths_for("awards.view")
    if paths is None:
        return Award.objects.all()
    if not paths:
        return Award.objects.none()
    if _covers_every_unit(paths):
        # Every award's scope unit, every posting's unit and every file's unit lie under
        # the paths (all three are required): the scope test would keep every row, and
        # on PostgreSQL it costs the page and its count a hashed table of today's postings
        # each.
        return Award.objects.all()
    # The person's posting held today, as cadres' scope reads it, tested row by row (an
    # EXISTS per award): the list walks the awards newest first and stops at its page,
    # where a list of every visible cadre would be built first for the whole city.
    today = timezone.localdate()
    # The file's unit is tested the same way, not joined: with a join PostgreSQL split the
    # condition between the scan and the join and built each test's hash twice.
    held = Posting.objects.filter(current_q(today), cadre=OuterRef("cadre_id"))
    under_posting = Q(pk__in=[])
    under_file = Q(pk__in=[])
    collective = Q(pk__in=[])
    for path in paths:
        under_posting |= Q(unit__path__startswith=path)
        under_file |= Q(record_unit__path__startswith=path)
        collective |= Q(cadre__isnull=True, scope_path__startswith=path)
    filed = Exists(Cadre.objects.filter(under_file, pk=OuterRef("cadre_id")))
    person = Q(cadre__isnull=False) & (Exists(held.filter(under_posting)) | (~Exists(held) & filed))
    return Award.objects.filter(collective | person)


def _covers_every_unit(paths: list[str]) -> bool:
    """Whether the paths reach the whole tree (a city board's scope): no unit outside them."""
    outside = Q()
    for path in paths:
        outside &= ~Q(path__startswith=path)
    return not Unit.objects.filter(outside).exists()


def filtered_awards(user, params: dict):
    qs = awards_for(user).for_list()
    if params.get("award"):
        qs = qs.filter(award_type__code=params["award"])
    if params.get("year"):
        qs = qs.filter(year=params["year"])
    if params.get("who") == "individual":
        qs = qs.filter(cadre__isnull=False)
    elif params.get("who") == "collective":
        qs = qs.filter(unit__isnull=False)
    if params.get("revoked") == "yes":
        qs = qs.filter(revoked_on__isnull=False)
    elif params.get("revoked") == "no":
        qs = qs.filter(revoked_on__isnull=True)
    if params.get("q"):
        qs = qs.filter(recipient_name__icontains=params["q"])
    return qs.order_by("-year", "-id")


def award_rows(user, params: dict):
    """The awards list's rows: the filtered awards with only what the list shows (the
    award's name, the decision's number and date) — not the person's or the unit's row."""
    return (
        filtered_awards(user, params)
        .select_related(None)
        .select_related("award_type", "decision__issuer")
        .only(
            "id",
            "year",
            "recipient_name",
            "revoked_on",
            "amount",
            "award_type__name",
            "decision__number",
            "decision__symbol",
            "decision__date",
            "decision__issuer__branch",
        )
    )


def get_award_for_user(user, pk) -> Award:
    return get_object_or_404(
        awards_for(user).select_related(
            "award_type",
            "decision__issuer__parent",
            "decision__award_type",
            "unit",
            "cadre",
            "base_salary",
            "practice_model",
            "presented_at",
            "nomination",
        ),
        pk=_pk(pk),
    )


def decisions_for(user):
    """Decisions of a body in the user's scope, or awarding someone the user sees."""
    if not getattr(user, "is_authenticated", False):
        return Decision.objects.none()
    paths = user.paths_for("awards.view")
    if paths is None:
        return Decision.objects.all()
    condition = Q(pk__in=awards_for(user).values("decision_id"))
    for path in paths:
        condition |= Q(issuer__path__startswith=path)
    return Decision.objects.filter(condition)


def get_decision_for_user(user, pk) -> Decision:
    return get_object_or_404(
        decisions_for(user).select_related("issuer__parent", "award_type", "authority"),
        pk=_pk(pk),
    )


# --- Verdicts ---------------------------------------------------------------------------------


def verdicts_for(
    user,
    *,
    code: str,
    year: int,
    status: str = "eligible",
    unit: Unit | None = None,
    collective: bool = False,
):
    """A year's verdicts of an award in the user's scope: people's, or collectives'."""
    qs = Verdict.objects.visible_to(user, perm="awards.view").filter(
        award_code=code, year=year, unit__isnull=not collective
    )
    if unit is not None:
        qs = qs.filter(scope_path__startswith=unit.path)
    if status == "eligible":
        qs = qs.filter(eligible=True)
    elif status == "soon":
        qs = qs.filter(eligible=False, eligible_from__isnull=False)
    # By unit, then as recorded: the order the list index gives. The list shows whether a
    # verdict is frozen, not its explanation (a kilobyte or two).
    shown = ["id", "cadre_id", "unit_id", "eligible", "eligible_from", "scope_path"]
    if collective:
        qs = qs.select_related("unit", "scope_unit").only(*shown, "unit__name", "scope_unit__name")
    else:
        qs = qs.select_related("cadre", "scope_unit").only(
            *shown, "cadre__full_name", "cadre__birth_year", "scope_unit__name"
        )
    return qs.annotate(frozen=KT("explanation__frozen")).order_by("scope_path", "id")


# --- Choice lists -----------------------------------------------------------------------------


def catalogue_in_force(on=None):
    return AwardType.objects.in_force(on).order_by("rank", "code")


def proposing_units(user):
    return (
        Unit.objects.visible_to(user, perm="awards.nominate")
        .current()
        .filter(kind__in=ISSUERS)
        .order_by("path")
    )


def deciding_units(user):
    return (
        Unit.objects.visible_to(user, perm="awards.decide")
        .current()
        .filter(kind__in=ISSUERS)
        .order_by("path")
    )


def open_statuses():
    return [
        NominationStatus.DRAFT,
        NominationStatus.SUBMITTED,
        NominationStatus.APPROVED,
        NominationStatus.SENT_UP,
    ]
