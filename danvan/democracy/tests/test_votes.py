"""Household votes: the dated threshold of each kind over ALL the hamlet's households, the
quorum, which rule decided, online only where the rule allows, petitions, minutes and the
chair's recognition."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.core.models import AuditEntry
from danvan.democracy import services
from danvan.democracy.models import (
    Ballot,
    DecidedBy,
    Matter,
    MatterKind,
    MatterStatus,
    Outcome,
    Petition,
    VoteRule,
    VotingCode,
)
from danvan.democracy.tests.conftest import PAST, add_households, open_vote
from danvan.organisations.services import revise_rule

TODAY = datetime.date(2026, 3, 20)


def tally(actor, matter, *, participated, yes, no=0, invalid=0):
    return services.tally_vote(
        actor=actor,
        matter=matter,
        participated=participated,
        yes=yes,
        no=no,
        invalid=invalid,
        minutes="Biên bản hội nghị thôn ngày 02/03/2026",
        today=TODAY,
    )


# (kind, households, votes for, outcome): > 1/2 for most kinds, at least 2/3 for money.
BOUNDARIES = [
    ("other", 100, 50, Outcome.FAILED),  # exactly half is not more than half
    ("other", 100, 51, Outcome.PASSED),
    ("convention", 100, 50, Outcome.FAILED),
    ("convention", 100, 51, Outcome.PASSED),
    ("hamlet_head", 101, 50, Outcome.FAILED),
    ("hamlet_head", 101, 51, Outcome.PASSED),
    ("board_members", 100, 50, Outcome.FAILED),
    ("board_members", 100, 51, Outcome.PASSED),
    ("contribution", 90, 59, Outcome.FAILED),  # 2/3 of 90 is 60
    ("contribution", 90, 60, Outcome.PASSED),  # exactly 2/3 is enough
    ("finance", 100, 66, Outcome.FAILED),
    ("finance", 100, 67, Outcome.PASSED),
]


@pytest.mark.parametrize(("kind", "total", "yes", "outcome"), BOUNDARIES)
def test_threshold_boundaries_of_each_kind(tree, clerk_a, kind, total, yes, outcome):
    add_households(tree.a.hamlet, total)
    matter = open_vote(clerk_a, tree.a.hamlet, kind=kind)
    # Everyone took part: only the share of ALL households decides.
    matter = tally(clerk_a, matter, participated=total, yes=yes, no=total - yes)
    assert matter.outcome == outcome
    assert matter.decided_by == DecidedBy.THRESHOLD
    assert matter.rule == VoteRule.objects.get(matter_kind=kind)
    assert matter.households_total == total


def test_the_share_counts_all_households_not_those_present(tree, clerk_a):
    """60 of 100 households came and 40 voted for: 2/3 of those present, 40 % of all."""
    add_households(tree.a.hamlet, 100)
    matter = open_vote(clerk_a, tree.a.hamlet, kind="other")
    matter = tally(clerk_a, matter, participated=60, yes=40, no=20)
    assert matter.outcome == Outcome.FAILED
    assert matter.decided_by == DecidedBy.THRESHOLD


def test_quorum_decides_when_too_few_households_take_part(tree, clerk_a):
    add_households(tree.a.hamlet, 100)
    half = tally(clerk_a, open_vote(clerk_a, tree.a.hamlet), participated=50, yes=50)
    assert (half.outcome, half.decided_by) == (Outcome.FAILED, DecidedBy.QUORUM)
    more = tally(clerk_a, open_vote(clerk_a, tree.a.hamlet), participated=51, yes=51)
    assert (more.outcome, more.decided_by) == (Outcome.PASSED, DecidedBy.THRESHOLD)


def test_households_that_left_the_register_do_not_count(tree, clerk_a):
    households = add_households(tree.a.hamlet, 10)
    for household in households[:2]:
        services.update_household(actor=clerk_a, household=household, is_active=False)
    matter = tally(clerk_a, open_vote(clerk_a, tree.a.hamlet), participated=8, yes=5, no=3)
    assert matter.households_total == 8
    assert matter.outcome == Outcome.PASSED  # 5 of 8 is more than half


def test_a_dated_rule_decides_the_votes_of_its_days(tree, clerk_a, city_admin):
    """A stricter rule from 1 March 2026 decides the votes held from then on; a vote held
    before keeps the rule of its day."""
    add_households(tree.a.hamlet, 100)
    old_rule = VoteRule.objects.get(matter_kind="other")
    earlier = open_vote(clerk_a, tree.a.hamlet, vote_date=datetime.date(2026, 2, 10))
    stricter = revise_rule(
        old_rule,
        {"share_num": 3, "share_den": 5, "share_strict": False},
        actor=city_admin,
        effective_from=datetime.date(2026, 3, 1),
    )
    later = open_vote(clerk_a, tree.a.hamlet, vote_date=PAST)
    earlier = tally(clerk_a, earlier, participated=100, yes=55)
    later = tally(clerk_a, later, participated=100, yes=55)
    assert (earlier.rule, earlier.outcome) == (old_rule, Outcome.PASSED)
    assert (later.rule, later.outcome) == (stricter, Outcome.FAILED)


def test_a_tally_above_the_register_is_refused_and_changes_nothing(tree, clerk_a):
    add_households(tree.a.hamlet, 30)
    matter = open_vote(clerk_a, tree.a.hamlet)
    with pytest.raises(ValidationError, match="register has only 30"):
        tally(clerk_a, matter, participated=31, yes=20)
    matter.refresh_from_db()
    assert matter.status == MatterStatus.OPEN and matter.outcome == ""
    assert not AuditEntry.objects.filter(action="democracy.tally").exists()


def test_counts_that_add_up_to_more_than_took_part_are_refused(tree, clerk_a):
    add_households(tree.a.hamlet, 30)
    matter = open_vote(clerk_a, tree.a.hamlet)
    with pytest.raises(ValidationError, match="add up to 25"):
        tally(clerk_a, matter, participated=20, yes=15, no=10)


def test_a_vote_is_tallied_once_and_not_before_its_day(tree, clerk_a):
    add_households(tree.a.hamlet, 10)
    matter = open_vote(clerk_a, tree.a.hamlet, vote_date=datetime.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="01/04/2026"):
        tally(clerk_a, matter, participated=10, yes=10)
    matter = tally(clerk_a, open_vote(clerk_a, tree.a.hamlet), participated=10, yes=10)
    with pytest.raises(ValidationError, match="already tallied"):
        tally(clerk_a, matter, participated=10, yes=10)


@pytest.mark.parametrize("kind", [k for k in MatterKind.values if k != "other"])
def test_only_other_self_managed_matters_may_be_voted_online(tree, clerk_a, kind):
    with pytest.raises(ValidationError, match="online"):
        open_vote(clerk_a, tree.a.hamlet, kind=kind, method="online")
    assert not Matter.objects.exists()


def test_online_vote_one_ballot_per_household_and_counted(tree, clerk_a):
    add_households(tree.a.hamlet, 4)
    matter = open_vote(clerk_a, tree.a.hamlet, method="online", vote_date=TODAY)
    assert services.issue_voting_codes(actor=clerk_a, matter=matter) == 4
    assert services.issue_voting_codes(actor=clerk_a, matter=matter) == 0  # once each
    codes = list(VotingCode.objects.filter(matter=matter).values_list("code", flat=True))
    now = datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC)
    services.cast_ballot(
        matter=matter, code=codes[0].lower().replace("-", " "), choice="yes", now=now
    )
    services.cast_ballot(matter=matter, code=codes[1], choice="yes", now=now)
    services.cast_ballot(matter=matter, code=codes[2], choice="no", now=now)
    with pytest.raises(ValidationError, match="already voted"):
        services.cast_ballot(matter=matter, code=codes[0], choice="no", now=now)
    with pytest.raises(ValidationError, match="not valid"):
        services.cast_ballot(matter=matter, code="AAAA-BBBB", choice="no", now=now)
    assert Ballot.objects.filter(matter=matter).count() == 3
    matter = services.tally_vote(actor=clerk_a, matter=matter, minutes="", today=TODAY)
    assert (matter.participated, matter.yes, matter.no) == (3, 2, 1)
    assert matter.outcome == Outcome.FAILED  # 2 of 4 is not more than half
    with pytest.raises(ValidationError, match="not open online"):
        services.cast_ballot(matter=matter, code=codes[3], choice="yes", now=now)


def test_online_voting_closes_after_the_vote_day(tree, clerk_a):
    add_households(tree.a.hamlet, 2)
    matter = open_vote(clerk_a, tree.a.hamlet, method="online", vote_date=PAST)
    services.issue_voting_codes(actor=clerk_a, matter=matter)
    code = VotingCode.objects.filter(matter=matter).first().code
    late = datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError, match="closed on 02/03/2026"):
        services.cast_ballot(matter=matter, code=code, choice="yes", now=late)


@pytest.mark.parametrize(("signed", "accepted"), [(9, False), (10, True), (11, True)])
def test_petition_needs_a_tenth_of_all_households(tree, clerk_a, signed, accepted):
    add_households(tree.a.hamlet, 100)
    if accepted:
        petition = services.receive_petition(
            actor=clerk_a, hamlet=tree.a.hamlet, kind="other", title="Lắp camera", signatures=signed
        )
        assert petition.households_total == 100 and petition.rule.share_den == 10
        matter = open_vote(clerk_a, tree.a.hamlet, petition=petition)
        assert matter.petition == petition
    else:
        with pytest.raises(ValidationError, match="that is 10; it has 9"):
            services.receive_petition(
                actor=clerk_a,
                hamlet=tree.a.hamlet,
                kind="other",
                title="Lắp camera",
                signatures=signed,
            )
        assert not Petition.objects.exists()


def test_petition_with_more_signatures_than_households_is_refused(tree, clerk_a):
    add_households(tree.a.hamlet, 5)
    with pytest.raises(ValidationError, match="register has 5"):
        services.receive_petition(
            actor=clerk_a, hamlet=tree.a.hamlet, kind="other", title="X", signatures=6
        )


def test_minutes_due_in_working_days_and_chair_recognises(tree, clerk_a, city_officer):
    add_households(tree.a.hamlet, 10)
    # Voted on Friday 13 February 2026, just before Tết (16–20 February): five working
    # days end on Friday 27 February.
    matter = open_vote(clerk_a, tree.a.hamlet, vote_date=datetime.date(2026, 2, 13))
    matter = tally(clerk_a, matter, participated=10, yes=8, no=2)
    assert matter.minutes_due == datetime.date(2026, 2, 27)
    with pytest.raises(ValidationError, match="not reached"):
        services.recognise_result(actor=city_officer, matter=matter, number="12/QĐ-UBND")
    matter = services.send_minutes(
        actor=clerk_a, matter=matter, sent_on=datetime.date(2026, 3, 2), today=TODAY
    )
    assert matter.minutes_late
    with pytest.raises(PermissionDenied):
        services.recognise_result(actor=clerk_a, matter=matter, number="12/QĐ-UBND")
    matter = services.recognise_result(actor=city_officer, matter=matter, number="12/QĐ-UBND")
    assert matter.status == MatterStatus.RECOGNISED and matter.recognised_by == city_officer


def test_clerk_of_another_commune_cannot_open_or_tally(tree, clerk_a, clerk_b):
    add_households(tree.a.hamlet, 10)
    with pytest.raises(PermissionDenied):
        open_vote(clerk_b, tree.a.hamlet)
    matter = open_vote(clerk_a, tree.a.hamlet)
    with pytest.raises(PermissionDenied):
        tally(clerk_b, matter, participated=10, yes=10)
