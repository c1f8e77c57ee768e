"""Write audit entries: every service calls log_action for each change it makes."""

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from danvan.core.models import AuditEntry
from danvan.lib.middleware import client_ip


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Return the concrete field values of obj as JSON-ready data."""
    result = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        result[field.name] = _jsonable(getattr(obj, field.attname))
    return result


def log_action(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    unit=None,
    before: dict | None = None,
    after: dict | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Record that actor did action on obj, which concerns unit (any object with a `path`)."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        actor_label=(actor.get_username() if is_person else "")[:150],
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        scope_path=getattr(unit, "path", "") or "",
        before=before,
        after=after,
        ip_address=ip_address or client_ip(),
    )
