"""The cadres' demo: Hà Nội's generations since 1990 that the services would have accepted,
loaded once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from danvan.cadres import demo, services
from danvan.cadres.models import Cadre, Discipline, Event, Posting, SensitiveData, Training
from danvan.cadres.queries import open_discipline
from danvan.organisations import demo as organisations_demo
from danvan.organisations.models import REFORM_DATE, UnitKind


@pytest.fixture
def hanoi(db):
    organisations_demo.load(progress=lambda message: None, year=2026, hamlets=1)


def test_the_demo_loads_the_generations_once(hanoi):
    summary = demo.load(progress=lambda message: None, scale=0.02)
    assert "cadres" in summary
    cadres = Cadre.objects.count()
    assert 300 < cadres < 1500
    # Postings back to 1990, in the districts and communes closed on 30 June 2025.
    assert Posting.objects.filter(start__year=1990).exists()
    closed = Posting.objects.filter(unit__kind=UnitKind.LEGACY_DISTRICT)
    assert closed.exists() and not closed.filter(end__gt=REFORM_DATE).exists()
    # Retired and deceased generations; serving cadres in the new communes.
    assert Cadre.objects.filter(retired_on__isnull=False, died_on__isnull=True).exists()
    assert Cadre.objects.filter(died_on__isnull=False).exists()
    assert Posting.objects.filter(start=REFORM_DATE, end__isnull=True).exists()
    assert Training.objects.count() > cadres / 2
    assert SensitiveData.objects.exists()
    frozen = [d.cadre for d in Discipline.objects.filter(until__isnull=True)]
    assert frozen and open_discipline(frozen[0]) is not None
    event = Event.objects.get()
    assert event.invitees.count() > 10 and event.programme.count() == 8
    assert demo.load(progress=lambda message: None).endswith("none generated")
    assert Cadre.objects.count() == cadres


def test_every_demo_posting_passes_the_services_checks(hanoi):
    demo.load(progress=lambda message: None, scale=0.02)
    for posting in Posting.objects.select_related("cadre", "unit"):
        try:
            services.check_posting(
                posting.cadre,
                unit=posting.unit,
                position=posting.position,
                start=posting.start,
                end=posting.end,
                exclude_pk=posting.pk,
            )
        except ValidationError as exc:  # pragma: no cover - the message says which
            pytest.fail(f"{posting.cadre} {posting}: {exc.messages}")
    today = timezone.localdate()
    for cadre in Cadre.objects.filter(retired_on__isnull=False):
        assert cadre.retired_on <= today + datetime.timedelta(days=1)
        assert not cadre.postings.filter(end__isnull=True).exists()
