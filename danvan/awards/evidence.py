"""What a nomination file may cite as evidence from the contests: the confirmed prizes its
nominee won.

A collective's prizes are those won by the unit or a unit under it. A person's are those of
a team the person played in: a team of the unit where the person was posted in the prize's
year (or of a unit above it in the same commune or city), listing a member of the person's
name (a team's members are written as names, not linked to cadres' profiles).
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from danvan.awards.models import Nomination
from danvan.contests.models import Prize
from danvan.lib.vntext import fold
from danvan.organisations.models import Unit
from danvan.organisations.queries import territory_of


def _person_prize_ids(nomination: Nomination) -> list[int]:
    cadre = nomination.cadre
    assert cadre is not None
    today = timezone.localdate()
    where = Q(pk__in=[])
    for posting in cadre.postings.select_related("unit"):
        territory = territory_of(posting.unit)
        paths = [
            path
            for path in [*posting.unit.ancestor_paths(), posting.unit.path]
            if path.startswith(territory.path)
        ]
        where |= Q(
            team__unit__path__in=paths,
            year__gte=posting.start.year,
            year__lte=(posting.end or today).year,
        )
    name = fold(cadre.full_name)
    candidates = (
        Prize.objects.confirmed().filter(where).prefetch_related("team__members").distinct()
    )
    return [
        prize.pk
        for prize in candidates
        if any(fold(member.full_name) == name for member in prize.team.members.all())
    ]


def prizes_of_nominee(nomination: Nomination) -> QuerySet[Prize]:
    """The confirmed prizes won by the nominee up to the file's year."""
    prizes = Prize.objects.confirmed().filter(year__lte=nomination.year)
    if nomination.unit is not None:
        return prizes.filter(unit__path__startswith=nomination.unit.path)
    return prizes.filter(pk__in=_person_prize_ids(nomination))


def offered_prizes(user, nomination: Nomination) -> QuerySet[Prize]:
    """The nominee's prizes whose winning unit lies in the user's scope, for the evidence
    form to offer."""
    units = Unit.objects.visible_to(user, perm="awards.nominate")
    return (
        prizes_of_nominee(nomination)
        .filter(unit__in=units.values("pk"))
        .select_related("round__contest", "unit", "team")
        .order_by("-year", "round__contest__name", "id")
    )


def prize_label(prize: Prize) -> str:
    """How a prize reads in a file: its title (which names the contest) and the decision."""
    label = prize.title
    if prize.decision_number and prize.decision_date:
        symbol = f"/{prize.decision_symbol}" if prize.decision_symbol else ""
        label += f" (QĐ số {prize.decision_number:02d}{symbol} ngày {prize.decision_date:%d/%m/%Y})"
    return label
