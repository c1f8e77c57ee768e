"""Logging in: passwords, lockout, TOTP, two-step set-up, password reset and change."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from danvan.core.models import AuditEntry

LOGIN_URL = reverse("accounts:login")
TWO_STEP_URL = reverse("accounts:two_factor")
NEW_PASSWORD = "another-long-password-77"
WRONG_PASSWORD = "not-the-password"


def log_in(client, username, password, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


def is_logged_in(client) -> bool:
    return SESSION_KEY in client.session


def current_token(device: TOTPDevice) -> str:
    """Return the code the user's authenticator app shows right now."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


@pytest.fixture
def client():
    """A fresh browser: no session, no lockout state carried between tests."""
    return Client()


@pytest.fixture
def totp_device(clerk_a):
    return TOTPDevice.objects.create(user=clerk_a, name="phone", confirmed=True)


# Password login


def test_login_page_shows_the_form(client, db):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_good_login_redirects_home(client, clerk_a):
    response = log_in(client, "clerk_a", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_logged_in(client)
    assert AuditEntry.objects.filter(action="auth.login", actor=clerk_a).exists()


def test_login_follows_a_safe_next_link(client, clerk_a):
    response = log_in(client, "clerk_a", PASSWORD, next=reverse("accounts:audit"))
    assert response.url == reverse("accounts:audit")


def test_login_ignores_a_next_link_to_another_site(client, clerk_a):
    response = log_in(client, "clerk_a", PASSWORD, next="https://evil.example/")
    assert response.url == reverse("home")


def test_wrong_password_is_refused_and_recorded(client, clerk_a):
    response = log_in(client, "clerk_a", WRONG_PASSWORD)
    assert response.status_code == 200
    assert not is_logged_in(client)
    failure = AuditEntry.objects.get(action="auth.login_failed")
    assert failure.after == {"username": "clerk_a"}
    assert failure.ip_address == "127.0.0.1"


def test_five_wrong_passwords_lock_the_account(client, clerk_a):
    for _ in range(4):
        assert log_in(client, "clerk_a", WRONG_PASSWORD).status_code == 200
    assert not AuditEntry.objects.filter(action="auth.locked_out").exists()
    # The fifth failure reaches AXES_FAILURE_LIMIT: axes answers 429 with the lock-out page.
    assert log_in(client, "clerk_a", WRONG_PASSWORD).status_code == 429
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 5
    locked = AuditEntry.objects.get(action="auth.locked_out")
    assert locked.after == {"username": "clerk_a"}
    assert locked.ip_address == "127.0.0.1"

    response = log_in(client, "clerk_a", PASSWORD)

    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert not is_logged_in(client)
    assert not AuditEntry.objects.filter(action="auth.login", actor=clerk_a).exists()


def test_four_wrong_passwords_do_not_lock_the_account(client, clerk_a):
    for _ in range(4):
        log_in(client, "clerk_a", WRONG_PASSWORD)
    response = log_in(client, "clerk_a", PASSWORD)
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="auth.locked_out").exists()


def test_a_lockout_does_not_lock_other_users(client, clerk_a, clerk_b):
    for _ in range(5):
        log_in(client, "clerk_a", WRONG_PASSWORD)
    assert log_in(client, "clerk_b", PASSWORD).status_code == 302


def test_an_inactive_user_cannot_log_in(client, clerk_a):
    clerk_a.is_active = False
    clerk_a.save()
    assert log_in(client, "clerk_a", PASSWORD).status_code == 200
    assert not is_logged_in(client)


# TOTP at login


def test_totp_user_cannot_log_in_without_a_code(client, totp_device):
    response = log_in(client, "clerk_a", PASSWORD)
    assert response.status_code == 200
    assert not is_logged_in(client)
    assert response.context["form"].has_error("__all__", code="otp")


def test_totp_user_cannot_log_in_with_a_wrong_code(client, totp_device):
    wrong = f"{(int(current_token(totp_device)) + 1) % 1_000_000:06d}"
    response = log_in(client, "clerk_a", PASSWORD, otp_token=wrong)
    assert response.status_code == 200
    assert not is_logged_in(client)


def test_totp_user_logs_in_with_the_current_code(client, totp_device):
    response = log_in(client, "clerk_a", PASSWORD, otp_token=current_token(totp_device))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_logged_in(client)
    # The session records the device, so the user counts as verified.
    assert client.session.get("otp_device_id") == totp_device.persistent_id


def test_a_code_does_not_replace_the_password(client, totp_device):
    response = log_in(client, "clerk_a", WRONG_PASSWORD, otp_token=current_token(totp_device))
    assert response.status_code == 200
    assert not is_logged_in(client)


def test_an_unconfirmed_device_does_not_ask_for_a_code(client, clerk_a):
    TOTPDevice.objects.create(user=clerk_a, name="half set up", confirmed=False)
    assert log_in(client, "clerk_a", PASSWORD).status_code == 302


# Two-step set-up page


def test_two_step_page_shows_a_qr_code(clerk_a, client_for):
    response = client_for(clerk_a).get(TWO_STEP_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content
    assert "otpauth://totp/" in content
    assert not TOTPDevice.objects.filter(user=clerk_a, confirmed=True).exists()


def test_two_step_is_turned_on_with_a_correct_code(clerk_a, client_for):
    client = client_for(clerk_a)
    client.get(TWO_STEP_URL)
    device = TOTPDevice.objects.get(user=clerk_a, confirmed=False)

    response = client.post(TWO_STEP_URL, {"token": current_token(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="auth.totp_enable", actor=clerk_a).exists()
    # Next time the login asks for a code.
    fresh = Client()
    assert log_in(fresh, "clerk_a", PASSWORD).status_code == 200
    assert not is_logged_in(fresh)


def test_two_step_stays_off_with_a_wrong_code(clerk_a, client_for):
    client = client_for(clerk_a)
    client.get(TWO_STEP_URL)
    device = TOTPDevice.objects.get(user=clerk_a, confirmed=False)
    wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"

    response = client.post(TWO_STEP_URL, {"token": wrong})

    assert response.status_code == 200
    assert response.context["form"].has_error("token")
    device.refresh_from_db()
    assert not device.confirmed


def test_two_step_can_be_turned_off_with_a_current_code(clerk_a, totp_device, client_for):
    client = client_for(clerk_a)
    response = client.post(TWO_STEP_URL, {"token": current_token(totp_device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk_a).exists()
    assert AuditEntry.objects.filter(action="auth.totp_disable", actor=clerk_a).exists()


def test_two_step_is_not_turned_off_without_a_code(clerk_a, totp_device, client_for):
    client = client_for(clerk_a)
    for data in [
        {"action": "disable"},
        {"token": "000000" if current_token(totp_device) != "000000" else "111111"},
    ]:
        response = client.post(TWO_STEP_URL, data)
        assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=clerk_a, confirmed=True).exists()


def test_wrong_authenticator_codes_lead_to_lockout(clerk_a, totp_device):
    client = Client()
    for _attempt in range(5):
        client.post(LOGIN_URL, {"username": "clerk_a", "password": PASSWORD, "otp_token": "12"})
    response = client.post(
        LOGIN_URL,
        {"username": "clerk_a", "password": PASSWORD, "otp_token": current_token(totp_device)},
    )
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_two_step_page_needs_login(client, db):
    response = client.get(TWO_STEP_URL)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


# Password reset and change


def test_password_reset_sends_one_email_whose_link_sets_a_new_password(client, clerk_a):
    clerk_a.email = "vanthu@badinh.example"
    clerk_a.save()

    response = client.post(reverse("accounts:password_reset"), {"email": clerk_a.email})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [clerk_a.email]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    clerk_a.refresh_from_db()
    assert clerk_a.check_password(NEW_PASSWORD)
    assert log_in(Client(), "clerk_a", NEW_PASSWORD).status_code == 302
    # The link works only once.
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_for_an_unknown_email_sends_nothing(client, clerk_a):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302  # the same answer: no hint whether the address exists
    assert mail.outbox == []


def test_password_change_page_changes_the_password(clerk_a, client_for):
    client = client_for(clerk_a)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    clerk_a.refresh_from_db()
    assert clerk_a.check_password(NEW_PASSWORD)
    assert is_logged_in(client)  # the session survives the change


def test_password_change_needs_the_old_password(clerk_a, client_for):
    response = client_for(clerk_a).post(
        reverse("accounts:password_change"),
        {
            "old_password": WRONG_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    clerk_a.refresh_from_db()
    assert clerk_a.check_password(PASSWORD)


# Logged-out visitors


def test_logged_out_visitor_sees_the_public_home_with_the_staff_sign_in(client, tree):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "portal/home.html" in [t.name for t in response.templates]
    assert f'href="{LOGIN_URL}"' in response.text


def test_logged_out_visitor_is_sent_from_a_staff_page_to_login(client, db):
    response = client.get(reverse("organisations:tree"))
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=/units/"


def test_logout_ends_the_session(clerk_a, client_for):
    client = client_for(clerk_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not is_logged_in(client)
    assert client.get(reverse("organisations:tree")).status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout", actor=clerk_a).exists()
