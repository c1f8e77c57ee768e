"""One ballot per household even when two arrive at the same moment (PostgreSQL)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from danvan.democracy import services
from danvan.democracy.models import Ballot, VotingCode
from danvan.democracy.tests.conftest import add_households, open_vote

VOTE_DAY = datetime.date(2026, 3, 20)
NOW = datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC)


@pytest.mark.django_db(transaction=True)
def test_two_ballots_of_one_household_at_once_keep_one(tree, clerk_a):
    """Two threads with their own connections cast a ballot for each household together,
    round after round: the database keeps one, the other voter is told the household voted."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers (SQLite serialises them)")
    add_households(tree.a.hamlet, 12)
    matter = open_vote(clerk_a, tree.a.hamlet, method="online", vote_date=VOTE_DAY)
    services.issue_voting_codes(actor=clerk_a, matter=matter)
    codes = list(VotingCode.objects.filter(matter=matter).values_list("code", flat=True))
    outcomes: list[str] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def voter(barrier, code, choice):
        try:
            barrier.wait()
            services.cast_ballot(matter=matter, code=code, choice=choice, now=NOW)
            result = "cast"
        except ValidationError as exc:
            result = exc.code or "refused"
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
            return
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    for code in codes:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=voter, args=(barrier, code, choice)) for choice in ("yes", "no")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert outcomes.count("cast") == len(codes)
    assert outcomes.count("voted") == len(codes)
    assert Ballot.objects.filter(matter=matter).count() == len(codes)
