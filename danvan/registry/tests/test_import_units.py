"""The import finds the unit a row names as it was on the row's date, told apart by district
when names repeat, and the field by its old names and local variants."""

import datetime

import pytest
from django.urls import reverse

from conftest import make_user
from danvan.accounts.models import Role
from danvan.core.models import Job
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit, replace_units
from danvan.registry import transfer
from danvan.registry.models import Field, PracticeModel
from danvan.registry.tests.test_excel import confirm, preview, sheet

CLOSED = datetime.date(2025, 6, 30)
REFORM = datetime.date(2025, 7, 1)
COLUMNS = {
    "name": 0,
    "unit": 1,
    "year": 2,
    "field": 3,
    "legacy_district_name": 4,
    "unit_code": 5,
    "start_date": 6,
}


class Legacy:
    """Hà Nội before 1 July 2025 in small: four districts, three "Xã Tân Lập", a ward and a
    commune both "Quang Trung", a town, and a ward whose code a 2025 ward took over."""

    def __init__(self, tree):
        def old(parent, name, kind=UnitKind.COMMUNE, code="", **dates):
            return create_unit(
                actor=None, parent=parent, name=name, kind=kind, code=code, valid_to=CLOSED, **dates
            )

        district = UnitKind.LEGACY_DISTRICT
        self.dan_phuong = old(tree.city, "Huyện Đan Phượng", district, "273")
        self.thach_that = old(tree.city, "Huyện Thạch Thất", district, "276")
        self.quoc_oai = old(tree.city, "Huyện Quốc Oai", district, "275")
        self.hoai_duc = old(tree.city, "Huyện Hoài Đức", district, "274")
        self.ba_dinh = old(tree.city, "Quận Ba Đình", district, "001")
        self.tan_lap_dp = old(
            self.dan_phuong, "Xã Tân Lập", code="09877", valid_from=datetime.date(2008, 8, 1)
        )
        self.tan_lap_tt = old(self.thach_that, "Xã Tân Lập", code="10045")
        self.tan_lap_qo = old(self.quoc_oai, "Xã Tân Lập", code="10018")
        self.tram_troi = old(self.hoai_duc, "Thị trấn Trạm Trôi", code="09955")
        self.quang_trung_p = old(self.ba_dinh, "Phường Quang Trung", code="00031")
        self.quang_trung_x = old(self.quoc_oai, "Xã Quang Trung", code="10030")
        self.quan_thanh = old(self.ba_dinh, "Phường Quán Thánh", code="00112")
        self.ngoc_ha = create_unit(
            actor=None,
            parent=tree.city,
            name="Phường Ngọc Hà",
            kind=UnitKind.COMMUNE,
            code="00112",  # the code Phường Quán Thánh held before
            valid_from=REFORM,
            legacy_district=self.ba_dinh,
        )
        replace_units(
            actor=None, successor=self.ngoc_ha, predecessors=[self.quan_thanh], closed_on=REFORM
        )


@pytest.fixture
def legacy(tree):
    return Legacy(tree)


@pytest.fixture
def lookups(legacy, city_officer):
    return transfer.Lookups.for_user(city_officer)


def parse(
    lookups, unit, *, year=2015, district="", code="", field="Kinh tế", start=None, sheet=None
):
    """Parse one row; `sheet` is the district the sheet says all its rows belong to."""
    values = ["Tổ tự quản", unit, year, field, district, code, start]
    facts = {"year": None, "year_source": "", "district": sheet} if sheet else None
    return transfer._parse_row(values, COLUMNS, lookups, facts)


def error_of(lookups, unit, **kwargs) -> transfer.RowError:
    with pytest.raises(transfer.RowError) as caught:
        parse(lookups, unit, **kwargs)
    return caught.value


# Names that several units shared


def test_a_repeated_commune_name_is_resolved_by_the_rows_district(legacy, lookups):
    row = parse(lookups, "Xã Tân Lập", district="Huyện Thạch Thất")
    assert row["unit"] == legacy.tan_lap_tt
    assert row["unit_label"] == "Xã Tân Lập (Huyện Thạch Thất, đến 30/06/2025)"


def test_a_district_sheet_resolves_repeated_names_inside_its_district(legacy, lookups):
    row = parse(lookups, "Xã Tân Lập", sheet="Đan Phượng")
    assert row["unit"] == legacy.tan_lap_dp
    assert row["unit_label"] == "Xã Tân Lập (Huyện Đan Phượng, 01/08/2008–30/06/2025)"
    # The row's own district column wins over the sheet's.
    assert parse(lookups, "Xã Tân Lập", district="Quốc Oai", sheet="Đan Phượng")["unit"] == (
        legacy.tan_lap_qo
    )


def test_a_unit_code_column_resolves_a_repeated_name(legacy, lookups):
    assert parse(lookups, "Xã Tân Lập", code="10018")["unit"] == legacy.tan_lap_qo


def test_a_still_ambiguous_row_lists_the_candidates_with_district_and_dates(legacy, lookups):
    error = error_of(lookups, "Tân Lập")
    message = str(error)
    assert message.startswith("Có 3 đơn vị tên “Tân Lập”: ")
    assert "Xã Tân Lập (Huyện Đan Phượng, 01/08/2008–30/06/2025)" in message
    assert "Xã Tân Lập (Huyện Quốc Oai, đến 30/06/2025)" in message
    assert "Xã Tân Lập (Huyện Thạch Thất, đến 30/06/2025)" in message
    assert message.endswith("ghi tên quận/huyện hoặc mã đơn vị.")
    # Kept for a choice per row.
    assert {c["id"] for c in error.candidates} == {
        legacy.tan_lap_dp.pk,
        legacy.tan_lap_tt.pk,
        legacy.tan_lap_qo.pk,
    }
    # A district that none of them is in leaves the choice open.
    assert len(error_of(lookups, "Tân Lập", district="Huyện Hoài Đức").candidates) == 3


@pytest.mark.parametrize(
    ("written", "district", "expected"),
    [
        ("Tân Lập", "Đan Phượng", "tan_lap_dp"),
        ("xã Tân Lập", "H. Đan Phượng", "tan_lap_dp"),
        ("X. Tân Lập", "huyện Thạch Thất", "tan_lap_tt"),
        ("XÃ TÂN LẬP", "HUYỆN QUỐC OAI", "tan_lap_qo"),
        ("Xã Tân Lập, huyện Quốc Oai", "", "tan_lap_qo"),
        ("P. Quang Trung", "", "quang_trung_p"),
        ("Xã Quang Trung", "", "quang_trung_x"),
        ("TT Trạm Trôi", "", "tram_troi"),
        ("Thị trấn Trạm Trôi", "", "tram_troi"),
        ("Trạm Trôi", "", "tram_troi"),
    ],
)
def test_prefixes_and_their_short_forms_are_tolerated(legacy, lookups, written, district, expected):
    assert parse(lookups, written, district=district)["unit"] == getattr(legacy, expected)


def test_names_that_differ_only_by_their_marks_are_told_apart(legacy, tree, city_officer):
    son_dong = create_unit(
        actor=None,
        parent=legacy.hoai_duc,
        name="Xã Sơn Đồng",
        kind=UnitKind.COMMUNE,
        valid_to=CLOSED,
    )
    son_dong_2 = create_unit(
        actor=None,
        parent=legacy.quoc_oai,
        name="Xã Sơn Đông",
        kind=UnitKind.COMMUNE,
        valid_to=CLOSED,
    )
    lookups = transfer.Lookups.for_user(city_officer)
    assert parse(lookups, "Xã Sơn Đồng")["unit"] == son_dong
    assert parse(lookups, "xã sơn đông")["unit"] == son_dong_2
    assert len(error_of(lookups, "Son Dong").candidates) == 2  # written without marks


def test_a_unit_whose_short_name_is_its_bare_name_is_one_candidate(tree, city_officer):
    ward = create_unit(
        actor=None,
        parent=tree.city,
        name="Phường Láng",
        short_name="Láng",
        kind=UnitKind.COMMUNE,
        valid_from=REFORM,
    )
    lookups = transfer.Lookups.for_user(city_officer)
    assert parse(lookups, "Phường Láng", year=2026)["unit"] == ward
    assert parse(lookups, "Láng", year=2026)["unit"] == ward


# Units of their time


def test_a_code_reused_in_2025_does_not_capture_a_2012_row(legacy, lookups):
    assert parse(lookups, "00112", year=2012)["unit"] == legacy.quan_thanh
    assert parse(lookups, "00112", year=2026)["unit"] == legacy.ngoc_ha
    # The start date, when given, is the row's date.
    late = parse(lookups, "00112", year=2025, start=datetime.date(2025, 3, 1))
    assert late["unit"] == legacy.quan_thanh


def test_a_code_not_held_then_in_scope_is_refused_not_given_to_its_later_holder(tree, legacy):
    clerk = make_user("clerk_ngoc_ha", Role.CLERK, legacy.ngoc_ha)
    lookups = transfer.Lookups.for_user(clerk)
    message = str(error_of(lookups, "00112", year=2012))
    assert "00112" in message and "Phường Ngọc Hà (từ 01/07/2025)" in message
    # By its name, an old model filed under the ward's new name stays with the ward.
    assert parse(lookups, "Phường Ngọc Hà", year=2012)["unit"] == legacy.ngoc_ha


def test_a_row_of_a_closed_commune_keeps_its_unit_and_district(legacy, lookups):
    row = parse(lookups, "Phường Quán Thánh", year=2014)
    assert row["unit"] == legacy.quan_thanh  # models belong to the unit they were registered in
    assert row["legacy_district_name"] == "Quận Ba Đình"


def test_a_row_dated_after_its_commune_closed_goes_to_the_successor(legacy, lookups):
    row = parse(lookups, "Phường Quán Thánh", year=2026)
    assert row["unit"] == legacy.ngoc_ha
    assert row["unit_label"] == (
        "Phường Ngọc Hà (từ 01/07/2025), thay cho Phường Quán Thánh (Quận Ba Đình, đến 30/06/2025)"
    )
    assert row["legacy_district_name"] == ""  # registered after the districts ended


def test_closed_units_outside_the_users_subtree_are_not_matched(tree, legacy, clerk_a):
    lookups = transfer.Lookups.for_user(clerk_a)
    assert "ngoài phạm vi" in str(error_of(lookups, "Xã Tân Lập", district="Đan Phượng"))


def test_parsing_rows_reads_nothing_more_from_the_database(
    legacy, city_officer, django_assert_max_num_queries, django_assert_num_queries
):
    with django_assert_max_num_queries(10):
        lookups = transfer.Lookups.for_user(city_officer)
    with django_assert_num_queries(0):
        for n in range(50):
            parse(lookups, "Xã Tân Lập", district="Đan Phượng", year=2010 + n % 10)
            parse(lookups, "00112", year=2012 + n % 14)
            with pytest.raises(transfer.RowError):
                parse(lookups, "Tân Lập")


# Fields under their old names


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Xây dựng Đảng, chính quyền", "xay-dung-dang"),
        ("Xây dựng Đảng và hệ thống chính trị", "xay-dung-dang"),
        ("An ninh – quốc phòng", "quoc-phong-an-ninh"),
        ("Quốc phòng, an ninh", "quoc-phong-an-ninh"),
        ("AN NINH - QUỐC PHÒNG", "quoc-phong-an-ninh"),
        ("Văn hoá xã hội", "van-hoa-xa-hoi"),
        ("Văn hóa - Xã hội", "van-hoa-xa-hoi"),
        ("Xã hội, văn hóa", "van-hoa-xa-hoi"),
        ("Kinh tế", "kinh-te"),
        ("Phát triển kinh tế", "kinh-te"),
        ("Lĩnh vực kinh tế", "kinh-te"),
        ("kinh-te", "kinh-te"),
    ],
)
def test_old_and_local_field_names_map_to_the_field(legacy, lookups, written, code):
    assert parse(lookups, "Xã Tân Lập", district="Đan Phượng", field=written)["field"].code == code


def test_an_unknown_field_offers_the_closest(legacy, lookups):
    message = str(error_of(lookups, "Xã Tân Lập", district="Đan Phượng", field="Văn hoá thể thao"))
    assert message.startswith("Lĩnh vực “Văn hoá thể thao” không có; gần nhất: Văn hóa – xã hội")


def test_a_synonym_added_in_the_rules_is_honoured(legacy, city_officer):
    Field.objects.filter(code="kinh-te").update(synonyms="Kinh tế hộ gia đình")
    lookups = transfer.Lookups.for_user(city_officer)
    row = parse(lookups, "Xã Tân Lập", district="Đan Phượng", field="kinh tế hộ gia đình")
    assert row["field"].code == "kinh-te"


# Through the pages


def test_a_district_sheet_with_repeated_commune_names_is_imported(legacy, city_officer, client_for):
    client = client_for(city_officer)
    headers = ["Tên mô hình", "Đơn vị", "Năm", "Lĩnh vực", "Quận huyện"]
    rows = [
        ["Đường hoa", "Xã Tân Lập", 2014, "Văn hoá xã hội", "Huyện Đan Phượng"],
        ["Tổ hòa giải", "X. Tân Lập", 2016, "An ninh – quốc phòng", "Thạch Thất"],
        ["Camera an ninh", "Tân Lập", 2018, "Quốc phòng, an ninh", ""],
        ["Chợ văn minh", "TT Trạm Trôi", 2019, "Kinh tế", ""],
    ]
    job = preview(client, sheet(rows, headers))
    assert job.status == Job.Status.DONE, job.message
    assert job.result["valid"] == 3 and job.result["error_count"] == 1
    [(number, reason)] = job.result["errors"]
    assert number == 4 and "Có 3 đơn vị tên “Tân Lập”" in reason
    page = client.get(reverse("registry:import_review", args=[job.token])).content.decode()
    assert "Huyện Quốc Oai" in page  # the candidates are named on the page
    confirm(client, job)
    assert dict(PracticeModel.objects.values_list("name", "unit")) == {
        "Đường hoa": legacy.tan_lap_dp.pk,
        "Tổ hòa giải": legacy.tan_lap_tt.pk,
        "Chợ văn minh": legacy.tram_troi.pk,
    }
    assert PracticeModel.objects.get(name="Chợ văn minh").legacy_district_name == "Huyện Hoài Đức"
