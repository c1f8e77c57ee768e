"""What the awards tests share: cadres with postings, councils with members, nominations
built through the services."""

import datetime
from types import SimpleNamespace

import pytest

from conftest import make_user
from danvan.accounts.models import Role
from danvan.awards import services
from danvan.awards.models import NominationStatus
from danvan.cadres.models import Cadre, Discipline, Posting, Sex
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit

DAY = datetime.date(2026, 3, 2)


def make_cadre(unit, name="Nguyễn Văn An", *, sex=Sex.MALE, birth_year=1975, **fields) -> Cadre:
    cadre = Cadre(full_name=name, sex=sex, birth_year=birth_year, record_unit=unit, **fields)
    cadre.refresh_search_text()
    cadre.save()
    return cadre


def post(cadre, unit, start, end=None, **fields) -> Posting:
    defaults = {"position": "Cán bộ dân vận", "is_danvan_post": True, "full_time": True}
    return Posting.objects.create(
        cadre=cadre, unit=unit, start=start, end=end, **{**defaults, **fields}
    )


def discipline(cadre, date, until=None) -> Discipline:
    return Discipline.objects.create(
        cadre=cadre, form="reprimand", date=date, until=until, unit=cadre.record_unit
    )


@pytest.fixture
def city_committee(tree):
    """The city's people's committee: it awards Bằng khen and CSTĐ thành phố."""
    return create_unit(
        actor=None,
        parent=tree.city,
        name="Ủy ban nhân dân thành phố Hà Nội",
        kind=UnitKind.PEOPLES_COMMITTEE,
    )


@pytest.fixture
def city_board(tree):
    """The city's board of propaganda and mass mobilisation: it compiles the medal's files."""
    return create_unit(
        actor=None,
        parent=tree.city_party,
        name="Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
        kind=UnitKind.AGENCY,
    )


@pytest.fixture
def members(tree):
    """Five council members (the thresholds count all of them)."""
    return [
        make_user(f"member{i}", Role.BOARD_OFFICER, tree.city, full_name=f"Ủy viên {i}")
        for i in range(1, 6)
    ]


@pytest.fixture
def council(city_committee, city_officer, members):
    return services.set_up_council(
        actor=city_officer,
        unit=city_committee,
        year=2026,
        name="Hội đồng Thi đua - Khen thưởng thành phố",
        members=members,
    )


@pytest.fixture
def people(tree):
    """A man and a woman posted in ward A, a man in ward B."""
    an = make_cadre(tree.a.commune, "Nguyễn Văn An")
    binh = make_cadre(tree.a.commune, "Trần Thị Bình", sex=Sex.FEMALE, birth_year=1980)
    cuong = make_cadre(tree.b.commune, "Lê Văn Cường")
    post(an, tree.a.front, datetime.date(2010, 1, 1))
    post(binh, tree.a.party, datetime.date(2012, 5, 1))
    post(cuong, tree.b.front, datetime.date(2011, 1, 1))
    return SimpleNamespace(an=an, binh=binh, cuong=cuong)


def nominate(actor, proposer, decider, *, code="bang_khen", cadre=None, unit=None, **fields):
    return services.open_nomination(
        actor=actor,
        award_code=code,
        year=2026,
        proposer=proposer,
        decider=decider,
        cadre=cadre,
        unit=unit,
        submission=fields.pop("submission", "Tờ trình số 05/TTr-UBND đề nghị khen thưởng."),
        **fields,
    )


def submitted(actor, proposer, decider, **kwargs):
    """A file sent up and forwarded level by level until it is before the decider's council."""
    nomination = nominate(actor, proposer, decider, **kwargs)
    return arrive(services.submit_nomination(actor=actor, nomination=nomination))


def arrive(nomination):
    """Forward a file on its way up (as the system) until it reaches the deciding body."""
    while nomination.status == NominationStatus.IN_TRANSIT:
        nomination = services.forward_nomination(actor=None, nomination=nomination)
    return nomination


def vote(nomination, members, yes: int, no: int = 0):
    for member in members[:yes]:
        services.cast_vote(actor=member, nomination=nomination, approve=True)
    for member in members[yes : yes + no]:
        services.cast_vote(actor=member, nomination=nomination, approve=False)
