"""Shared by the opinion tests: collaborators of two wards and a helper to file reports."""

import datetime

import pytest
from django.utils import timezone, translation

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


def at(year, month, day, hour=9):
    """A time of day in the project's time zone."""
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


FEB = datetime.date(2026, 2, 1)
JAN = datetime.date(2026, 1, 1)
RUMOUR = "Có tin đồn giá gạo sắp tăng gấp đôi ở chợ Ngọc Hà."
RELIGIOUS = "Bà con giáo xứ băn khoăn về việc sửa nhà thờ."


@pytest.fixture
def filed(tree, ctv, clerk_a, clerk_b, topics):
    """A hand-counted fixture: January and February 2026 in wards A and B; a2 has not
    reported for February."""
    t = topics
    oppose, support, hesitant = Tendency.OPPOSE, Tendency.SUPPORT, Tendency.HESITANT
    services.file_monthly_report(
        actor=clerk_a,
        collaborator=ctv["a1"],
        month=JAN,
        now=at(2026, 2, 2),
        items=[
            item(t["dat-dai"], tendency=oppose, breadth=Breadth.MANY),
            item(t["moi-truong"], tendency=support, breadth=Breadth.SOME),
        ],
    )
    services.file_monthly_report(
        actor=clerk_b,
        collaborator=ctv["b1"],
        month=JAN,
        now=at(2026, 2, 2),
        items=[item(t["moi-truong"], tendency=oppose), item(t["moi-truong"], tendency=oppose)],
    )
    feb_a = services.file_monthly_report(
        actor=clerk_a,
        collaborator=ctv["a1"],
        month=FEB,
        now=at(2026, 3, 3),
        items=[
            item(t["dat-dai"], tendency=oppose, place=tree.a.hamlet),
            item(t["dat-dai"], tendency=oppose, place=tree.a.hamlet),
            item(t["dat-dai"], tendency=hesitant, breadth=Breadth.MAJORITY),
            item(t["ton-giao"], tendency=oppose, breadth=Breadth.SOME, content=RELIGIOUS),
            item(
                t["gia-ca-thi-truong"],
                tendency=hesitant,
                breadth=Breadth.SOME,
                content=RUMOUR,
                is_rumour=True,
                handled=True,
                handled_note="Đã thông tin giá niêm yết.",
            ),
        ],
    )
    services.file_monthly_report(
        actor=clerk_b,
        collaborator=ctv["b1"],
        month=FEB,
        now=at(2026, 3, 3),
        items=[
            item(t["dat-dai"], tendency=support, breadth=Breadth.MAJORITY),
            item(t["moi-truong"], tendency=oppose),
        ],
    )
    return feb_a
