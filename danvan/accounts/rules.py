"""Named permissions, checked with `user.has_perm(name, obj)` by views, admin and API."""

import rules

from danvan.accounts.models import Role

MANAGERS = (Role.ADMINISTRATOR,)
SUPERVISORS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER)


def _reaches(user, obj, roles) -> bool:
    if not user.is_authenticated:
        return False
    if obj is None:
        paths = user.scope_paths(roles)
        return paths is None or bool(paths)
    unit = obj if hasattr(obj, "path") else getattr(obj, "unit", None)
    return user.reaches(unit, roles)


@rules.predicate
def reaches_unit(user, obj=None) -> bool:
    return _reaches(user, obj, None)


@rules.predicate
def manages_unit(user, obj=None) -> bool:
    return _reaches(user, obj, MANAGERS)


@rules.predicate
def supervises_unit(user, obj=None) -> bool:
    return _reaches(user, obj, SUPERVISORS)


rules.add_perm("organisations.browse", reaches_unit)
rules.add_perm("organisations.manage", manages_unit)
rules.add_perm("accounts.manage_roles", manages_unit)
rules.add_perm("lib.view_audit", supervises_unit)
