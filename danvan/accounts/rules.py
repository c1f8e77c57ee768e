"""Named permissions, checked with `user.has_perm(name, obj)` by views, admin and API."""

import rules

from danvan.accounts.models import Role

# The role groups every app's permissions are built from: the only place roles are listed.
MANAGERS = (Role.ADMINISTRATOR,)  # manage units, roles and the city's rules
SUPERVISORS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER)  # decide, review, recognise
EDITORS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER, Role.CLERK)  # register, handle, report


def unit_of(obj):
    """The unit an object belongs to: a unit itself, a case's responsible unit, or `unit`."""
    if obj is None or hasattr(obj, "path"):
        return obj
    if hasattr(obj, "responsible"):
        return obj.responsible
    return getattr(obj, "unit", None)


def reaches(user, obj, roles) -> bool:
    """Whether the user's roles (of these kinds) reach obj's unit; without obj, any unit.

    Every app's permission predicates are built on this one check.
    """
    if not user.is_authenticated:
        return False
    if obj is None:
        paths = user.scope_paths(roles)
        return paths is None or bool(paths)
    return user.reaches(unit_of(obj), roles)


@rules.predicate
def reaches_unit(user, obj=None) -> bool:
    return reaches(user, obj, None)


@rules.predicate
def manages_unit(user, obj=None) -> bool:
    return reaches(user, obj, MANAGERS)


@rules.predicate
def supervises_unit(user, obj=None) -> bool:
    return reaches(user, obj, SUPERVISORS)


rules.add_perm("organisations.browse", reaches_unit)
rules.add_perm("organisations.manage", manages_unit)
rules.add_perm("accounts.manage_roles", manages_unit)
rules.add_perm("core.view_audit", supervises_unit)
