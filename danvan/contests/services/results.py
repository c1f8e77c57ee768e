"""A round's results: closing computes the ranking, the advancement and the prizes; the
organiser confirms them (the next round gets its teams, the prizes their decision) and
publishes them; a finished contest sends its best teams to the contest above."""

import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danvan.contests import scoring
from danvan.contests.models import (
    Contest,
    ContestStatus,
    PartResult,
    Prize,
    Round,
    RoundEntry,
    RoundKind,
    RoundStatus,
)
from danvan.contests.services.common import (
    lock_round,
    require_manager,
    require_status,
    round_entries,
)
from danvan.contests.services.judging import scoring_rule, sheet_totals
from danvan.contests.services.setup import _move_contest, register_team
from danvan.core.audit import log_action
from danvan.organisations.demo import in_sentence

MISSING_SHOWN = 10


def _missing_sheets(round_: Round, entries, parts, sheets) -> list[str]:
    missing = [
        _("%(team)s – %(part)s: %(done)s of %(expected)s judges have scored.")
        % {
            "team": e.team.name,
            "part": p.name,
            "done": sheets.done(e.pk, p.pk),
            "expected": len(sheets.expected.get(e.pk, ())),
        }
        for e in entries
        for p in parts
        if not sheets.complete(e.pk, p.pk)
    ]
    if len(missing) > MISSING_SHOWN:
        more = len(missing) - MISSING_SHOWN
        missing = missing[:MISSING_SHOWN] + [_("… and %(count)s more sheets.") % {"count": more}]
    return missing


def _prize_title(quota, cluster, contest: Contest) -> str:
    """The prize as the certificate and the portal name it, in Vietnamese: “Giải Nhất cụm
    thi đua số 3 – Hội thi …”."""
    with translation.override("vi"):
        prize = quota.title or quota.kind.name
        if cluster is not None:
            prize = _("%(prize)s, %(cluster)s") % {"prize": prize, "cluster": in_sentence(cluster)}
        return _("%(prize)s – %(contest)s") % {"prize": prize, "contest": contest.name}


@transaction.atomic
def close_round(*, actor, round_: Round, rng: random.Random | None = None) -> Round:
    """Close a round whose sheets are complete: rank its teams (drawing lots for a tie only
    a draw can break), mark who advances and propose its prizes. Refused, changing nothing,
    when the round is not being scored (closing twice changes nothing)."""
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    if round_.has_results:
        raise ValidationError(
            _("The round is already closed: nothing was changed."), code="already_closed"
        )
    require_status(round_, RoundStatus.SCORING)
    entries = round_entries(round_)
    parts = list(round_.parts.all())
    sheets = sheet_totals(round_, entries)
    missing = _missing_sheets(round_, entries, parts, sheets)
    if missing:
        raise ValidationError([_("Not every sheet is complete:"), *missing], code="incomplete")
    rule = scoring_rule(round_)
    weights = {p.pk: p.weight for p in parts}
    by_entry = {e.pk: e for e in entries}

    def ranking_now() -> scoring.Ranking:
        inputs = [
            scoring.EntryInput(
                key=e.pk,
                sheets={p.pk: sheets.totals[(e.pk, p.pk)] for p in parts},
                group=e.team.cluster_id if round_.by_cluster else None,
                lot=e.lot,
            )
            for e in entries
        ]
        return scoring.rank(scoring.score_entries(inputs, weights, rule), rule)

    ranking = ranking_now()
    if ranking.needs_draw:
        _draw(actor, round_, ranking.needs_draw, by_entry, rng or random.SystemRandom())
        ranking = ranking_now()
    advanced = scoring.advancing(
        ranking,
        per_group=round_.advance_per_cluster,
        runners_up=round_.advance_runners_up if round_.by_cluster else 0,
    )
    for result in ranking.results:
        entry = by_entry[result.key]  # type: ignore[index]
        entry.total = result.total
        entry.rank = result.rank
        entry.cluster_rank = result.group_rank if round_.by_cluster else None
        entry.advanced = result.key in advanced
        entry.tie_note = result.note
    RoundEntry.objects.bulk_update(
        entries, ["total", "rank", "cluster_rank", "advanced", "tie_note"]
    )
    revealed = {
        (r.entry_id, r.part_id): r.revealed_at
        for r in PartResult.objects.filter(entry__round=round_)
    }
    PartResult.objects.filter(entry__round=round_).delete()
    PartResult.objects.bulk_create(
        PartResult(
            entry_id=result.key,
            part_id=part_id,
            score=score,
            judges=result.judges[part_id],
            revealed_at=revealed.get((result.key, part_id)),
        )
        for result in ranking.results
        for part_id, score in result.parts.items()
    )
    prizes = _propose_prizes(round_, ranking)
    round_.status = RoundStatus.CLOSED
    round_.result_rule = round_.scoring_rule
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "result_rule", "closed_at"])
    log_action(
        actor=actor,
        action="contests.close_round",
        obj=round_,
        unit=round_.contest.organiser,
        after={
            "rule": round_.scoring_rule_id,
            "ranking": [[by_entry[r.key].team_id, str(r.total), r.rank] for r in ranking.results],  # type: ignore[index]
            "advanced": sorted(by_entry[k].team_id for k in advanced),  # type: ignore[index]
            "prizes": [[p.team_id, p.kind.code] for p in prizes],
        },
    )
    return round_


def _draw(actor, round_: Round, groups, by_entry, rng: random.Random) -> None:
    """Draw lots for the teams of each tie that only a draw breaks; a team keeps its lot."""
    for keys in groups:
        taken = [by_entry[k].lot for k in keys if by_entry[k].lot is not None]
        without = [k for k in keys if by_entry[k].lot is None]
        if not without:
            continue
        lots = scoring.draw_lots(without, rng.shuffle)
        start = max(taken, default=0)
        for key, lot in lots.items():
            by_entry[key].lot = start + lot
        RoundEntry.objects.bulk_update([by_entry[k] for k in without], ["lot"])
        log_action(
            actor=actor,
            action="contests.draw",
            obj=round_,
            unit=round_.contest.organiser,
            after={"lots": {str(by_entry[k].team_id): by_entry[k].lot for k in keys}},
        )


def _propose_prizes(round_: Round, ranking: scoring.Ranking) -> list[Prize]:
    quotas = {q.pk: q for q in round_.quotas.select_related("kind")}
    awards = scoring.prizes(
        ranking,
        [scoring.Quota(q.pk, q.count, q.part_id) for q in quotas.values()],
        per_group=round_.by_cluster,
    )
    entries = {e.pk: e for e in round_.entries.select_related("team__unit", "team__cluster")}
    results = ranking.by_key()
    contest = round_.contest
    prizes = []
    for award in awards:
        quota = quotas[award.quota]  # type: ignore[index]
        entry = entries[award.entry]  # type: ignore[index]
        cluster = entry.team.cluster if round_.by_cluster else None
        prizes.append(
            Prize(
                round=round_,
                quota=quota,
                kind=quota.kind,
                team=entry.team,
                unit=entry.team.unit,
                organiser=contest.organiser,
                cluster=cluster,
                title=_prize_title(quota, cluster.name if cluster else None, contest),
                rank=results[award.entry].group_rank
                if round_.by_cluster
                else results[award.entry].rank,
                score=results[award.entry].total,
                year=contest.year,
            )
        )
    return Prize.objects.bulk_create(prizes)


@transaction.atomic
def reopen_round(*, actor, round_: Round) -> Round:
    """Reopen a closed round that is not confirmed yet, to correct sheets: its results and
    proposed prizes are withdrawn (the lots drawn are kept)."""
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.CLOSED)
    Prize.objects.filter(round=round_).delete()
    RoundEntry.objects.filter(round=round_).update(
        total=None, rank=None, cluster_rank=None, advanced=False, tie_note=""
    )
    PartResult.objects.filter(entry__round=round_, revealed_at__isnull=True).delete()
    round_.status = RoundStatus.SCORING
    round_.closed_at = None
    round_.result_rule = None
    round_.save(update_fields=["status", "closed_at", "result_rule"])
    log_action(
        actor=actor, action="contests.reopen_round", obj=round_, unit=round_.contest.organiser
    )
    return round_


@transaction.atomic
def confirm_round(
    *,
    actor,
    round_: Round,
    decision_number: int | None = None,
    decision_symbol: str = "",
    decision_date=None,
    signer_name: str = "",
    signer_title: str = "",
) -> Round:
    """Confirm a closed round's results: its prizes become the organiser's decision, the
    teams that advance enter the next round, and the last round finishes the contest."""
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.CLOSED)
    if decision_number is not None and not (decision_date and signer_name.strip()):
        raise ValidationError(
            _("A decision needs its number, its date and its signer."), code="decision"
        )
    now = timezone.now()
    Prize.objects.filter(round=round_).update(
        confirmed_at=now,
        decision_number=decision_number,
        decision_symbol=decision_symbol.strip(),
        decision_date=decision_date,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
    )
    following = (
        Round.objects.select_for_update()
        .filter(contest=round_.contest, order__gt=round_.order)
        .order_by("order")
        .first()
    )
    moved = 0
    if following is not None:
        advanced = list(
            round_.entries.filter(advanced=True)
            .select_related("team__cluster")
            .order_by("team__cluster__number", "cluster_rank", "rank", "id")
        )
        if following.status != RoundStatus.SETUP:
            raise ValidationError(
                _("The next round is already under way."), code="next_round_started"
            )
        following.entries.all().delete()
        RoundEntry.objects.bulk_create(
            RoundEntry(round=following, team=e.team, order=n)
            for n, e in enumerate(advanced, start=1)
        )
        moved = len(advanced)
    round_.status = RoundStatus.CONFIRMED
    round_.confirmed_at = now
    round_.save(update_fields=["status", "confirmed_at"])
    contest = Contest.objects.select_for_update().get(pk=round_.contest_id)
    if following is None and contest.status == ContestStatus.RUNNING:
        _move_contest(actor=actor, contest=contest, to=ContestStatus.FINISHED)
    log_action(
        actor=actor,
        action="contests.confirm_round",
        obj=round_,
        unit=contest.organiser,
        after={
            "decision": decision_number,
            "prizes": round_.prizes.count(),
            "advanced_to_next_round": moved,
        },
    )
    return round_


@transaction.atomic
def publish_round(*, actor, round_: Round) -> Round:
    """Publish a confirmed round's results on the portal."""
    require_manager(actor, round_.contest)
    round_ = lock_round(round_)
    require_status(round_, RoundStatus.CONFIRMED)
    if round_.published_at is not None:
        raise ValidationError(_("These results are already published."), code="published")
    round_.published_at = timezone.now()
    round_.public_version = F("public_version") + 1
    round_.save(update_fields=["published_at", "public_version"])
    round_.refresh_from_db(fields=["public_version"])
    log_action(
        actor=actor, action="contests.publish_round", obj=round_, unit=round_.contest.organiser
    )
    return round_


@transaction.atomic
def send_winners_up(*, actor, contest: Contest) -> list:
    """Register the best teams of a finished contest's last round in the contest above (its
    `sends_up` best); a unit already registered there is left as it is."""
    require_manager(actor, contest)
    if contest.parent is None:
        raise ValidationError(_("This contest sends no team up."), code="no_parent")
    if contest.status != ContestStatus.FINISHED:
        raise ValidationError(
            _("The contest's final results are not confirmed yet."), code="not_finished"
        )
    parent = Contest.objects.select_for_update().get(pk=contest.parent.pk)
    if parent.status != ContestStatus.REGISTRATION:
        raise ValidationError(
            _("%(contest)s is not open for registration.") % {"contest": parent.name},
            code="parent_closed",
        )
    last = contest.rounds.order_by("-order").first()
    if last is None:
        raise ValidationError(_("The contest has no rounds."), code="no_rounds")
    best = list(
        last.entries.filter(rank__isnull=False)
        .select_related("team__unit")
        .prefetch_related("team__members", "team__practice_models")
        .order_by("rank", "id")[: contest.sends_up]
    )
    registered = set(parent.teams.values_list("unit_id", flat=True))
    sent = []
    for entry in best:
        team = entry.team
        if team.unit_id in registered:
            continue
        sent.append(
            register_team(
                actor=None,
                contest=parent,
                unit=team.unit,
                name=team.name,
                members=[
                    {"full_name": m.full_name, "position": m.position, "is_leader": m.is_leader}
                    for m in team.members.all()
                ],
                practice_models=list(team.practice_models.all()),
                source=team,
            )
        )
    log_action(
        actor=actor,
        action="contests.send_up",
        obj=contest,
        unit=contest.organiser,
        after={"parent": parent.pk, "teams": [t.pk for t in sent]},
    )
    return sent


def is_last_round(round_: Round) -> bool:
    return (
        round_.kind == RoundKind.FINAL
        or not round_.contest.rounds.filter(order__gt=round_.order).exists()
    )
