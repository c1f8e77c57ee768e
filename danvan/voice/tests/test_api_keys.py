"""Open311 keys: issued and revoked by the city's administrators only, one service for the
admin, the command and the tests, each use audited in the city's scope."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from danvan.core.models import AuditEntry
from danvan.voice import services
from danvan.voice.models import ApiKey


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def key_actions_seen_by(client) -> list[str]:
    response = client.get(reverse("accounts:audit"), {"action": "voice.api_key"})
    assert response.status_code == 200
    return [e.action for e in response.context["page"].object_list]


@pytest.mark.parametrize("who", ["admin_b", "city_officer", "clerk_a"])
def test_only_the_citys_administrators_issue_keys(request, tree, who):
    """A ward's administrator, a board officer and a clerk are refused; nothing is issued."""
    with pytest.raises(PermissionDenied):
        services.issue_api_key(actor=request.getfixturevalue(who), name="Cổng iHanoi")
    assert not ApiKey.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="voice.api_key").exists()


@pytest.mark.parametrize("who", ["admin_b", "city_officer", "clerk_a"])
def test_only_the_citys_administrators_revoke_keys(request, tree, city_admin, who):
    key, _raw = services.issue_api_key(actor=city_admin, name="Cổng iHanoi")
    with pytest.raises(PermissionDenied):
        services.revoke_api_key(actor=request.getfixturevalue(who), key=key)
    key.refresh_from_db()
    assert key.is_active
    assert not AuditEntry.objects.filter(action="voice.api_key_revoke").exists()


def test_issuing_and_revoking_a_key_is_audited_for_the_city(
    tree, city_admin, city_officer, admin_b, client_for
):
    key, raw = services.issue_api_key(actor=city_admin, name="Cổng iHanoi")
    services.revoke_api_key(actor=city_admin, key=key)

    entries = AuditEntry.objects.filter(action__startswith="voice.api_key")
    assert {(e.action, e.scope_path) for e in entries} == {
        ("voice.api_key", tree.city.path),
        ("voice.api_key_revoke", tree.city.path),
    }
    assert raw not in str(list(entries.values_list("before", "after")))
    assert sorted(key_actions_seen_by(client_for(city_officer))) == [
        "voice.api_key",
        "voice.api_key_revoke",
    ]
    assert key_actions_seen_by(client_for(admin_b)) == []


def test_the_command_issues_through_the_service(tree, capsys):
    call_command("create_api_key", "Ứng dụng iHanoi")

    key = ApiKey.objects.get()
    assert capsys.readouterr().out.startswith("Ứng dụng iHanoi: ")
    entry = AuditEntry.objects.get(action="voice.api_key")
    assert (entry.actor, entry.object_id, entry.scope_path) == (None, str(key.pk), tree.city.path)


def test_a_ward_administrator_cannot_issue_a_key_in_the_admin(tree, admin_b, client_for):
    response = client_for(admin_b).post(reverse("admin:voice_apikey_add"), {"name": "Cổng"})
    assert response.status_code == 403
    assert not ApiKey.objects.exists()


def test_the_admin_issues_and_revokes_through_the_service(tree, city_admin, client_for):
    client = client_for(city_admin)
    client.post(reverse("admin:voice_apikey_add"), {"name": "Cổng iHanoi"})
    key = ApiKey.objects.get()
    client.post(
        reverse("admin:voice_apikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
    )

    key.refresh_from_db()
    assert not key.is_active
    assert set(
        AuditEntry.objects.filter(action__startswith="voice.api_key", actor=city_admin).values_list(
            "action", "scope_path"
        )
    ) == {("voice.api_key", tree.city.path), ("voice.api_key_revoke", tree.city.path)}
