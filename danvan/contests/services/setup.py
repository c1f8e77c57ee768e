"""Setting a contest up: the contest and its place in the tree, clusters, teams, rounds and
their parts, prizes and judges, and opening a round for scoring."""

import random
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danvan.contests.models import (
    CONTEST_TRANSITIONS,
    Contest,
    ContestCluster,
    ContestStatus,
    JudgeAssignment,
    Level,
    PrizeKind,
    PrizeQuota,
    Round,
    RoundEntry,
    RoundKind,
    RoundPart,
    RoundStatus,
    Rubric,
    Score,
    ScoringRule,
    Team,
    TeamMember,
)
from danvan.contests.services.common import (
    conflicts,
    lock_round,
    person,
    require_manager,
    require_perm,
    require_status,
    round_entries,
    territory,
)
from danvan.core.audit import log_action, snapshot
from danvan.organisations.demo import in_sentence
from danvan.organisations.models import Cluster, Unit
from danvan.registry.services import territory_of

LEVEL_RANK = {Level.GRASSROOTS: 1, Level.COMMUNE: 2, Level.DISTRICT: 3, Level.CITY: 4}
CONTEST_FIELDS = [
    "name",
    "year",
    "level",
    "parent",
    "sends_up",
    "description",
    "registration_until",
]


# Contests ------------------------------------------------------------------------------


def _check_parent(contest: Contest, parent: Contest | None) -> None:
    if parent is None:
        return
    if parent.pk == contest.pk:
        raise ValidationError(_("A contest cannot send its winners to itself."), code="parent")
    if parent.year != contest.year:
        raise ValidationError(
            _("The contest above must be of the same year (%(year)s).") % {"year": contest.year},
            code="parent",
        )
    if LEVEL_RANK[Level(parent.level)] <= LEVEL_RANK[Level(contest.level)]:
        raise ValidationError(
            _("The contest above must be of a higher level than this one."), code="parent"
        )
    if not contest.organiser.path.startswith(territory(parent).path):
        raise ValidationError(
            _("The organiser of this contest is outside the area of the contest above."),
            code="parent",
        )


@transaction.atomic
def create_contest(
    *,
    actor,
    organiser: Unit,
    name: str,
    year: int,
    level: str,
    parent: Contest | None = None,
    sends_up: int = 1,
    description: str = "",
    registration_until=None,
) -> Contest:
    """Set up a contest of a unit in the actor's scope (being prepared)."""
    require_perm(actor, "contests.manage", organiser)
    if not name.strip():
        raise ValidationError(_("Give the contest a name."), code="name")
    contest = Contest(
        organiser=organiser,
        name=name.strip(),
        year=year,
        level=level,
        parent=parent,
        sends_up=sends_up,
        description=description,
        registration_until=registration_until,
        created_by=person(actor),
    )
    _check_parent(contest, parent)
    contest.full_clean()
    contest.save()
    log_action(
        actor=actor, action="contests.create", obj=contest, unit=organiser, after=snapshot(contest)
    )
    return contest


@transaction.atomic
def update_contest(*, actor, contest: Contest, **changes) -> Contest:
    require_manager(actor, contest)
    unknown = set(changes) - set(CONTEST_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if contest.status == ContestStatus.FINISHED:
        raise ValidationError(_("A finished contest can no longer be changed."), code="finished")
    before = snapshot(contest, CONTEST_FIELDS)
    for name, value in changes.items():
        setattr(contest, name, value)
    _check_parent(contest, contest.parent)
    contest.full_clean()
    contest.save()
    after = snapshot(contest, CONTEST_FIELDS)
    if before != after:
        log_action(
            actor=actor,
            action="contests.update",
            obj=contest,
            unit=contest.organiser,
            before=before,
            after=after,
        )
    return contest


@transaction.atomic
def set_contest_status(*, actor, contest: Contest, to: str) -> Contest:
    """Open or close registration (the other moves follow the rounds)."""
    require_manager(actor, contest)
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    return _move_contest(actor=actor, contest=contest, to=to)


def _move_contest(*, actor, contest: Contest, to: str) -> Contest:
    if to not in CONTEST_TRANSITIONS[ContestStatus(contest.status)]:
        raise ValidationError(
            _("A contest that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": ContestStatus(contest.status).label,
                "target": ContestStatus(to).label,
            },
            code="transition",
        )
    before = contest.status
    contest.status = to
    contest.save(update_fields=["status"])
    log_action(
        actor=actor,
        action="contests.status",
        obj=contest,
        unit=contest.organiser,
        before={"status": before},
        after={"status": to},
    )
    return contest


def open_registration(*, actor, contest: Contest) -> Contest:
    return set_contest_status(actor=actor, contest=contest, to=ContestStatus.REGISTRATION)


# Clusters ------------------------------------------------------------------------------


def _cluster_of_unit(unit: Unit, members: dict[int, ContestCluster]) -> ContestCluster | None:
    """The contest cluster whose source cluster holds the unit or one of its ancestors."""
    for pk in [unit.pk, *reversed(unit.ancestor_ids())]:
        if pk in members:
            return members[pk]
    return None


def _require_no_scoring(contest: Contest) -> None:
    if contest.rounds.exclude(status=RoundStatus.SETUP).exists():
        raise ValidationError(
            _("A round is already being scored: the clusters can no longer change."),
            code="started",
        )


@transaction.atomic
def clusters_from_foundation(
    *, actor, contest: Contest, clusters: Sequence[Cluster]
) -> list[ContestCluster]:
    """Take the foundation's emulation clusters of the contest's year as its clusters, and
    place each team in the cluster of its unit."""
    require_manager(actor, contest)
    _require_no_scoring(contest)
    if not clusters:
        raise ValidationError(_("Choose at least one cluster."), code="clusters")
    wrong = [c for c in clusters if c.year != contest.year]
    if wrong:
        raise ValidationError(
            _("Only the clusters of %(year)s can be used.") % {"year": contest.year},
            code="cluster_year",
        )
    Team.objects.filter(contest=contest).update(cluster=None)
    contest.clusters.all().delete()
    made = []
    members: dict[int, ContestCluster] = {}
    for number, cluster in enumerate(sorted(clusters, key=lambda c: c.name), start=1):
        made.append(
            ContestCluster.objects.create(
                contest=contest,
                number=number,
                name=_cluster_name(cluster.name, number),
                source=cluster,
            )
        )
        for unit_id in cluster.units.values_list("pk", flat=True):
            members[unit_id] = made[-1]
    placed = 0
    for team in Team.objects.filter(contest=contest).select_related("unit"):
        found = _cluster_of_unit(team.unit, members)
        if found is not None:
            team.cluster = found
            team.save(update_fields=["cluster"])
            placed += 1
    log_action(
        actor=actor,
        action="contests.clusters",
        obj=contest,
        unit=contest.organiser,
        after={"clusters": [c.source_id for c in made], "teams_placed": placed},
    )
    return made


def _cluster_name(source_name: str, number: int) -> str:
    return source_name or _("Cluster %(number)s") % {"number": number}


@transaction.atomic
def draw_clusters(
    *, actor, contest: Contest, count: int, rng: random.Random | None = None
) -> list[ContestCluster]:
    """Draw the registered teams into `count` clusters of near-equal size (ad hoc clusters);
    the draw is recorded in the audit trail."""
    require_manager(actor, contest)
    _require_no_scoring(contest)
    teams = list(Team.objects.filter(contest=contest).order_by("pk"))
    if count < 1 or count > max(1, len(teams)):
        raise ValidationError(
            _("The number of clusters must be between 1 and the number of teams (%(n)s).")
            % {"n": len(teams)},
            code="cluster_count",
        )
    (rng or random.SystemRandom()).shuffle(teams)
    Team.objects.filter(contest=contest).update(cluster=None)
    contest.clusters.all().delete()
    made = [
        ContestCluster.objects.create(
            contest=contest, number=n, name=_("Cluster %(number)s") % {"number": n}
        )
        for n in range(1, count + 1)
    ]
    drawn: dict[int, list[int]] = {c.number: [] for c in made}
    for index, team in enumerate(teams):
        cluster = made[index % count]
        team.cluster = cluster
        team.save(update_fields=["cluster"])
        drawn[cluster.number].append(team.pk)
    log_action(
        actor=actor, action="contests.clusters", obj=contest, unit=contest.organiser,
        after={"drawn": drawn},
    )  # fmt: skip
    return made


@transaction.atomic
def place_team(*, actor, team: Team, cluster: ContestCluster | None) -> Team:
    """Move a team to another cluster of its contest by hand."""
    require_manager(actor, team.contest)
    _require_no_scoring(team.contest)
    if cluster is not None and cluster.contest_id != team.contest_id:
        raise ValidationError(_("That cluster belongs to another contest."), code="cluster")
    before = team.cluster_id
    team.cluster = cluster
    team.save(update_fields=["cluster"])
    log_action(
        actor=actor,
        action="contests.team_cluster",
        obj=team,
        unit=team.contest.organiser,
        before={"cluster": before},
        after={"cluster": cluster.pk if cluster else None},
    )
    return team


# Teams ---------------------------------------------------------------------------------


def _clean_members(members: Iterable[dict]) -> list[dict]:
    cleaned = []
    for member in members:
        name = (member.get("full_name") or "").strip()
        if not name:
            continue
        cleaned.append(
            {
                "full_name": name[:150],
                "position": (member.get("position") or "").strip()[:200],
                "is_leader": bool(member.get("is_leader")),
            }
        )
    return cleaned


def _set_members(team: Team, members: list[dict]) -> None:
    team.members.all().delete()
    TeamMember.objects.bulk_create(
        TeamMember(team=team, order=n, **member) for n, member in enumerate(members, start=1)
    )


def _check_models(unit: Unit, practice_models) -> None:
    area = territory_of(unit).path
    outside = [m for m in practice_models if not m.unit.path.startswith(area)]
    if outside:
        raise ValidationError(
            _("A team presents only the models of its own commune or city: %(names)s.")
            % {"names": ", ".join(m.name for m in outside)},
            code="models",
        )


def _default_team_name(unit: Unit) -> str:
    """“Đội thi phường Ba Đình”: a stored name, in Vietnamese whoever registers it."""
    with translation.override("vi"):
        return _("Team of %(unit)s") % {"unit": in_sentence(unit.name)}


@transaction.atomic
def register_team(
    *,
    actor,
    contest: Contest,
    unit: Unit,
    name: str = "",
    members: Iterable[dict] = (),
    practice_models=(),
    source: Team | None = None,
) -> Team:
    """Register a unit's team: by the unit's staff while registration is open, or by the
    organiser while the contest is being prepared or open for registration."""
    organiser = actor is None or actor.has_perm("contests.manage", contest.organiser)
    if not organiser:
        require_perm(actor, "contests.register", unit)
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    allowed = {ContestStatus.REGISTRATION} | ({ContestStatus.DRAFT} if organiser else set())
    if contest.status not in allowed:
        raise ValidationError(_("This contest is not open for registration."), code="closed")
    if not unit.path.startswith(territory(contest).path):
        raise ValidationError(
            _("%(unit)s is outside the area of this contest.") % {"unit": unit.name},
            code="area",
        )
    if Team.objects.filter(contest=contest, unit=unit).exists():
        raise ValidationError(
            _("%(unit)s has already registered a team in this contest.") % {"unit": unit.name},
            code="duplicate",
        )
    practice_models = list(practice_models)
    _check_models(unit, practice_models)
    team = Team(
        contest=contest,
        unit=unit,
        name=(name or "").strip() or _default_team_name(unit),
        source=source,
        registered_by=person(actor),
    )
    clusters = {
        unit_id: cluster
        for cluster in contest.clusters.filter(source__isnull=False).select_related("source")
        for unit_id in cluster.source.units.values_list("pk", flat=True)  # type: ignore[union-attr]
    }
    team.cluster = _cluster_of_unit(unit, clusters)
    team.full_clean(exclude=["practice_models"])
    team.save()
    _set_members(team, _clean_members(members))
    if practice_models:
        team.practice_models.set(practice_models)
    log_action(
        actor=actor,
        action="contests.register_team",
        obj=team,
        unit=unit,
        after={"contest": contest.pk, "unit": unit.pk, "source": source.pk if source else None},
    )
    return team


@transaction.atomic
def update_team(
    *, actor, team: Team, name: str, members: Iterable[dict], practice_models=()
) -> Team:
    """Change a team's name, members and models until its contest's rounds begin."""
    if actor is not None and not actor.has_perm("contests.manage", team.contest.organiser):
        require_perm(actor, "contests.register", team.unit)
    if team.contest.status not in (ContestStatus.DRAFT, ContestStatus.REGISTRATION):
        raise ValidationError(
            _("The contest is under way: its teams can no longer change."), code="started"
        )
    practice_models = list(practice_models)
    _check_models(team.unit, practice_models)
    before = {"name": team.name, "members": list(team.members.values_list("full_name", flat=True))}
    if not name.strip():
        raise ValidationError(_("Give the team a name."), code="name")
    team.name = name.strip()
    team.save(update_fields=["name"])
    cleaned = _clean_members(members)
    _set_members(team, cleaned)
    team.practice_models.set(practice_models)
    log_action(
        actor=actor,
        action="contests.update_team",
        obj=team,
        unit=team.unit,
        before=before,
        after={"name": team.name, "members": [m["full_name"] for m in cleaned]},
    )
    return team


# Rounds --------------------------------------------------------------------------------

ROUND_FIELDS = [
    "name",
    "kind",
    "by_cluster",
    "scoring_rule",
    "advance_per_cluster",
    "advance_runners_up",
    "tie_break_part",
    "held_on",
    "venue",
]


def usable_rules(contest: Contest, model=ScoringRule):
    """Rule rows (scoring rules or rubrics) in force that the contest's organiser may use:
    those of every organiser and those of the organiser or a unit above it."""
    units = [*contest.organiser.ancestor_ids(), contest.organiser.pk]
    return model.objects.in_force().filter(Q(issuer__isnull=True) | Q(issuer_id__in=units))


def _check_round(round_: Round) -> None:
    if not usable_rules(round_.contest).filter(pk=round_.scoring_rule_id).exists():
        raise ValidationError(
            _("That scoring rule is not in force or not open to this contest."), code="rule"
        )
    if round_.tie_break_part_id and round_.tie_break_part.round_id != round_.pk:  # type: ignore[union-attr]
        raise ValidationError(_("The tie-break part must be a part of this round."), code="part")
    if round_.by_cluster and not round_.contest.clusters.exists():
        raise ValidationError(
            _("Set the contest's clusters before ranking a round per cluster."), code="clusters"
        )
    if round_.advance_runners_up and not round_.advance_per_cluster:
        raise ValidationError(
            _("Runners-up advance only after the best of each cluster."), code="advance"
        )


@transaction.atomic
def add_round(
    *,
    actor,
    contest: Contest,
    name: str,
    kind: str,
    scoring_rule: ScoringRule,
    by_cluster: bool = False,
    advance_per_cluster: int = 0,
    advance_runners_up: int = 0,
    held_on=None,
    venue: str = "",
) -> Round:
    require_manager(actor, contest)
    if contest.status == ContestStatus.FINISHED:
        raise ValidationError(_("A finished contest can no longer be changed."), code="finished")
    last = contest.rounds.aggregate(last=Max("order"))["last"] or 0
    if contest.rounds.filter(kind=RoundKind.FINAL).exists():
        raise ValidationError(_("The final is the contest's last round."), code="after_final")
    round_ = Round(
        contest=contest,
        order=last + 1,
        name=name.strip() or str(RoundKind(kind).label),
        kind=kind,
        scoring_rule=scoring_rule,
        by_cluster=by_cluster,
        advance_per_cluster=advance_per_cluster,
        advance_runners_up=advance_runners_up,
        held_on=held_on,
        venue=venue,
    )
    _check_round(round_)
    round_.full_clean()
    round_.save()
    log_action(
        actor=actor,
        action="contests.add_round",
        obj=round_,
        unit=contest.organiser,
        after=snapshot(round_, ROUND_FIELDS),
    )
    return round_


@transaction.atomic
def update_round(*, actor, round_: Round, **changes) -> Round:
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.SETUP)
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    before = snapshot(round_, ROUND_FIELDS)
    for name, value in changes.items():
        setattr(round_, name, value)
    _check_round(round_)
    round_.full_clean()
    round_.save()
    log_action(
        actor=actor,
        action="contests.update_round",
        obj=round_,
        unit=round_.contest.organiser,
        before=before,
        after=snapshot(round_, ROUND_FIELDS),
    )
    return round_


@transaction.atomic
def add_part(
    *, actor, round_: Round, name: str, kind: str, rubric: Rubric, weight: Decimal = Decimal(1)
) -> RoundPart:
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.SETUP)
    if not usable_rules(round_.contest, Rubric).filter(pk=rubric.pk).exists():
        raise ValidationError(
            _("That rubric is not in force or not open to this contest."), code="rubric"
        )
    if not rubric.criteria.exists():
        raise ValidationError(_("That rubric has no criteria."), code="rubric")
    last = round_.parts.aggregate(last=Max("order"))["last"] or 0
    part = RoundPart(
        round=round_, order=last + 1, name=name.strip(), kind=kind, weight=weight, rubric=rubric
    )
    part.full_clean()
    part.save()
    log_action(
        actor=actor,
        action="contests.add_part",
        obj=round_,
        unit=round_.contest.organiser,
        after={"part": part.name, "rubric": rubric.pk, "weight": str(weight)},
    )
    return part


@transaction.atomic
def remove_part(*, actor, part: RoundPart) -> None:
    round_ = part.round
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.SETUP)
    Round.objects.filter(pk=round_.pk, tie_break_part=part).update(tie_break_part=None)
    log_action(
        actor=actor,
        action="contests.remove_part",
        obj=round_,
        unit=round_.contest.organiser,
        before={"part": part.name},
    )
    part.delete()


def _entry_count(round_: Round) -> tuple[int, int | None]:
    """How many teams the round has (or will have), and the smallest cluster's size."""
    entries = round_.entries.select_related("team")
    if entries.exists():
        teams = [e.team for e in entries]
    elif round_.order == 1 or not round_.contest.rounds.filter(order__lt=round_.order).exists():
        teams = list(round_.contest.teams.all())
    else:
        return 0, None
    if round_.by_cluster:
        sizes: dict = {}
        for team in teams:
            sizes[team.cluster_id] = sizes.get(team.cluster_id, 0) + 1
        return len(teams), min(sizes.values()) if sizes else 0
    return len(teams), len(teams)


def _check_prize_counts(round_: Round, ranked_total: int) -> None:
    teams, smallest = _entry_count(round_)
    if smallest is None or not teams:
        return
    if ranked_total > smallest:
        if round_.by_cluster:
            message = _(
                "%(count)s prizes per cluster is more than the teams of the smallest cluster "
                "(%(teams)s)."
            )
        else:
            message = _("%(count)s prizes is more than the teams of the round (%(teams)s).")
        raise ValidationError(message % {"count": ranked_total, "teams": smallest}, code="prizes")


@transaction.atomic
def set_prize_quota(
    *,
    actor,
    round_: Round,
    kind: PrizeKind,
    count: int,
    part: RoundPart | None = None,
    title: str = "",
) -> PrizeQuota | None:
    """Set how many prizes of a kind the round gives (0 removes it)."""
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.SETUP, RoundStatus.SCORING)
    if not kind.is_active:
        raise ValidationError(_("That prize is no longer in use."), code="kind")
    if part is not None and part.round_id != round_.pk:
        raise ValidationError(_("The part must be a part of this round."), code="part")
    if not kind.ranked and part is None:
        raise ValidationError(
            _("A special prize goes to the best team of a part: choose the part."), code="part"
        )
    if kind.ranked:
        part = None
    if count < 0:
        raise ValidationError(_("The number of prizes cannot be negative."), code="count")
    existing = PrizeQuota.objects.filter(round=round_, kind=kind, part=part).first()
    others = round_.quotas.filter(kind__ranked=True)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    ranked_total = sum(q.count for q in others) + (count if kind.ranked else 0)
    _check_prize_counts(round_, ranked_total)
    if not kind.ranked:
        _check_prize_counts(round_, count)
    before = {"count": existing.count if existing else 0}
    if count == 0:
        if existing is not None:
            existing.delete()
        quota = None
    else:
        quota, _created = PrizeQuota.objects.update_or_create(
            round=round_, kind=kind, part=part, defaults={"count": count, "title": title.strip()}
        )
    log_action(
        actor=actor,
        action="contests.prize_quota",
        obj=round_,
        unit=round_.contest.organiser,
        before=before,
        after={"kind": kind.code, "count": count, "part": part.pk if part else None},
    )
    return quota


# Judges --------------------------------------------------------------------------------


@transaction.atomic
def assign_judge(
    *,
    actor,
    round_: Round,
    juror,
    home_unit: Unit,
    cluster: ContestCluster | None = None,
    is_head: bool = False,
) -> JudgeAssignment:
    """Assign a judge to a round, refused with the reason when the judge's unit is a
    competing unit, above one or below one."""
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.SETUP, RoundStatus.SCORING)
    if cluster is not None and cluster.contest_id != round_.contest_id:
        raise ValidationError(_("That cluster belongs to another contest."), code="cluster")
    if JudgeAssignment.objects.filter(round=round_, juror=juror).exists():
        raise ValidationError(
            _("%(juror)s is already a judge of this round.") % {"juror": juror.get_full_name()},
            code="duplicate",
        )
    if is_head and round_.judges.filter(is_head=True).exists():
        raise ValidationError(_("The round already has a head of the jury."), code="head")
    assignment = JudgeAssignment(
        round=round_, juror=juror, home_unit=home_unit, cluster=cluster, is_head=is_head
    )
    refusals = conflicts(assignment, _entries_or_teams(round_))
    if refusals:
        raise ValidationError(refusals, code="conflict")
    assignment.save()
    log_action(
        actor=actor,
        action="contests.assign_judge",
        obj=round_,
        unit=round_.contest.organiser,
        after={
            "juror": juror.pk,
            "home_unit": home_unit.pk,
            "cluster": cluster.pk if cluster else None,
            "head": is_head,
        },
    )
    return assignment


def _entries_or_teams(round_: Round) -> list:
    """The round's entries; before the first round opens, its teams-to-be as entries."""
    entries = round_entries(round_)
    if entries or round_.contest.rounds.filter(order__lt=round_.order).exists():
        return entries
    teams = round_.contest.teams.select_related("unit", "cluster")
    return [RoundEntry(round=round_, team=team) for team in teams]


@transaction.atomic
def remove_judge(*, actor, assignment: JudgeAssignment) -> None:
    """Take a judge off a round before it closes; their sheets of the round go with them."""
    round_ = assignment.round
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.SETUP, RoundStatus.SCORING)
    if round_.status == RoundStatus.SCORING and round_.judges.count() == 1:
        raise ValidationError(_("A round being scored needs at least one judge."), code="last")
    deleted, _detail = Score.objects.filter(entry__round=round_, juror=assignment.juror).delete()
    log_action(
        actor=actor,
        action="contests.remove_judge",
        obj=round_,
        unit=round_.contest.organiser,
        before={"juror": assignment.juror_id, "scores": deleted},
    )
    assignment.delete()


# Opening a round -----------------------------------------------------------------------


@transaction.atomic
def open_round(*, actor, round_: Round) -> Round:
    """Open a round for scoring: its teams are fixed (the contest's teams for the first
    round), every judge is checked against them, registration closes."""
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.SETUP)
    contest = Contest.objects.select_for_update().get(pk=round_.contest_id)
    earlier = contest.rounds.filter(order__lt=round_.order)
    if earlier.exclude(status=RoundStatus.CONFIRMED).exists():
        raise ValidationError(
            _("Confirm the results of the earlier rounds first."), code="earlier_rounds"
        )
    problems = []
    if not round_.parts.exists():
        problems.append(_("The round has no parts."))
    if not round_.judges.exists():
        problems.append(_("The round has no judges."))
    if not earlier.exists() and not round_.entries.exists():
        teams = list(contest.teams.select_related("cluster").order_by("cluster__number", "pk"))
        if round_.by_cluster and any(t.cluster_id is None for t in teams):
            problems.append(_("Some teams are in no cluster: place every team first."))
        RoundEntry.objects.bulk_create(
            RoundEntry(round=round_, team=team, order=n) for n, team in enumerate(teams, start=1)
        )
    entries = round_entries(round_)
    if not entries:
        problems.append(_("The round has no teams."))
    for assignment in round_.judges.select_related("juror", "home_unit"):
        problems += conflicts(assignment, entries)
    if round_.by_cluster:
        for cluster in contest.clusters.all():
            cluster_entries = [e for e in entries if e.team.cluster_id == cluster.pk]
            judged = round_.judges.filter(Q(cluster__isnull=True) | Q(cluster=cluster)).exists()
            if cluster_entries and not judged:
                problems.append(_("No judge scores %(cluster)s.") % {"cluster": cluster.name})
    ranked_total = sum(q.count for q in round_.quotas.filter(kind__ranked=True))
    try:
        _check_prize_counts(round_, ranked_total)
    except ValidationError as exc:
        problems += exc.messages
    if problems:
        raise ValidationError(problems, code="not_ready")
    round_.status = RoundStatus.SCORING
    round_.save(update_fields=["status"])
    if contest.status in (ContestStatus.DRAFT, ContestStatus.REGISTRATION):
        if contest.status == ContestStatus.DRAFT:
            _move_contest(actor=actor, contest=contest, to=ContestStatus.REGISTRATION)
        _move_contest(actor=actor, contest=contest, to=ContestStatus.RUNNING)
    log_action(
        actor=actor,
        action="contests.open_round",
        obj=round_,
        unit=contest.organiser,
        after={"entries": len(entries), "opened_at": timezone.now().isoformat()},
    )
    return round_
