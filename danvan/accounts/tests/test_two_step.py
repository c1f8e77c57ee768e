"""Two-step verification through its services: only its owner changes it, and each change
is on the audit page of the units the owner works for."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.accounts import services
from danvan.core.models import AuditEntry

TWO_STEP_URL = reverse("accounts:two_factor")


def current_token(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def two_step_seen_by(client) -> list[tuple[str, str]]:
    response = client.get(reverse("accounts:audit"), {"action": "auth.totp"})
    assert response.status_code == 200
    return [(e.action, e.actor_label) for e in response.context["page"].object_list]


def test_nobody_turns_on_another_persons_two_step(clerk_a, clerk_b):
    device = services.totp_device_to_confirm(actor=clerk_a)

    with pytest.raises(PermissionDenied):
        services.confirm_totp(actor=clerk_b, device=device, token=current_token(device))

    device.refresh_from_db()
    assert not device.confirmed
    assert not AuditEntry.objects.filter(action="auth.totp_enable").exists()


def test_nobody_turns_off_another_persons_two_step(clerk_a, city_admin):
    """Not even the city's administrator, holding a current code."""
    device = TOTPDevice.objects.create(user=clerk_a, name="phone", confirmed=True)

    with pytest.raises(PermissionDenied):
        services.disable_totp(actor=city_admin, device=device, token=current_token(device))

    assert TOTPDevice.objects.filter(user=clerk_a, confirmed=True).exists()
    assert not AuditEntry.objects.filter(action="auth.totp_disable").exists()


def test_two_step_on_and_off_is_audited_for_the_persons_commune(tree, clerk_a, clerk_b, client_for):
    client = client_for(clerk_a)
    client.get(TWO_STEP_URL)
    device = TOTPDevice.objects.get(user=clerk_a, confirmed=False)
    client.post(TWO_STEP_URL, {"token": current_token(device)})
    # A code is accepted once; turning it off comes with the next one.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    client.post(TWO_STEP_URL, {"token": current_token(device)})

    assert not TOTPDevice.objects.filter(user=clerk_a).exists()
    entries = AuditEntry.objects.filter(action__startswith="auth.totp")
    assert {(e.action, e.scope_path) for e in entries} == {
        ("auth.totp_enable", tree.a.commune.path),
        ("auth.totp_disable", tree.a.commune.path),
    }
    assert sorted(two_step_seen_by(client_for(clerk_a))) == [
        ("auth.totp_disable", "clerk_a"),
        ("auth.totp_enable", "clerk_a"),
    ]
    assert two_step_seen_by(client_for(clerk_b)) == []
