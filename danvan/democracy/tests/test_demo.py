"""The demo part: every commune has a year of publications (some late), two communes have
household registers, votes (one failing its threshold), an open consultation with comments,
boards with members and an answered recommendation; a second run changes nothing."""

import pytest
from django.utils import timezone

from danvan.democracy import demo
from danvan.democracy.models import (
    Board,
    Comment,
    Consultation,
    Household,
    Matter,
    Outcome,
    Publication,
    Recommendation,
)
from danvan.organisations.loader import load_units
from danvan.organisations.national import national_rows


@pytest.fixture
def hanoi(db):
    load_units(national_rows(province_codes=["01"], hamlets=2, legacy_for=("01",)))


def test_demo_shows_every_part_and_loads_once(hanoi):
    year = timezone.localdate().year
    summary = demo.load(progress=lambda message: None, year=year)
    assert "publications" in summary
    communes = Publication.objects.values("commune").distinct().count()
    assert communes == 126
    assert Publication.objects.filter(late=True).exists()
    assert Publication.objects.overdue().exists()
    assert Household.objects.values("hamlet__parent").distinct().count() == 2
    assert Matter.objects.filter(outcome=Outcome.FAILED).exists()
    assert Matter.objects.filter(outcome=Outcome.PASSED).exists()
    today = timezone.localdate()
    open_one = Consultation.objects.filter(opens_on__lte=today, closes_on__gte=today).get()
    assert Comment.objects.filter(consultation=open_one).count() >= 5
    assert Board.objects.count() >= 126 and Board.objects.filter(members__isnull=False).exists()
    assert Recommendation.objects.filter(case__answered_at__isnull=False).count() == 1
    counts = (Publication.objects.count(), Household.objects.count(), Matter.objects.count())
    assert demo.load(progress=lambda message: None, year=year) == "there already: nothing loaded"
    assert counts == (
        Publication.objects.count(),
        Household.objects.count(),
        Matter.objects.count(),
    )
