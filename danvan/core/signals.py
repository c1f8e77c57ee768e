"""Login failures and lockouts go into the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.dispatch import receiver

from danvan.core.audit import log_action
from danvan.lib.middleware import ip_from_request


@receiver(user_login_failed)
def record_login_failure(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    log_action(
        actor=None,
        action="auth.login_failed",
        after={"username": username},
        ip_address=ip_from_request(request) if request is not None else None,
    )


@receiver(user_locked_out)
def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    log_action(
        actor=None,
        action="auth.locked_out",
        after={"username": str(username or "")[:150]},
        ip_address=ip_address,
    )


@receiver(user_logged_out)
def record_logout(sender, request=None, user=None, **kwargs):
    if user is not None:
        log_action(actor=user, action="auth.logout", obj=user)
