"""What the contests' services share: permission checks, conflicts of interest, the lock on
a round and the refusal messages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from danvan.contests.models import Contest, JudgeAssignment, Round, RoundEntry, RoundStatus
from danvan.organisations.models import Unit, UnitKind
from danvan.registry.services import territory_of


def person(actor):
    """The user to store as the author: None for the system."""
    return actor if getattr(actor, "is_authenticated", False) else None


def require_perm(actor, perm: str, unit: Unit) -> None:
    """Refuse an actor without the named permission (contests/rules.py) on the unit; None is
    the system."""
    if actor is not None and not actor.has_perm(perm, unit):
        raise PermissionDenied(_("This unit is outside your scope."))


def require_manager(actor, contest: Contest) -> None:
    require_perm(actor, "contests.manage", contest.organiser)


def territory(contest: Contest) -> Unit:
    """The commune or city whose units may compete in the contest."""
    return territory_of(contest.organiser)


def territories(contests) -> dict[int, Unit]:
    """Each contest's area (see territory), for many contests in one query."""
    contests = list(contests)
    ids = {pk for c in contests for pk in [*c.organiser.ancestor_ids(), c.organiser_id]}
    found = {
        u.pk: u
        for u in Unit.objects.filter(pk__in=ids, kind__in=(UnitKind.PROVINCE, UnitKind.COMMUNE))
    }
    areas = {}
    for contest in contests:
        chain = [*contest.organiser.ancestor_ids(), contest.organiser_id]
        deepest = next((found[pk] for pk in reversed(chain) if pk in found), None)
        areas[contest.pk] = deepest or contest.organiser
    return areas


def lock_round(round_: Round) -> Round:
    """The round's row, locked until the end of the transaction: a save, a reveal and the
    closing of the round happen one after the other, never across each other."""
    return Round.objects.select_for_update().select_related("contest__organiser").get(pk=round_.pk)


def require_status(round_: Round, *allowed: str) -> None:
    if round_.status in allowed:
        return
    messages = {
        RoundStatus.SETUP: _("The round has not been opened for scoring yet."),
        RoundStatus.SCORING: _("The round is being scored: close it first."),
        RoundStatus.CLOSED: _("The round is closed: nothing can be changed any more."),
        RoundStatus.CONFIRMED: _("The round's results are confirmed: nothing can be changed."),
    }
    raise ValidationError(messages[RoundStatus(round_.status)], code="round_status")


def conflict_reason(home: Unit, competitor: Unit) -> str | None:
    """Why a judge from `home` may not judge a team of `competitor`, or None."""
    if home.pk == competitor.pk:
        return _("the judge's unit is the competing unit")
    if competitor.path.startswith(home.path):
        return _("the judge's unit is above the competing unit")
    if home.path.startswith(competitor.path):
        return _("the judge's unit belongs to the competing unit")
    return None


def conflicts(assignment: JudgeAssignment, entries) -> list[str]:
    """The refusals of a judge's assignment against the round's teams it covers."""
    found = []
    for entry in entries:
        if not assignment.covers(entry):
            continue
        reason = conflict_reason(assignment.home_unit, entry.team.unit)
        if reason:
            found.append(
                _(
                    "%(juror)s (%(home)s) may not judge the team of %(unit)s: %(reason)s "
                    "(conflict of interest)."
                )
                % {
                    "juror": assignment.juror.get_full_name(),
                    "home": assignment.home_unit.name,
                    "unit": entry.team.unit.name,
                    "reason": reason,
                }
            )
    return found


def round_entries(round_: Round) -> list[RoundEntry]:
    return list(
        round_.entries.select_related("team__unit", "team__cluster").order_by("order", "id")
    )
