"""The contests' demo: last year's city contest played out at Hà Nội's 2024 scale, this
year's open for registration, Ba Đình's being scored with sheets left for the demo judge."""

import pytest
from django.test import override_settings

from danvan.accounts.demo import create_demo_accounts
from danvan.contests import demo
from danvan.contests.models import Contest, ContestStatus, Prize, RoundStatus, Score
from danvan.organisations.demo import load_hanoi_clusters
from danvan.organisations.loader import load_units
from danvan.organisations.national import national_rows


@pytest.fixture
def hanoi(db):
    load_units(national_rows(province_codes=["01"], hamlets=1, legacy_for=("01",)))
    load_hanoi_clusters(year=2026)
    with override_settings(DEMO_MODE=True):
        create_demo_accounts()


def test_the_demo_plays_last_years_contest_and_opens_this_years(hanoi):
    with override_settings(DEMO_MODE=True):
        summary = demo.load(progress=lambda message: None, year=2026)
    last = Contest.objects.get(name=demo.contest_name(2025))
    assert last.status == ContestStatus.FINISHED
    assert last.teams.count() == 35
    assert last.clusters.count() == 6
    preliminary, final = last.rounds.order_by("order")
    assert preliminary.published_at and final.published_at
    assert final.entries.count() == 6  # the winner of each cluster
    assert Prize.objects.confirmed().filter(round=preliminary).count() == 18  # 3 per cluster
    assert Prize.objects.filter(round=final, kind__code="nhat").count() == 1
    current = Contest.objects.get(name=demo.contest_name(2026))
    assert current.status == ContestStatus.REGISTRATION
    ward = Contest.objects.get(parent=current)
    final_of_ward = ward.rounds.get()
    assert final_of_ward.status == RoundStatus.SCORING
    assert final_of_ward.judges.filter(juror__username="giamkhao").exists()
    assert not Score.objects.filter(entry__round=final_of_ward, juror__username="giamkhao")
    assert "35 teams, 6 finalists" in summary
    # Again: nothing changes.
    scores = Score.objects.count()
    with override_settings(DEMO_MODE=True):
        assert demo.load(progress=lambda message: None, year=2026) == "already there"
    assert Score.objects.count() == scores
