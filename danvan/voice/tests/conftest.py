"""Voice test cast: categories come from the seed migration; a helper to send cases."""

import datetime

import pytest
from django.utils import timezone

from danvan.voice import services
from danvan.voice.models import Category

TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(y, m, d, hh=9, mm=0) -> datetime.datetime:
    """A moment in Hà Nội time."""
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


def send(tree, *, commune=None, kind="feedback", urgency="normal", received_at=None, **extra):
    data = {
        "channel": "portal",
        "kind": kind,
        "urgency": urgency,
        # get_or_create: a transactional test may run after a flush of the seeded rows.
        "category": Category.objects.get_or_create(
            code="moi-truong", defaults={"name": "Môi trường, rác thải, ô nhiễm"}
        )[0],
        "commune": commune or tree.a.commune,
        "title": "Rác thải tồn đọng",
        "description": "Rác để ở đầu ngõ nhiều ngày.",
        "received_at": received_at or timezone.now(),
    }
    if kind == "complaint":
        extra.setdefault("reporter_name", "Nguyễn Văn Dân")
        extra.setdefault("reporter_phone", "0912345678")
        extra.setdefault("consent", True)
        extra.setdefault("decision_complained", "Quyết định xử phạt số 12/QĐ-XP")
    data.update(extra)
    return services.submit_case(**data)


@pytest.fixture
def sent(tree):
    return lambda **kw: send(tree, **kw)
