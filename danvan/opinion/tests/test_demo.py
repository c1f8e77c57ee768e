"""The demo: collaborators in every commune, two years of labelled items, some communes
missing this month, urgent reports and rumours; fast, and idempotent."""

import time

import pytest
from django.utils import timezone

from danvan.core.models import TextModel
from danvan.lib.workdays import month_start
from danvan.opinion import demo, queries
from danvan.opinion.models import (
    Collaborator,
    CollaboratorIdentity,
    OpinionItem,
    OpinionReport,
    Theme,
)
from danvan.opinion.services import labelled_items
from danvan.organisations.loader import load_units
from danvan.organisations.models import Unit, UnitKind
from danvan.organisations.national import national_rows


@pytest.fixture
def hanoi(db):
    load_units(national_rows(province_codes=["01"], hamlets=1, legacy_for=("01",)))
    return Unit.objects.get(key=demo.CITY_KEY)


def test_full_demo(hanoi):
    started = time.monotonic()
    summary = demo.load(progress=print)
    took = time.monotonic() - started
    # The generation (~15 s on a loaded machine) and the classifier and themes (~5 s).
    assert took < 30, took
    communes = Unit.objects.current().filter(parent=hanoi, kind=UnitKind.COMMUNE)
    per_commune = {
        c.pk: Collaborator.objects.filter(unit__path__startswith=c.path).count() for c in communes
    }
    assert len(per_commune) == 126 and set(per_commune.values()) <= {2, 3}
    assert CollaboratorIdentity.objects.count() == Collaborator.objects.count()
    months = OpinionReport.objects.filter(kind="monthly").values("month").distinct().count()
    assert months == demo.MONTHS + 1
    assert OpinionReport.objects.filter(kind="urgent").exists()
    assert OpinionItem.objects.filter(is_rumour=True, handled=True).exists()
    assert OpinionItem.objects.filter(is_rumour=True, handled=False).exists()
    state = queries.standing(hanoi, month_start(timezone.localdate()))
    assert state.missing and state.reported
    texts = list(labelled_items())
    assert len(texts) == OpinionItem.objects.count() > 20_000
    assert any("đ" in text for text, _code in texts)
    assert "opinion items" in summary and "classifier accuracy" in summary
    model = TextModel.objects.get(name="opinion-topics")
    assert model.accuracy > 0.8
    assert Theme.objects.exists()
    assert not OpinionItem.objects.filter(suggested_topic__isnull=True).exists()
    assert demo.load(progress=print).endswith("none generated")


def test_scaled_demo(hanoi):
    demo.load(progress=print, scale=0.05)
    units = Collaborator.objects.values("unit").distinct().count()
    assert units < 30
    assert Collaborator.objects.filter(unit__key=demo.ALWAYS).exists()
