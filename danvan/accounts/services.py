"""Changes to users and their roles."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.accounts.models import Role, RoleAssignment, User
from danvan.core.audit import log_action
from danvan.organisations.models import Unit


def _sync_staff_flag(user: User) -> None:
    """Administrators reach Django's admin; nobody else does (except superusers)."""
    is_staff = user.is_superuser or (
        RoleAssignment.objects.active().filter(user=user, role=Role.ADMINISTRATOR).exists()
    )
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def assign_role(
    *,
    actor,
    user: User,
    role: str,
    unit: Unit,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> RoleAssignment:
    """Give user a role on unit; the actor must administer that unit (None: the system)."""
    if actor is not None and not actor.has_perm("accounts.manage_roles", unit):
        raise PermissionDenied(_("You cannot assign roles on this unit."))
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="role")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        unit=unit,
        defaults={"valid_from": valid_from, "valid_to": valid_to},
    )
    if created:
        log_action(
            actor=actor,
            action="role.assign",
            obj=assignment,
            unit=unit,
            after={"user": user.pk, "role": role, "unit": unit.pk},
        )
    user.forget_scope()
    _sync_staff_flag(user)
    return assignment


@transaction.atomic
def revoke_role(*, actor, assignment: RoleAssignment) -> None:
    if actor is not None and not actor.has_perm("accounts.manage_roles", assignment.unit):
        raise PermissionDenied(_("You cannot assign roles on this unit."))
    user, unit = assignment.user, assignment.unit
    log_action(
        actor=actor,
        action="role.revoke",
        obj=assignment,
        unit=unit,
        before={"user": user.pk, "role": assignment.role, "unit": unit.pk},
    )
    assignment.delete()
    user.forget_scope()
    _sync_staff_flag(user)


@transaction.atomic
def create_user(*, actor, username: str, password: str | None, **fields) -> User:
    user = User(username=username, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    log_action(actor=actor, action="user.create", obj=user, after={"username": username})
    return user


# Two-step verification (TOTP): each person turns it on and off for themselves only.


def _own_units(user: User) -> list[Unit]:
    """The units of the user's roles, where their own account's events are audited: the
    administrators of those units see them (none for a user without roles: city-wide)."""
    paths = user.scope_paths()
    if not paths:
        return []
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


def _log_own(actor: User, action: str) -> None:
    units: list[Unit | None] = [*_own_units(actor)] or [None]
    for unit in units:
        log_action(actor=actor, action=action, obj=actor, unit=unit)


def _require_own(actor, device: TOTPDevice) -> None:
    if actor is None or device.user_id != actor.pk:
        raise PermissionDenied(_("Only its owner can change two-step verification."))


@transaction.atomic
def totp_device_to_confirm(*, actor: User) -> TOTPDevice:
    """The actor's unconfirmed authenticator (created with a fresh secret if none).

    Not audited: the secret counts for nothing until it is confirmed, which is.
    """
    device, _created = TOTPDevice.objects.get_or_create(
        user=actor, confirmed=False, defaults={"name": "TOTP"}
    )
    return device


@transaction.atomic
def confirm_totp(*, actor: User, device: TOTPDevice, token: str) -> bool:
    """Turn two-step verification on if the code is right; return whether it was."""
    _require_own(actor, device)
    if device.confirmed or not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _log_own(actor, "auth.totp_enable")
    return True


@transaction.atomic
def disable_totp(*, actor: User, device: TOTPDevice, token: str) -> bool:
    """Turn two-step verification off, given a current code (a borrowed session cannot);
    return whether the code was right."""
    _require_own(actor, device)
    if not device.confirmed or not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user=actor).delete()
    _log_own(actor, "auth.totp_disable")
    return True
