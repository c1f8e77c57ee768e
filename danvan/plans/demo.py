"""The Hà Nội demo's work programme of this year: the city's targets cascaded to the
communes. Idempotent: a programme that exists already is left as it is."""

import datetime

from django.db import transaction

from danvan.accounts.models import User
from danvan.organisations.models import Unit
from danvan.plans import services
from danvan.plans.models import Campaign

CITY_KEY = "vn-01"
# (title, metric or "" for a target reported by hand, value)
TARGETS = [
    ("Đăng ký mô hình “Dân vận khéo” mới trong năm", "models_registered", 5),
    ("Tỷ lệ phản ánh, kiến nghị được trả lời đúng hạn (%)", "cases_on_time", 95),
    ("Tổ chức hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân", "", 2),
]


def load(*, progress, year: int) -> str:
    """Open this year's work programme with its targets, once."""
    return f"{load_plans_demo(year)} targets set"


def load_plans_demo(year: int) -> int:
    """Open the city's work programme of the year with its targets; return the targets set."""
    city = Unit.objects.get(key=CITY_KEY)
    officer = User.objects.get(username="thanhpho")
    with transaction.atomic():
        return _work_programme(city, officer, year)


def _work_programme(city: Unit, officer: User, year: int) -> int:
    name = f"Chương trình công tác dân vận năm {year}"
    if Campaign.objects.filter(owner=city, name=name).exists():
        return 0
    campaign = services.open_campaign(
        actor=officer,
        owner=city,
        name=name,
        start=datetime.date(year, 1, 1),
        end=datetime.date(year, 12, 31),
        description="Các chỉ tiêu Ban Thường vụ Thành ủy giao cho các xã, phường.",
    )
    created = 0
    for title, metric, value in TARGETS:
        target = services.set_target(
            actor=officer, campaign=campaign, unit=city, title=title, metric=metric, value=value
        )
        created += 1 + len(services.cascade_target(actor=officer, target=target))
    return created
