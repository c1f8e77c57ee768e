"""Shared by the opinion tests: collaborators of two wards and a helper to file reports."""

import datetime

import pytest
from django.utils import translation

from danvan.opinion import services
from danvan.opinion.models import Breadth, Tendency, Topic
from danvan.opinion.services import ItemInput

SECRET_NAME = "Nguyễn Thị Bí Mật"
SECRET_PHONE = "0912345678"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def topics(db):
    return {t.code: t for t in Topic.objects.all()}


@pytest.fixture
def ctv(tree, city_admin):
    """Two collaborators of ward A (one at its Front), one of ward B."""
    return {
        "a1": services.register_collaborator(
            actor=city_admin,
            unit=tree.a.commune,
            full_name=SECRET_NAME,
            phone=SECRET_PHONE,
            code="CTV-BD-0001",
            since=datetime.date(2020, 1, 1),
        ),
        "a2": services.register_collaborator(
            actor=city_admin,
            unit=tree.a.front,
            full_name="Trần Văn Kín",
            phone="0987000111",
            code="CTV-BD-0002",
            since=datetime.date(2020, 1, 1),
        ),
        "b1": services.register_collaborator(
            actor=city_admin,
            unit=tree.b.commune,
            full_name="Lê Văn Ẩn",
            phone="0977000222",
            code="CTV-HD-0001",
            since=datetime.date(2020, 1, 1),
        ),
    }


def item(topic, *, breadth=Breadth.MANY, tendency=Tendency.SUPPORT, place=None, **extra):
    return ItemInput(
        topic=topic,
        breadth=breadth,
        tendency=tendency,
        place=place,
        content=extra.pop("content", "Người dân bàn tán về việc này."),
        **extra,
    )
