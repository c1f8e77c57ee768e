"""Scope: a role on a unit reaches its subtree and nothing else; the rest is 404."""

import pytest
from django.urls import reverse

from danvan.organisations.models import Cluster


def unit_urls(unit):
    return [
        reverse("organisations:unit", args=[unit.pk]),
        reverse("organisations:children", args=[unit.pk]),
        reverse("organisations:edit", args=[unit.pk]),
        reverse("organisations:add_child", args=[unit.pk]),
        reverse("organisations:move", args=[unit.pk]),
        reverse("accounts:unit_roles", args=[unit.pk]),
        f"/admin/organisations/unit/{unit.pk}/change/",
        f"/admin/organisations/unit/{unit.pk}/history/",
    ]


def staff_object_urls(tree):
    """Every staff URL that names an object of ward A (its commune and its branches)."""
    cluster = Cluster.objects.create(name="Cụm 1", year=2026, owner=tree.a.commune)
    cluster.units.add(tree.a.commune)
    urls = []
    for unit in [tree.a.commune, tree.a.party, tree.a.hamlet]:
        urls += unit_urls(unit)
    urls.append(f"/admin/organisations/cluster/{cluster.pk}/change/")
    return urls


@pytest.fixture
def outsider(admin_b):
    """An administrator of ward B: reaches the admin, but nothing of ward A."""
    return admin_b


def test_every_staff_url_of_another_commune_is_404(tree, outsider, client_for):
    client = client_for(outsider)
    for url in staff_object_urls(tree):
        response = client.get(url)
        assert response.status_code == 404, url


def test_role_assignment_of_another_commune_is_404_in_admin(tree, outsider, clerk_a, client_for):
    assignment = clerk_a.role_assignments.get()
    response = client_for(outsider).get(f"/admin/accounts/roleassignment/{assignment.pk}/change/")
    assert response.status_code == 404
    response = client_for(outsider).get(f"/admin/accounts/user/{clerk_a.pk}/change/")
    assert response.status_code == 404


def test_clerk_of_commune_a_cannot_open_commune_b(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    assert client.get(reverse("organisations:unit", args=[tree.a.commune.pk])).status_code == 200
    assert client.get(reverse("organisations:unit", args=[tree.a.hamlet.pk])).status_code == 200
    assert client.get(reverse("organisations:unit", args=[tree.b.commune.pk])).status_code == 404
    assert client.get(reverse("organisations:unit", args=[tree.b.hamlet.pk])).status_code == 404
    assert client.get(reverse("organisations:unit", args=[tree.city.pk])).status_code == 404


def test_clerk_of_one_branch_cannot_open_another_branch(tree, front_clerk_a, client_for):
    client = client_for(front_clerk_a)
    assert client.get(reverse("organisations:unit", args=[tree.a.front.pk])).status_code == 200
    assert client.get(reverse("organisations:unit", args=[tree.a.party.pk])).status_code == 404
    assert client.get(reverse("organisations:unit", args=[tree.a.commune.pk])).status_code == 404


def test_clerk_cannot_edit_even_within_scope(tree, clerk_a, client_for):
    client = client_for(clerk_a)
    for url in unit_urls(tree.a.hamlet)[2:5]:
        assert client.get(url).status_code == 404, url
    assert client.get("/admin/").status_code == 302  # not staff: sent to the admin login


def test_city_officer_sees_both_communes(tree, city_officer, client_for):
    client = client_for(city_officer)
    for unit in [tree.a.commune, tree.b.commune, tree.a.party, tree.b.hamlet]:
        assert client.get(reverse("organisations:unit", args=[unit.pk])).status_code == 200


def test_city_administrator_reaches_every_admin_page(tree, city_admin, client_for):
    client = client_for(city_admin)
    for unit in [tree.a.commune, tree.b.hamlet]:
        response = client.get(f"/admin/organisations/unit/{unit.pk}/change/")
        assert response.status_code == 200


def test_home_shows_only_the_users_scope(tree, clerk_a, client_for):
    page = client_for(clerk_a).get(reverse("home")).content.decode()
    assert "Phường Ba Đình" in page
    assert "Tổ dân phố số 1, Phường Ba Đình" in page
    assert "Phường Hà Đông" not in page


def test_search_finds_only_units_in_scope(tree, clerk_a, client_for):
    page = client_for(clerk_a).get(reverse("organisations:tree") + "?q=phuong").content.decode()
    assert "Đảng ủy Phường Ba Đình" in page
    assert "Hà Đông" not in page


def test_user_without_role_sees_nothing(tree, no_role_user, client_for):
    client = client_for(no_role_user)
    assert client.get(reverse("organisations:unit", args=[tree.city.pk])).status_code == 404
    page = client.get(reverse("home")).content.decode()
    assert "Thành phố Hà Nội" not in page


def test_anonymous_visitor_is_sent_to_login(tree, client):
    response = client.get(reverse("organisations:unit", args=[tree.a.commune.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_ward_admin_edits_own_unit_but_not_other_wards_unit(tree, admin_b, client_for):
    client = client_for(admin_b)
    url = reverse("organisations:edit", args=[tree.b.hamlet.pk])
    response = client.post(
        url, {"name": "Tổ dân phố số 1 mới", "kind": "hamlet", "branch": "territory"}
    )
    assert response.status_code == 302
    tree.b.hamlet.refresh_from_db()
    assert tree.b.hamlet.name == "Tổ dân phố số 1 mới"
    url = reverse("organisations:edit", args=[tree.a.hamlet.pk])
    response = client.post(url, {"name": "Chiếm", "kind": "hamlet", "branch": "territory"})
    assert response.status_code == 404
    tree.a.hamlet.refresh_from_db()
    assert tree.a.hamlet.name != "Chiếm"


def test_ward_admin_cannot_move_a_unit_out_of_scope(tree, admin_b, client_for):
    client = client_for(admin_b)
    response = client.post(
        reverse("organisations:move", args=[tree.b.hamlet.pk]), {"new_parent": tree.a.commune.pk}
    )
    assert response.status_code == 200
    assert (
        "ngoài phạm vi" in response.content.decode()
        or "outside your scope" in response.content.decode()
    )
    tree.b.hamlet.refresh_from_db()
    assert tree.b.hamlet.parent == tree.b.commune


def test_moving_under_own_descendant_shows_a_clear_message(tree, admin_b, client_for):
    client = client_for(admin_b)
    response = client.post(
        reverse("organisations:move", args=[tree.b.commune.pk]), {"new_parent": tree.b.hamlet.pk}
    )
    # The commune is B's own root: the admin of B may move it only within B's subtree.
    assert response.status_code == 200
    tree.b.commune.refresh_from_db()
    assert tree.b.commune.parent == tree.city
