"""The audit trail: what services record, and who may read it on the audit page."""

import datetime
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from danvan.core.audit import log_action
from danvan.core.models import AuditEntry
from danvan.organisations.services import move_unit, update_unit

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
AUDIT_URL = reverse("accounts:audit")


def listed(response) -> list[AuditEntry]:
    """Return the entries shown on an audit page."""
    return list(response.context["page"].object_list)


# What the services record


def test_update_unit_records_old_and_new_name(tree, city_officer):
    commune = tree.a.commune
    update_unit(actor=city_officer, unit=commune, name="Phường Ba Đình Mới")

    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.before["name"] == "Phường Ba Đình"
    assert entry.after["name"] == "Phường Ba Đình Mới"
    assert entry.changes() == [("tên", "Phường Ba Đình", "Phường Ba Đình Mới")]
    assert entry.actor == city_officer
    assert entry.actor_label == "thanhpho"
    assert entry.scope_path == commune.path
    assert entry.object_id == str(commune.pk)
    assert entry.object_repr == "Phường Ba Đình Mới"


def test_an_unchanged_update_records_nothing(tree, city_officer):
    before = AuditEntry.objects.count()
    update_unit(actor=city_officer, unit=tree.a.commune, name="Phường Ba Đình")
    assert AuditEntry.objects.count() == before
    assert not AuditEntry.objects.filter(action="unit.update").exists()


def test_move_unit_records_the_old_and_new_parent(tree, city_admin):
    hamlet = tree.a.hamlet
    old_path = hamlet.path
    moved = move_unit(actor=city_admin, unit=hamlet, new_parent=tree.b.commune)

    entry = AuditEntry.objects.get(action="unit.move")
    assert entry.before == {"parent": tree.a.commune.pk, "path": old_path}
    assert entry.after == {"parent": tree.b.commune.pk, "path": moved.path}
    assert moved.path.startswith(tree.b.commune.path)
    assert entry.actor == city_admin
    assert entry.scope_path == moved.path


def test_an_entry_without_an_actor_is_labelled_as_the_system(db):
    entry = log_action(actor=None, action="test.system")
    assert entry.actor is None
    assert entry.actor_label == ""
    assert entry.scope_path == ""


# The audit page: who sees what


def test_city_officer_sees_a_unit_update(tree, city_officer, client_for):
    update_unit(actor=city_officer, unit=tree.a.commune, name="Phường Ba Đình Mới")

    response = client_for(city_officer).get(AUDIT_URL)

    assert response.status_code == 200
    assert "unit.update" in [e.action for e in listed(response)]
    content = response.content.decode()
    assert "Phường Ba Đình Mới" in content
    assert "<del>Phường Ba Đình</del>" in content


def test_city_officer_also_sees_entries_tied_to_no_unit(tree, city_officer, client_for):
    log_action(actor=None, action="auth.login_failed", after={"username": "x"})
    response = client_for(city_officer).get(AUDIT_URL, {"action": "auth."})
    assert [e.action for e in listed(response)] == ["auth.login_failed"]


def test_ward_administrator_does_not_see_other_wards_entries(
    tree, city_officer, admin_b, client_for
):
    update_unit(actor=city_officer, unit=tree.a.commune, name="Phường Ba Đình Mới")
    update_unit(actor=city_officer, unit=tree.b.commune, name="Phường Hà Đông Mới")

    response = client_for(admin_b).get(AUDIT_URL)

    assert response.status_code == 200
    entries = listed(response)
    assert entries
    assert all(e.scope_path.startswith(tree.b.commune.path) for e in entries)
    assert "Phường Hà Đông Mới" in response.content.decode()
    assert "Ba Đình" not in response.content.decode()


def test_ward_administrator_does_not_see_logins(tree, admin_b, client_for):
    log_action(actor=None, action="auth.login_failed", after={"username": "x"})
    response = client_for(admin_b).get(AUDIT_URL, {"action": "auth."})
    assert listed(response) == []


def test_clerk_reads_the_entries_of_own_commune_only(tree, city_officer, clerk_a, client_for):
    """A clerk reads what was done in the commune they work for, nothing of another one,
    and not the city-wide entries (logins)."""
    update_unit(actor=city_officer, unit=tree.a.hamlet, name="Tổ dân phố số 1 mới")
    update_unit(actor=city_officer, unit=tree.b.commune, name="Phường Hà Đông Mới")
    log_action(actor=None, action="auth.login_failed", after={"username": "x"})

    response = client_for(clerk_a).get(AUDIT_URL)

    assert response.status_code == 200
    entries = listed(response)
    assert "unit.update" in [e.action for e in entries]
    assert all(e.scope_path.startswith(tree.a.commune.path) for e in entries)
    assert "Hà Đông Mới" not in response.content.decode()


def test_viewer_cannot_open_the_audit_page(tree, client_for):
    viewer = make_user("viewer_a", "viewer", tree.a.commune)
    assert client_for(viewer).get(AUDIT_URL).status_code == 403


def test_user_without_a_role_cannot_open_the_audit_page(no_role_user, client_for):
    assert client_for(no_role_user).get(AUDIT_URL).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(AUDIT_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# Filters


def test_filter_by_action(tree, city_officer, client_for):
    update_unit(actor=city_officer, unit=tree.a.commune, name="Phường Ba Đình Mới")
    move_unit(actor=city_officer, unit=tree.a.hamlet, new_parent=tree.b.commune)
    client = client_for(city_officer)

    updates = listed(client.get(AUDIT_URL, {"action": "unit.update"}))
    assert [e.action for e in updates] == ["unit.update"]

    unit_actions = {e.action for e in listed(client.get(AUDIT_URL, {"action": "unit."}))}
    assert unit_actions == {"unit.create", "unit.update", "unit.move", "unit.move_out"}


def test_filter_by_date(tree, city_officer, client_for):
    old = log_action(actor=city_officer, action="test.old", unit=tree.a.commune)
    # 03:00 on 10 January in Hà Nội is still 9 January in UTC: the page uses local dates.
    AuditEntry.objects.filter(pk=old.pk).update(
        created_at=datetime.datetime(2026, 1, 10, 3, 0, tzinfo=HANOI)
    )
    client = client_for(city_officer)

    same_day = listed(client.get(AUDIT_URL, {"since": "2026-01-10", "until": "2026-01-10"}))
    assert [e.pk for e in same_day] == [old.pk]

    day_before = listed(client.get(AUDIT_URL, {"until": "2026-01-09"}))
    assert day_before == []

    since_then = listed(client.get(AUDIT_URL, {"since": "2026-01-11"}))
    assert since_then
    assert old.pk not in [e.pk for e in since_then]


def test_a_malformed_date_filter_is_ignored(tree, city_officer, client_for):
    response = client_for(city_officer).get(AUDIT_URL, {"since": "not-a-date"})
    assert response.status_code == 200
    assert listed(response)


def test_filter_by_actor(tree, city_officer, city_admin, client_for):
    update_unit(actor=city_officer, unit=tree.a.commune, name="Phường Ba Đình Mới")
    update_unit(actor=city_admin, unit=tree.b.commune, name="Phường Hà Đông Mới")
    response = client_for(city_officer).get(AUDIT_URL, {"actor": "quantri", "action": "unit."})
    assert [(e.action, e.actor_label) for e in listed(response)] == [("unit.update", "quantri")]


# Query count


def _count_page_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(AUDIT_URL, {"action": "test."})
    assert response.status_code == 200
    return len(queries), len(listed(response))


def test_audit_page_queries_do_not_grow_with_entries(tree, city_officer, client_for):
    client = client_for(city_officer)
    for _ in range(5):
        log_action(actor=city_officer, action="test.entry", obj=tree.a.commune, unit=tree.a.commune)
    with_five, shown = _count_page_queries(client)
    assert shown == 5

    for _ in range(45):
        log_action(actor=city_officer, action="test.entry", obj=tree.b.commune, unit=tree.b.commune)
    with_fifty, shown = _count_page_queries(client)
    assert shown == 50
    assert with_fifty == with_five


def test_a_move_out_of_a_ward_stays_visible_to_that_wards_admin(tree, city_admin, client_for):
    admin_a = make_user("admin_a", "administrator", tree.a.commune)
    move_unit(actor=city_admin, unit=tree.a.hamlet, new_parent=tree.b.commune)
    actions = {
        e.action for e in listed(client_for(admin_a).get(AUDIT_URL, {"action": "unit.move"}))
    }
    assert actions == {"unit.move_out"}
