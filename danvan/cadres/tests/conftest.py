"""The cadres' tests: the shared tree plus the units of before 2025 that ward A replaced."""

import datetime
from types import SimpleNamespace

import pytest

from danvan.cadres import services
from danvan.cadres.models import Sex
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit, replace_units

REFORM = datetime.date(2025, 7, 1)


@pytest.fixture
def old(tree):
    """Quận Ba Đình and its Phường Trúc Bạch, closed on 30 June 2025; ward A replaced the
    commune and opened on 1 July 2025."""
    district = create_unit(
        actor=None,
        parent=tree.city,
        name="Quận Ba Đình",
        kind=UnitKind.LEGACY_DISTRICT,
        valid_to=datetime.date(2025, 6, 30),
    )
    commune = create_unit(
        actor=None,
        parent=district,
        name="Phường Trúc Bạch",
        kind=UnitKind.COMMUNE,
        valid_from=datetime.date(1981, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    tree.a.commune.valid_from = REFORM
    tree.a.commune.save(update_fields=["valid_from"])
    replace_units(actor=None, successor=tree.a.commune, predecessors=[commune], closed_on=REFORM)
    return SimpleNamespace(district=district, commune=commune)


def make_cadre(unit, name="Nguyễn Thị Hoa", *, sex=Sex.FEMALE, born=1970, **fields):
    return services.create_cadre(
        actor=None, record_unit=unit, full_name=name, sex=sex, birth_year=born, **fields
    )


def post(cadre, unit, position="Trưởng ban Dân vận", start=(2020, 1, 1), end=None, **fields):
    return services.add_posting(
        cadre,
        actor=None,
        unit=unit,
        position=position,
        start=datetime.date(*start),
        end=datetime.date(*end) if end else None,
        **fields,
    )


@pytest.fixture
def cadre_a(tree):
    """A cadre of ward A's Party committee, in post since 2020."""
    cadre = make_cadre(tree.a.party, "Nguyễn Thị Hoa")
    post(cadre, tree.a.party, "Trưởng ban Dân vận Đảng ủy", start=(2025, 7, 1))
    return cadre


@pytest.fixture
def cadre_b(tree):
    cadre = make_cadre(tree.b.party, "Trần Văn Bình", sex=Sex.MALE, born=1965)
    post(cadre, tree.b.party, "Phó Trưởng ban Dân vận Đảng ủy", start=(2025, 7, 1))
    return cadre
