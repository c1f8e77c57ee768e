"""The list page: search without marks or case, filters that narrow, counts for a subtree."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from danvan.registry import services, views
from danvan.registry.models import ModelKind, Status
from danvan.registry.tests.factories import PracticeModelFactory, field, level

LIST = reverse("registry:list")
COUNTS = reverse("registry:counts")


@pytest.fixture
def catalogue(tree, ward_a, clerk_b):
    """Ward A's three models (kinh tế, collective, 2026; one recognised at cơ sở) and two of
    ward B that differ from them in field, kind, year and status."""
    kheo = PracticeModelFactory(
        actor=clerk_b,
        unit=tree.b.hamlet,
        name="Dân vận khéo trong thu gom rác",
        kind=ModelKind.INDIVIDUAL,
        field=field("van-hoa-xa-hoi"),
        year=2025,
    )
    patrol = services.launch_model(
        actor=clerk_b,
        model=PracticeModelFactory(
            actor=clerk_b,
            unit=tree.b.commune,
            name="Tổ tự quản an ninh",
            field=field("quoc-phong-an-ninh"),
            year=2024,
        ),
    )
    return SimpleNamespace(
        plain=ward_a.plain,  # “Mô hình Dân vận khéo “Ngõ xanh””, ward A's hamlet
        reviewed=ward_a.reviewed,
        recognised=ward_a.recognised,
        kheo=kheo,
        patrol=patrol,
    )


def listed(client, **params) -> set[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {model.pk for model in response.context["page"]}


@pytest.mark.parametrize("query", ["dan van kheo", "DÂN VẬN KHÉO", "Dân vận khéo", "dân  VAN kheo"])
def test_search_ignores_marks_and_case(catalogue, city_officer, client_for, query):
    assert listed(client_for(city_officer), q=query) == {catalogue.plain.pk, catalogue.kheo.pk}


def test_search_needs_every_word(catalogue, city_officer, client_for):
    assert listed(client_for(city_officer), q="khéo rác") == {catalogue.kheo.pk}
    assert listed(client_for(city_officer), q="khéo camera") == set()


def test_search_finds_words_of_the_content(tree, clerk_a, client_for):
    model = PracticeModelFactory(
        actor=clerk_a, unit=tree.a.commune, content="Vận động hiến đất mở đường liên thôn."
    )
    assert listed(client_for(clerk_a), q="hien dat") == {model.pk}


FILTERS = {
    "field": (lambda t: {"field": field("van-hoa-xa-hoi").pk}, ["kheo"]),
    "kind": (lambda t: {"kind": ModelKind.INDIVIDUAL}, ["kheo"]),
    "status": (lambda t: {"status": Status.UNDER_REVIEW}, ["reviewed"]),
    "status-launched": (lambda t: {"status": Status.LAUNCHED}, ["patrol"]),
    "level": (lambda t: {"level": level("co-so").pk}, ["recognised"]),
    "year": (lambda t: {"year": 2024}, ["patrol"]),
    "unit-ward-a": (lambda t: {"unit": t.a.commune.pk}, ["plain", "reviewed", "recognised"]),
    "unit-hamlet-a": (lambda t: {"unit": t.a.hamlet.pk}, ["plain"]),
    "unit-ward-b": (lambda t: {"unit": t.b.commune.pk}, ["kheo", "patrol"]),
    "unit-and-field": (
        lambda t: {"unit": t.b.commune.pk, "field": field("quoc-phong-an-ninh").pk},
        ["patrol"],
    ),
    "search-and-unit": (lambda t: {"unit": t.a.commune.pk, "q": "dan van"}, ["plain"]),
    "year-and-kind": (
        lambda t: {"year": 2026, "kind": ModelKind.COLLECTIVE},
        [
            "plain",
            "reviewed",
            "recognised",
        ],
    ),
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_each_filter_narrows_the_list(tree, catalogue, city_officer, client_for, name):
    params, expected = FILTERS[name]

    found = listed(client_for(city_officer), **params(tree))

    assert found == {getattr(catalogue, key).pk for key in expected}


def test_without_filters_the_list_has_the_whole_scope(catalogue, city_officer, client_for):
    assert len(listed(client_for(city_officer))) == 5


@pytest.mark.parametrize(
    ("unit", "registered", "recognised"),
    [("city", 5, 1), ("a.commune", 3, 1), ("a.hamlet", 1, 0), ("b.commune", 2, 0)],
)
def test_counts_of_a_subtree_match_the_hand_count(
    tree, catalogue, city_officer, client_for, unit, registered, recognised
):
    node = tree
    for part in unit.split("."):
        node = getattr(node, part)

    response = client_for(city_officer).get(COUNTS, {"unit": node.pk})

    assert response.context["totals"] == {"registered": registered, "recognised": recognised}
    assert sum(row["n"] for row in response.context["rows"]) == registered


def test_counts_break_down_by_year_field_and_status(tree, catalogue, city_officer, client_for):
    response = client_for(city_officer).get(COUNTS, {"unit": tree.a.commune.pk})

    rows = {(r["year"], r["field__name"], r["status"]): r["n"] for r in response.context["rows"]}
    assert rows == {
        (2026, "Kinh tế", Status.REGISTERED): 1,
        (2026, "Kinh tế", Status.UNDER_REVIEW): 1,
        (2026, "Kinh tế", Status.RECOGNISED): 1,
    }


def test_counts_follow_the_filters(catalogue, city_officer, client_for):
    response = client_for(city_officer).get(COUNTS, {"q": "dan van kheo"})

    assert response.context["totals"] == {"registered": 2, "recognised": 0}


def test_name_in_quotation_marks_is_found_by_its_words(tree, clerk_a, client_for):
    model = PracticeModelFactory(
        actor=clerk_a,
        unit=tree.a.commune,
        name="Mô hình “Dân vận khéo” (Ngõ phố văn minh)",
        situation="Nhiều rác thải.",
        content="Họp tổ, chia ca trực.",
    )
    client = client_for(clerk_a)

    assert listed(client, q="dan van kheo") == {model.pk}
    assert listed(client, q="ngo pho") == {model.pk}
    similar = client.get(reverse("registry:similar"), {"name": "dân vận khéo"})
    assert model.name in similar.content.decode()


@pytest.mark.parametrize("query", ["“Dân vận khéo”", "dân-vận khéo", "(ngõ phố)", "khéo, ngõ"])
def test_punctuation_in_the_query_is_ignored(tree, clerk_a, client_for, query):
    model = PracticeModelFactory(
        actor=clerk_a, unit=tree.a.commune, name="Mô hình “Dân vận khéo” (Ngõ phố văn minh)"
    )

    assert listed(client_for(clerk_a), q=query) == {model.pk}


def test_search_text_holds_the_words_between_spaces(tree, clerk_a):
    model = PracticeModelFactory(
        actor=clerk_a,
        unit=tree.a.commune,
        name="Mô hình “Dân-vận khéo”",
        situation="Rác.",
        goals="Sạch.",
        content="Họp tổ!",
    )

    key = model.search_text
    assert key.startswith(" ") and key.endswith(" ")
    assert " dan van kheo " in key
    assert not any(mark in key for mark in "“”-.!")


def test_a_common_search_is_counted_only_up_to_the_cap(tree, clerk_a, client_for, monkeypatch):
    for n in range(3):
        PracticeModelFactory(actor=clerk_a, unit=tree.a.hamlet, name=f"Tổ an ninh số {n}")
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    page = client_for(clerk_a).get(reverse("registry:list"), {"q": "an ninh"}).content.decode()
    assert "hơn 1.000 mô hình" in page
    assert page.count("Tổ an ninh số") == 3
