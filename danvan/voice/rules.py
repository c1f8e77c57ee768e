"""Named permissions of the citizen's voice: who may read cases and who may act on them."""

import rules

from danvan.accounts.models import Role

# The roles that receive and handle cases; viewers and judges may only read them.
HANDLERS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER, Role.CLERK)


def _unit_of(obj):
    """The unit an object belongs to: a unit itself, a case's responsible unit, a session's unit."""
    if obj is None:
        return None
    if hasattr(obj, "path"):
        return obj
    if hasattr(obj, "responsible"):
        return obj.responsible
    return getattr(obj, "unit", None)


def _reaches(user, obj, roles) -> bool:
    if not user.is_authenticated:
        return False
    if obj is None:
        paths = user.scope_paths(roles)
        return paths is None or bool(paths)
    return user.reaches(_unit_of(obj), roles)


@rules.predicate
def can_view(user, obj=None) -> bool:
    return _reaches(user, obj, None)


@rules.predicate
def can_handle(user, obj=None) -> bool:
    return _reaches(user, obj, HANDLERS)


rules.add_perm("voice.view", can_view)
rules.add_perm("voice.handle", can_handle)
rules.add_perm("voice.receive", can_handle)
