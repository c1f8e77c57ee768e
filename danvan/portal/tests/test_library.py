"""The public “Dân vận khéo” model library: recognised models only, nothing personal."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.organisations.models import UnitKind
from danvan.organisations.services import create_unit
from danvan.registry import services
from danvan.registry.models import ModelKind, Status
from danvan.registry.services import territory_of
from danvan.registry.tests.factories import PracticeModelFactory, field, level, move_to

LIBRARY = reverse("portal:library")
SIGNER = "Nguyễn Văn Ký"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 costs 0.2 s a user; these tests never check a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def recognised(unit, name, *, actor=None, on=datetime.date(2026, 1, 5), **data):
    """Register a model, walk it to “good” as the system would, and recognise it."""
    model = PracticeModelFactory(actor=actor, unit=unit, name=name, **data)
    model = move_to(model, Status.GOOD)
    services.recognise_model(
        actor=None,
        model=model,
        level=level("co-so"),
        issuer=territory_of(unit),
        decision_number=12,
        decision_date=on,
        signer_name=SIGNER,
        signer_title="Trưởng ban Dân vận",
    )
    model.refresh_from_db()
    return model


def detail_url(model) -> str:
    return reverse("portal:library_detail", args=[model.pk])


def names(response) -> list[str]:
    return [model.name for model, _commune in response.context["rows"]]


@pytest.fixture
def library(tree, clerk_a):
    """Ward A's models as its clerk registered them: two recognised, one still in review."""
    ngo_xanh = recognised(
        tree.a.hamlet,
        "Mô hình Dân vận khéo “Ngõ xanh, sạch, đẹp”",
        actor=clerk_a,
        on=datetime.date(2026, 3, 1),
        field=field("van-hoa-xa-hoi"),
        content="Vận động các hộ gia đình trồng cây, giữ ngõ sạch.",
        results="32 ngõ được trồng hoa.",
    )
    camera = recognised(
        tree.a.commune,
        "Mô hình Camera an ninh",
        actor=clerk_a,
        on=datetime.date(2026, 2, 1),
        field=field("quoc-phong-an-ninh"),
        kind=ModelKind.INDIVIDUAL,
        year=2025,
    )
    in_review = move_to(
        PracticeModelFactory(actor=clerk_a, unit=tree.a.commune, name="Mô hình Chợ văn minh"),
        Status.GOOD,
    )
    return ngo_xanh, camera, in_review


def test_visitor_sees_recognised_models_newest_first(client, library):
    ngo_xanh, camera, in_review = library

    response = client.get(LIBRARY)

    assert response.status_code == 200
    assert names(response) == [ngo_xanh.name, camera.name]
    assert response.context["page"].paginator.count == 2
    assert in_review.name not in response.text


def test_list_shows_commune_unit_field_level_and_year(client, tree, library):
    ngo_xanh, _camera, _in_review = library

    response = client.get(LIBRARY)

    row = dict(response.context["rows"])
    assert row[ngo_xanh] == tree.a.commune
    for text in [tree.a.commune.name, tree.a.hamlet.name, "Văn hóa – xã hội", "Cấp cơ sở", "2025"]:
        assert text in response.text


def test_public_pages_are_cacheable_and_set_no_cookie(client, library):
    ngo_xanh, _camera, _in_review = library

    for url in [LIBRARY, detail_url(ngo_xanh)]:
        response = client.get(url)
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
        assert "public" in cache and "max-age=60" in cache
        assert "Cookie" in response.headers["Vary"]
        assert not response.cookies, url
        assert 'name="csrfmiddlewaretoken"' not in response.text


def test_signed_in_official_gets_a_private_page(client_for, clerk_a, library):
    response = client_for(clerk_a).get(LIBRARY)

    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


def test_visitor_can_switch_language_without_a_csrf_cookie(library):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("portal:language"), {"language": "en", "next": LIBRARY})

    assert response.status_code == 302
    assert response.url == LIBRARY
    assert response.cookies["django_language"].value == "en"


def test_language_switch_refuses_a_foreign_next(client, db):
    response = client.post(
        reverse("portal:language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response.url == "/"


def test_model_not_recognised_is_absent_and_its_page_is_404(client, library):
    _ngo_xanh, _camera, in_review = library

    assert in_review.name not in client.get(LIBRARY).text
    assert client.get(detail_url(in_review)).status_code == 404


def test_withdrawn_model_leaves_the_library(client, library):
    ngo_xanh, _camera, _in_review = library
    services.withdraw_model(actor=None, model=ngo_xanh)

    assert ngo_xanh.name not in client.get(LIBRARY).text
    assert client.get(detail_url(ngo_xanh)).status_code == 404


def test_missing_model_is_404(client, db):
    assert client.get(reverse("portal:library_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("query", ["dan van kheo", "DÂN VẬN KHÉO", "ngo xanh"])
def test_search_ignores_marks_and_case(client, library, query):
    ngo_xanh, camera, _in_review = library

    response = client.get(LIBRARY, {"q": query})

    assert names(response) == [ngo_xanh.name]


def test_commune_filter_keeps_the_communes_subtree(client, tree, library):
    ngo_xanh, camera, _in_review = library
    other = recognised(tree.b.front, "Mô hình Tổ hòa giải Hà Đông")

    response_a = client.get(LIBRARY, {"commune": tree.a.commune.pk})
    response_b = client.get(LIBRARY, {"commune": tree.b.commune.pk})

    assert names(response_a) == [ngo_xanh.name, camera.name]
    assert names(response_b) == [other.name]


def test_commune_filter_offers_only_current_communes(client, tree, library):
    closed = create_unit(
        actor=None,
        parent=tree.city,
        name="Phường Đã Sáp Nhập",
        kind=UnitKind.COMMUNE,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )

    response = client.get(LIBRARY)

    offered = list(response.context["form"].fields["commune"].queryset)
    assert offered == [tree.a.commune, tree.b.commune]
    assert closed not in offered
    assert tree.a.hamlet not in offered


def test_field_kind_and_year_filters(client, library):
    ngo_xanh, camera, _in_review = library

    by_field = client.get(LIBRARY, {"field": field("van-hoa-xa-hoi").pk})
    by_kind = client.get(LIBRARY, {"kind": ModelKind.INDIVIDUAL})
    by_year = client.get(LIBRARY, {"year": 2025})

    assert names(by_field) == [ngo_xanh.name]
    assert names(by_kind) == [camera.name]
    assert names(by_year) == [camera.name]


def test_bad_filter_values_are_ignored(client, library):
    response = client.get(LIBRARY, {"commune": "abc", "field": "999", "year": "x", "page": "z"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2


def test_detail_page_shows_the_model_and_its_replications(client, tree, clerk_b, library):
    ngo_xanh, _camera, _in_review = library
    first = services.record_replication(
        actor=clerk_b,
        model=ngo_xanh,
        unit=tree.b.hamlet,
        title="Ngõ hoa Hà Đông",
        start_date=datetime.date(2026, 4, 1),
        results="12 ngõ có hoa.",
    )
    ngo_xanh.refresh_from_db()  # the service reads the status it was given
    services.record_replication(
        actor=clerk_b,
        model=ngo_xanh,
        unit=tree.b.front,
        title="Ngõ xanh của Mặt trận",
        start_date=datetime.date(2026, 5, 2),
        adopted_from=first,
    )

    response = client.get(detail_url(ngo_xanh))

    assert response.status_code == 200
    assert [r.title for r in response.context["replications"]] == [
        "Ngõ hoa Hà Đông",
        "Ngõ xanh của Mặt trận",
    ]
    for text in [
        ngo_xanh.name,
        tree.a.hamlet.name,
        tree.a.commune.name,
        "Văn hóa – xã hội",
        "Cấp cơ sở",
        "01/03/2026",
        "Vận động các hộ gia đình trồng cây",
        "32 ngõ được trồng hoa.",
        tree.b.hamlet.name,
        "Ngõ hoa Hà Đông",
        "12 ngõ có hoa.",
        "01/04/2026",
        "02/05/2026",
    ]:
        assert text in response.text, text


def test_pages_show_no_personal_data(client, tree, clerk_a, clerk_b, library):
    ngo_xanh, _camera, _in_review = library
    services.record_replication(
        actor=clerk_b,
        model=ngo_xanh,
        unit=tree.b.hamlet,
        title="Ngõ hoa Hà Đông",
        start_date=datetime.date(2026, 4, 1),
    )

    for url in [LIBRARY, detail_url(ngo_xanh)]:
        text = Client().get(url).text
        for secret in [
            clerk_a.username,
            clerk_a.get_full_name(),
            clerk_b.username,
            clerk_b.get_full_name(),
            SIGNER,
        ]:
            assert secret not in text, (url, secret)


def test_list_query_count_does_not_grow_with_rows(client, tree):
    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIBRARY)
        assert response.status_code == 200
        return len(captured), response

    units = [tree.a.hamlet, tree.a.front, tree.b.hamlet]
    for i in range(3):
        recognised(units[i % 3], f"Mô hình thử {i}")
    few, response = count_queries()
    assert len(response.context["rows"]) == 3

    for i in range(3, 30):
        recognised(units[i % 3], f"Mô hình thử {i}")
    many, response = count_queries()
    assert len(response.context["rows"]) == 30

    assert many == few


def test_list_is_paginated_by_thirty(client, tree):
    for i in range(31):
        recognised(tree.a.hamlet, f"Mô hình thử {i}", on=datetime.date(2026, 1, 1 + i))

    first = client.get(LIBRARY)
    second = client.get(LIBRARY, {"page": 2})

    assert first.context["page"].paginator.count == 31
    assert len(first.context["rows"]) == 30
    assert names(first)[0] == "Mô hình thử 30"
    assert names(second) == ["Mô hình thử 0"]
