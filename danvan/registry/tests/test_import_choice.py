"""A row naming a commune that several communes shared before 2025, with nothing in the sheet
to tell them apart, offers its candidates: the unit chosen is the one the row is imported into."""

import datetime

import pytest
from django.urls import reverse

from danvan.core.models import Job
from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit
from danvan.registry.models import PracticeModel
from danvan.registry.tests.test_excel import confirm, preview, sheet

CLOSED = datetime.date(2025, 6, 30)
HEADERS = ["Tên mô hình", "Đơn vị", "Năm", "Lĩnh vực"]
ROWS = [
    ["Đường hoa", "Xã Tân Lập", 2014, "Kinh tế"],
    ["Tổ hòa giải", "Xã Tân Lập", 2016, "Kinh tế"],
    ["Chợ văn minh", "Phường Ba Đình", 2020, "Kinh tế"],
]


class TwoTanLap:
    """Two districts of before 2025, each with a "Xã Tân Lập"."""

    def __init__(self, tree):
        def old(parent, name, kind=UnitKind.COMMUNE, code=""):
            return create_unit(
                actor=None, parent=parent, name=name, kind=kind, code=code, valid_to=CLOSED
            )

        dan_phuong = old(tree.city, "Huyện Đan Phượng", UnitKind.LEGACY_DISTRICT, "273")
        thach_that = old(tree.city, "Huyện Thạch Thất", UnitKind.LEGACY_DISTRICT, "276")
        self.tan_lap_dp = old(dan_phuong, "Xã Tân Lập", code="09877")
        self.tan_lap_tt = old(thach_that, "Xã Tân Lập", code="10045")


@pytest.fixture
def legacy(tree):
    return TwoTanLap(tree)


def choose(client, job, data):
    response = client.post(
        reverse("registry:import_review", args=[job.token]), {"action": "choose", **data}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Job.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def errors_of(job) -> dict[int, str]:
    return dict(job.result["errors"])


def test_an_ambiguous_row_offers_its_candidates(legacy, city_officer, client_for):
    client = client_for(city_officer)
    job = preview(client, sheet(ROWS, HEADERS))
    assert job.status == Job.Status.DONE, job.message
    assert job.result["valid"] == 1 and job.result["error_count"] == 2
    first = job.result["choices"][0]
    assert first["number"] == 2 and first["text"] == "Xã Tân Lập"
    assert {c["id"] for c in first["candidates"]} == {legacy.tan_lap_dp.pk, legacy.tan_lap_tt.pk}
    page = client.get(reverse("registry:import_review", args=[job.token])).content.decode()
    assert 'name="unit_2"' in page and "Huyện Thạch Thất" in page
    assert "bỏ qua dòng này" in page


def test_the_chosen_unit_makes_the_row_valid_and_is_imported(legacy, city_officer, client_for):
    client = client_for(city_officer)
    job = preview(client, sheet(ROWS, HEADERS))
    again = choose(client, job, {"unit_2": legacy.tan_lap_tt.pk})
    assert again.status == Job.Status.DONE, again.message
    assert again.input_file.name == job.input_file.name  # the same sheet, checked again
    assert again.result["valid"] == 2 and again.result["error_count"] == 1
    assert [c["number"] for c in again.result["choices"]] == [3]  # row 3 is still to choose
    assert 2 not in errors_of(again)
    confirm(client, again)
    assert dict(PracticeModel.objects.values_list("name", "unit")) == {
        "Đường hoa": legacy.tan_lap_tt.pk,
        "Chợ văn minh": PracticeModel.objects.get(name="Chợ văn minh").unit_id,
    }
    assert PracticeModel.objects.get(name="Đường hoa").legacy_district_name == "Huyện Thạch Thất"


def test_a_choice_can_apply_to_every_row_with_the_name(legacy, city_officer, client_for):
    client = client_for(city_officer)
    job = preview(client, sheet(ROWS, HEADERS))
    again = choose(client, job, {"unit_2": legacy.tan_lap_dp.pk, "all_2": "1"})
    assert again.result["valid"] == 3 and again.result["error_count"] == 0
    confirm(client, again)
    assert set(
        PracticeModel.objects.filter(unit=legacy.tan_lap_dp).values_list("name", flat=True)
    ) == {
        "Đường hoa",
        "Tổ hòa giải",
    }


def test_earlier_choices_are_kept_and_a_row_can_be_skipped(legacy, city_officer, client_for):
    client = client_for(city_officer)
    job = preview(client, sheet(ROWS, HEADERS))
    again = choose(client, job, {"unit_2": legacy.tan_lap_dp.pk})
    third = choose(client, again, {"unit_3": "skip"})
    assert third.result["valid"] == 2 and third.result["choices"] == []
    assert "bỏ qua dòng này" in errors_of(third)[3]


def test_a_unit_not_among_the_candidates_is_refused(tree, legacy, city_officer, client_for):
    client = client_for(city_officer)
    job = preview(client, sheet(ROWS, HEADERS))
    again = choose(client, job, {"unit_2": tree.a.commune.pk, "all_2": "1"})
    assert again.result["valid"] == 1 and again.result["error_count"] == 2
    assert "không nằm trong các đơn vị có thể" in errors_of(again)[2]
    assert [c["number"] for c in again.result["choices"]] == [2, 3]  # still to choose
    confirm(client, again)
    assert not PracticeModel.objects.filter(name__in=["Đường hoa", "Tổ hòa giải"]).exists()


def test_a_unit_outside_the_users_scope_is_refused(legacy, city_officer, client_for):
    province = create_unit(
        actor=None, parent=None, name="Tỉnh Bắc Ninh", kind=UnitKind.PROVINCE, code="27"
    )
    outside = create_unit(
        actor=None, parent=province, name="Xã Tân Lập", kind=UnitKind.COMMUNE, code="09999"
    )
    client = client_for(city_officer)
    job = preview(client, sheet(ROWS, HEADERS))
    assert outside.pk not in {c["id"] for c in job.result["choices"][0]["candidates"]}
    again = choose(client, job, {"unit_2": outside.pk, "unit_3": "not a unit"})
    assert again.result["valid"] == 1 and again.result["error_count"] == 2
    assert "không nằm trong các đơn vị có thể" in errors_of(again)[2]
    assert "không nằm trong các đơn vị có thể" in errors_of(again)[3]
    confirm(client, again)
    assert not PracticeModel.objects.filter(name__in=["Đường hoa", "Tổ hòa giải"]).exists()


def test_another_user_cannot_choose_on_the_preview(legacy, city_officer, clerk_a, client_for):
    job = preview(client_for(city_officer), sheet(ROWS, HEADERS))
    response = client_for(clerk_a).post(
        reverse("registry:import_review", args=[job.token]),
        {"action": "choose", "unit_2": legacy.tan_lap_tt.pk},
    )
    assert response.status_code == 404
    assert Job.objects.filter(kind="registry.import_preview").count() == 1
