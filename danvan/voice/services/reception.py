"""Reception sessions (buổi tiếp công dân) and the keys of Open311 clients."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.core.audit import log_action
from danvan.organisations.models import Unit
from danvan.voice.models import ApiKey, ReceptionSession
from danvan.voice.services.base import _require_scope


@transaction.atomic
def open_reception_session(
    *, actor, unit: Unit, date: datetime.date, host: str, place: str = "", notes: str = ""
) -> ReceptionSession:
    """Open a reception session (buổi tiếp công dân) of a unit the actor receives for."""
    _require_scope(actor, unit, "voice.receive")
    session = ReceptionSession(unit=unit, date=date, host=host, place=place, notes=notes)
    session.full_clean()
    session.save()
    log_action(
        actor=actor,
        action="voice.session",
        obj=session,
        unit=unit,
        after={"date": date.isoformat(), "host": host},
    )
    return session


# Open311 clients


def _keys_unit(actor) -> Unit | None:
    """The root unit (the city) whose administrators issue keys, and whose scope holds the
    audit entries; the system (None) takes the first."""
    roots = Unit.objects.filter(parent__isnull=True).order_by("path")
    for root in roots:
        if actor is None or actor.has_perm("voice.manage_api_keys", root):
            return root
    if actor is None:
        return None
    raise PermissionDenied(_("Only the city's administrators manage API keys."))


@transaction.atomic
def issue_api_key(*, actor, name: str) -> tuple[ApiKey, str]:
    """Issue a key to an Open311 client; return it with the raw key, shown only this once
    (only its hash is kept)."""
    city = _keys_unit(actor)
    raw = secrets.token_urlsafe(32)
    key = ApiKey(
        name=name.strip(), key_hash=hashlib.sha256(raw.encode()).hexdigest(), prefix=raw[:8]
    )
    key.full_clean()
    key.save()
    log_action(actor=actor, action="voice.api_key", obj=key, unit=city, after={"name": key.name})
    return key, raw


@transaction.atomic
def revoke_api_key(*, actor, key: ApiKey) -> ApiKey:
    """Stop a client's key from working; a revoked key stays listed."""
    city = _keys_unit(actor)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.is_active:
        key.is_active = False
        key.save(update_fields=["is_active"])
        log_action(actor=actor, action="voice.api_key_revoke", obj=key, unit=city)
    return key
