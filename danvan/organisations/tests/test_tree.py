"""The tree: subtree and ancestor queries, moves, validation, query counts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.organisations.models import Unit, UnitKind
from danvan.organisations.queries import children_for_tree
from danvan.organisations.services import create_unit, move_unit, update_unit


def test_subtree_holds_the_commune_and_everything_below(tree):
    subtree = set(Unit.objects.descendants_of(tree.a.commune, include_self=True))
    assert subtree == {
        tree.a.commune,
        tree.a.party,
        tree.a.state,
        tree.a.front,
        tree.a.hamlet,
    }
    assert tree.b.commune not in subtree


def test_ancestors_come_root_first(tree):
    cell = create_unit(actor=None, parent=tree.a.party, name="Chi bộ 1", kind=UnitKind.PARTY_CELL)
    assert list(Unit.objects.ancestors_of(cell)) == [tree.city, tree.a.commune, tree.a.party]
    assert cell.depth == 3
    assert cell.branch == "party"


def test_moving_a_unit_moves_its_descendants(tree):
    cell = create_unit(actor=None, parent=tree.a.party, name="Chi bộ 1", kind=UnitKind.PARTY_CELL)
    move_unit(actor=None, unit=tree.a.party, new_parent=tree.b.commune)
    cell.refresh_from_db()
    party = Unit.objects.get(pk=tree.a.party.pk)
    assert party.parent == tree.b.commune
    assert party.path.startswith(tree.b.commune.path)
    assert cell.path.startswith(party.path)
    assert cell.depth == party.depth + 1
    assert cell in Unit.objects.descendants_of(tree.b.commune)
    assert cell not in Unit.objects.descendants_of(tree.a.commune)


def test_a_unit_cannot_move_under_its_own_descendant(tree):
    with pytest.raises(ValidationError) as exc:
        move_unit(actor=None, unit=tree.a.commune, new_parent=tree.a.hamlet)
    assert exc.value.code == "parent_cycle"
    tree.a.commune.refresh_from_db()
    assert tree.a.commune.parent == tree.city


def test_a_unit_whose_parent_is_missing_is_refused(tree):
    ghost = Unit(pk=999999, name="Không tồn tại", path="99999999/")
    with pytest.raises(ValidationError) as exc:
        create_unit(actor=None, parent=ghost, name="Mồ côi", kind=UnitKind.HAMLET)
    assert exc.value.code == "parent_missing"
    assert not Unit.objects.filter(name="Mồ côi").exists()


def test_closing_date_before_opening_is_refused(tree):
    with pytest.raises(ValidationError):
        update_unit(
            actor=None,
            unit=tree.a.hamlet,
            valid_from=datetime.date(2025, 7, 1),
            valid_to=datetime.date(2025, 1, 1),
        )


def test_search_ignores_marks_and_case(tree):
    for query in ["ha dong", "Hà Đông", "HA ĐONG", "  hà   đông "]:
        found = set(Unit.objects.search(query))
        assert tree.b.commune in found, query
        assert tree.a.commune not in found, query


def test_children_counts(tree):
    children = {c.pk: c for c in children_for_tree(tree.city)}
    assert children[tree.a.commune.pk].child_count == 4
    assert children[tree.a.commune.pk].descendant_count == 4
    create_unit(actor=None, parent=tree.a.party, name="Chi bộ 1", kind=UnitKind.PARTY_CELL)
    children = {c.pk: c for c in children_for_tree(tree.city)}
    assert children[tree.a.commune.pk].descendant_count == 5
    assert children[tree.a.commune.pk].child_count == 4


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["organisations:tree", "home"])
def test_tree_page_query_count_does_not_grow_with_units(tree, city_officer, client_for, page):
    client = client_for(city_officer)
    url = reverse(page)
    before = _count_queries(client, url)
    for n in range(30):
        commune = create_unit(
            actor=None, parent=tree.city, name=f"Xã Thử {n}", kind=UnitKind.COMMUNE
        )
        create_unit(actor=None, parent=commune, name=f"Thôn {n}", kind=UnitKind.HAMLET)
    after = _count_queries(client, url)
    assert after == before
    assert "Xã Thử 29" in client.get(url).content.decode()


def test_unit_page_query_count_does_not_grow(tree, city_officer, client_for):
    client = client_for(city_officer)
    url = reverse("organisations:unit", args=[tree.a.commune.pk])
    before = _count_queries(client, url)
    for n in range(20):
        create_unit(actor=None, parent=tree.a.commune, name=f"Tổ {n}", kind=UnitKind.HAMLET)
    assert _count_queries(client, url) == before


def test_search_page_query_count_does_not_grow(tree, city_officer, client_for):
    client = client_for(city_officer)
    url = reverse("organisations:tree") + "?q=xa"
    create_unit(actor=None, parent=tree.city, name="Xã Đầu", kind=UnitKind.COMMUNE)
    before = _count_queries(client, url)
    for n in range(20):
        create_unit(actor=None, parent=tree.city, name=f"Xã Thử {n}", kind=UnitKind.COMMUNE)
    assert _count_queries(client, url) == before


def test_search_matches_word_starts_as_a_phrase(tree):
    other = create_unit(
        actor=None, parent=tree.city, name="Phường Đông Ngạc, nhân dân", kind=UnitKind.COMMUNE
    )
    found = set(Unit.objects.search("ha dong"))
    assert tree.b.commune in found
    assert other not in found  # "nhân dân ... Đông" holds "ha" and "dong" only inside words
    assert set(Unit.objects.search("dong ngac")) == {other}
    assert set(Unit.objects.search("ngac dong")) == {other}  # no phrase: every word, any order


def test_the_search_says_when_only_closed_units_match(tree, city_officer, client_for):
    for name in ["Xã Tân Lập", "Phường Tân Lập"]:
        create_unit(
            actor=None,
            parent=tree.city,
            name=name,
            kind=UnitKind.COMMUNE,
            valid_to=datetime.date(2025, 6, 30),
        )
    client = client_for(city_officer)
    page = client.get(reverse("organisations:tree"), {"q": "tan lap"}).content.decode()
    assert "0 đơn vị đang hoạt động; 2 đơn vị đã ngừng hoạt động khớp —" in " ".join(page.split())
    assert "Tìm thấy 0 đơn vị" not in page
    link = reverse("organisations:tree") + "?q=tan%20lap&amp;closed=1"
    assert f'href="{link}"' in page
    shown = client.get(reverse("organisations:tree"), {"q": "tan lap", "closed": "1"})
    assert "Xã Tân Lập" in shown.content.decode()
    assert "Phường Tân Lập" in shown.content.decode()


def test_the_search_counts_only_closed_units_in_the_users_scope(tree, clerk_b, client_for):
    create_unit(
        actor=None,
        parent=tree.a.commune,
        name="Tổ dân phố Tân Lập",
        kind=UnitKind.HAMLET,
        valid_to=datetime.date(2025, 6, 30),
    )
    page = client_for(clerk_b).get(reverse("organisations:tree"), {"q": "tan lap"})
    assert "ngừng hoạt động khớp" not in page.content.decode()
    assert "Tìm thấy 0 đơn vị" in page.content.decode()
