"""Households and helpers for the democracy tests, built through the services."""

import datetime

import pytest
from django.utils import translation

from danvan.democracy import services
from danvan.democracy.models import Household


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 costs 0.2 s a user; these tests log in with force_login."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add_households(hamlet, n: int, *, start: int = 1) -> list[Household]:
    """n households on a hamlet's register (bulk, as an import writes them)."""
    households = [
        Household(
            hamlet=hamlet,
            head_name=f"Nguyễn Văn Hộ {i}",
            members=3,
            address=f"Số {i}, ngõ 12",
            search_text=f" nguyen van ho {i} so {i} ngo 12 ",
        )
        for i in range(start, start + n)
    ]
    return Household.objects.bulk_create(households)


@pytest.fixture(autouse=True)
def english():
    """Service messages are checked by their English text (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def households():
    return add_households


PAST = datetime.date(2026, 3, 2)  # a Monday


def open_vote(actor, hamlet, *, kind="other", method="meeting", vote_date=PAST, **extra):
    return services.open_matter(
        actor=actor,
        hamlet=hamlet,
        kind=kind,
        title=extra.pop("title", "Làm đường bê tông ngõ 12"),
        method=method,
        vote_date=vote_date,
        **extra,
    )
