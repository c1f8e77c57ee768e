"""Loading units: the national list for Hà Nội, CSV files, idempotence, atomic failure."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from danvan.core.models import AuditEntry
from danvan.organisations.demo import load_hanoi_clusters
from danvan.organisations.imports import rows_from_csv
from danvan.organisations.loader import LoadError, load_units
from danvan.organisations.models import Branch, Cluster, Unit, UnitKind
from danvan.organisations.national import national_rows

GOOD_CSV = """key,parent_key,name,kind,code,valid_from,valid_to
x-city,,Thành phố Thử,province,99,,
x-ward,x-city,Phường Một,commune,99001,01/07/2025,
x-party,x-ward,Đảng ủy phường Một,party_committee,,,
x-hamlet,x-ward,Tổ dân phố số 1,hamlet,,,
"""


def test_hanoi_is_loaded_from_the_package_with_its_history(db):
    result = load_units(national_rows(province_codes=["01"], hamlets=2, legacy_for=("01",)))
    assert result.created > 0
    city = Unit.objects.get(key="vn-01")
    communes = Unit.objects.filter(parent=city, kind=UnitKind.COMMUNE)
    current = communes.current(datetime.date(2026, 1, 1))
    assert current.count() == 126
    assert current.filter(name__startswith="Phường").count() == 51
    assert current.filter(name__startswith="Xã").count() == 75
    # Every commune has its Party, State and Front branches.
    ba_dinh = Unit.objects.get(key="vn-01-00004")
    branches = set(ba_dinh.children.values_list("branch", flat=True))
    assert {Branch.PARTY, Branch.STATE, Branch.FRONT} <= branches
    assert ba_dinh.children.filter(kind=UnitKind.HAMLET).count() == 2
    # The former districts and communes stay, closed on 30 June 2025, linked to successors.
    districts = Unit.objects.filter(kind=UnitKind.LEGACY_DISTRICT, parent=city)
    assert districts.count() == 30
    assert not districts.current(datetime.date(2026, 1, 1)).exists()
    assert districts.current(datetime.date(2020, 1, 1)).count() == 30
    old = Unit.objects.filter(parent__kind=UnitKind.LEGACY_DISTRICT)
    assert old.count() == 526
    assert set(old.values_list("valid_to", flat=True)) == {datetime.date(2025, 6, 30)}
    predecessor_names = set(ba_dinh.predecessors.values_list("name", flat=True))
    assert {"Phường Trúc Bạch", "Phường Quán Thánh"} <= predecessor_names
    assert ba_dinh.legacy_district.name == "Quận Ba Đình"
    assert (
        Unit.objects.filter(kind=UnitKind.COMMUNE, predecessors__isnull=False).distinct().count()
        == 126
    )


def test_loading_twice_changes_nothing(db):
    rows = national_rows(province_codes=["01"], hamlets=1, legacy_for=("01",))
    load_units(rows)
    count = Unit.objects.count()
    paths = dict(Unit.objects.values_list("key", "path"))
    entries = AuditEntry.objects.count()
    again = load_units(national_rows(province_codes=["01"], hamlets=1, legacy_for=("01",)))
    assert (again.created, again.updated) == (0, 0)
    assert Unit.objects.count() == count
    assert dict(Unit.objects.values_list("key", "path")) == paths
    assert AuditEntry.objects.count() == entries


def test_hanoi_clusters_cover_every_commune_once(db):
    load_units(national_rows(province_codes=["01"], hamlets=0, legacy_for=("01",)))
    clusters = load_hanoi_clusters(year=2026)
    assert len(clusters) == 6
    members = [u.pk for c in clusters for u in c.units.all()]
    assert len(members) == len(set(members)) == 126
    assert all(c.units.exists() for c in clusters)
    load_hanoi_clusters(year=2026)
    assert Cluster.objects.count() == 6


def test_csv_file_loads_and_reloads(db):
    result = load_units(rows_from_csv(GOOD_CSV))
    assert result.created == 4
    hamlet = Unit.objects.get(key="x-hamlet")
    assert [u.key for u in Unit.objects.ancestors_of(hamlet)] == ["x-city", "x-ward"]
    assert Unit.objects.get(key="x-ward").valid_from == datetime.date(2025, 7, 1)
    assert load_units(rows_from_csv(GOOD_CSV)).created == 0


def test_csv_change_of_a_name_updates_one_unit(db):
    load_units(rows_from_csv(GOOD_CSV))
    changed = GOOD_CSV.replace("Tổ dân phố số 1", "Tổ dân phố số 1A")
    result = load_units(rows_from_csv(changed))
    assert (result.created, result.updated) == (0, 1)
    assert Unit.objects.get(key="x-hamlet").name == "Tổ dân phố số 1A"


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        ("x-bad,x-nowhere,Thôn Lạc,hamlet,,,", "does not exist"),
        ("x-bad,x-ward,Thôn Lạc,spaceship,,,", "Unknown unit kind"),
        ("x-bad,x-ward,,hamlet,,,", "name is missing"),
        ("x-bad,x-ward,Thôn Lạc,hamlet,,31/02/2025,", "is not a date"),
        ("x-bad,x-ward,Thôn Lạc,hamlet,,01/07/2025,01/01/2025", "closes before it opens"),
        ("x-hamlet,x-ward,Trùng khóa,hamlet,,,", "appears twice"),
    ],
)
def test_one_broken_row_writes_nothing_and_is_reported(db, bad_line, reason):
    text = GOOD_CSV + bad_line + "\n"
    with translation.override("en"), pytest.raises(LoadError) as exc:
        load_units(rows_from_csv(text))
    assert Unit.objects.count() == 0
    lines = [line for line, _key, _reason in exc.value.problems]
    assert 6 in lines
    assert any(reason in r for _l, _k, r in exc.value.problems)


def test_a_cycle_in_the_file_is_refused(db):
    text = GOOD_CSV + "x-loop1,x-loop2,Vòng 1,hamlet,,,\nx-loop2,x-loop1,Vòng 2,hamlet,,,\n"
    with translation.override("en"), pytest.raises(LoadError) as exc:
        load_units(rows_from_csv(text))
    assert any("cycle" in reason for _l, _k, reason in exc.value.problems)
    assert Unit.objects.count() == 0


def test_load_command_reports_bad_rows(db, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(GOOD_CSV + "x-bad,x-nowhere,Thôn Lạc,hamlet,,,\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_units", file=str(path), stderr=err, stdout=StringIO())
    assert "6" in err.getvalue() and "x-nowhere" in err.getvalue()
    assert Unit.objects.count() == 0


def test_reasons_are_given_in_vietnamese(db):
    with pytest.raises(LoadError) as exc:
        load_units(rows_from_csv(GOOD_CSV + "x-bad,x-nowhere,Thôn Lạc,hamlet,,,\n"))
    reasons = " ".join(reason for _l, _k, reason in exc.value.problems)
    assert "Không tìm thấy đơn vị cấp trên “x-nowhere”" in reasons
