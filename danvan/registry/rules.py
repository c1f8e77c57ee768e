"""Named permissions of the registry."""

import rules

from danvan.accounts.models import Role

EDITORS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER, Role.CLERK)
DECIDERS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER)


def _unit_of(obj):
    if obj is None:
        return None
    return obj if hasattr(obj, "path") else getattr(obj, "unit", None)


def _reaches(user, obj, roles) -> bool:
    if not user.is_authenticated:
        return False
    unit = _unit_of(obj)
    if unit is None:
        paths = user.scope_paths(roles)
        return paths is None or bool(paths)
    return user.reaches(unit, roles)


@rules.predicate
def can_view(user, obj=None) -> bool:
    return _reaches(user, obj, None)


@rules.predicate
def can_edit(user, obj=None) -> bool:
    return _reaches(user, obj, EDITORS)


@rules.predicate
def can_decide(user, obj=None) -> bool:
    return _reaches(user, obj, DECIDERS)


rules.add_perm("registry.view", can_view)
rules.add_perm("registry.register", can_edit)
rules.add_perm("registry.change", can_edit)
rules.add_perm("registry.recognise", can_decide)
rules.add_perm("registry.manage_councils", can_decide)
