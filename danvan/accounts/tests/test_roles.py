"""Role assignment from the unit's staff page, within the administrator's scope."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from danvan.accounts.models import RoleAssignment
from danvan.core.models import AuditEntry


def test_ward_admin_assigns_and_revokes_a_role(tree, admin_b, no_role_user, client_for):
    client = client_for(admin_b)
    url = reverse("accounts:unit_roles", args=[tree.b.hamlet.pk])
    response = client.post(url, {"username": no_role_user.username, "role": "clerk"})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=no_role_user)
    assert assignment.unit == tree.b.hamlet
    assert AuditEntry.objects.filter(action="role.assign", actor=admin_b).exists()
    # The new clerk now reaches the hamlet and nothing else.
    clerk = client_for(no_role_user)
    assert clerk.get(reverse("organisations:unit", args=[tree.b.hamlet.pk])).status_code == 200
    assert clerk.get(reverse("organisations:unit", args=[tree.b.commune.pk])).status_code == 404
    revoke = reverse("accounts:revoke_role", args=[tree.b.hamlet.pk, assignment.pk])
    assert client.post(revoke).status_code == 302
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()


def test_unknown_login_name_is_refused_clearly(tree, admin_b, client_for):
    url = reverse("accounts:unit_roles", args=[tree.b.hamlet.pk])
    response = client_for(admin_b).post(url, {"username": "nobody", "role": "clerk"})
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(unit=tree.b.hamlet).exists()


def test_roles_of_another_ward_are_out_of_reach(tree, admin_b, clerk_a, client_for):
    client = client_for(admin_b)
    url = reverse("accounts:unit_roles", args=[tree.a.commune.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"username": "admin_b", "role": "administrator"}).status_code == 404
    assignment = clerk_a.role_assignments.get()
    revoke = reverse("accounts:revoke_role", args=[tree.a.commune.pk, assignment.pk])
    assert client.post(revoke).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_clerk_cannot_assign_roles_on_own_unit(tree, clerk_b, client_for):
    url = reverse("accounts:unit_roles", args=[tree.b.commune.pk])
    assert client_for(clerk_b).get(url).status_code == 404


def test_admin_flag_follows_the_administrator_role(tree, city_admin, no_role_user, client_for):
    client = client_for(city_admin)
    url = reverse("accounts:unit_roles", args=[tree.a.commune.pk])
    client.post(url, {"username": no_role_user.username, "role": "administrator"})
    no_role_user.refresh_from_db()
    assert no_role_user.is_staff
    assignment = RoleAssignment.objects.get(user=no_role_user)
    client.post(reverse("accounts:revoke_role", args=[tree.a.commune.pk, assignment.pk]))
    no_role_user.refresh_from_db()
    assert not no_role_user.is_staff


def test_role_page_query_count_does_not_grow(tree, city_admin, client_for):
    client = client_for(city_admin)
    url = reverse("accounts:unit_roles", args=[tree.a.commune.pk])
    make_user("u0", "clerk", tree.a.commune)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(1, 15):
        make_user(f"u{n}", "viewer", tree.a.commune)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)
