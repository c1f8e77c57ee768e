"""Named permissions of the registry."""

import rules

from danvan.accounts.models import Role
from danvan.accounts.rules import reaches

EDITORS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER, Role.CLERK)
DECIDERS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER)


@rules.predicate
def can_view(user, obj=None) -> bool:
    return reaches(user, obj, None)


@rules.predicate
def can_edit(user, obj=None) -> bool:
    return reaches(user, obj, EDITORS)


@rules.predicate
def can_decide(user, obj=None) -> bool:
    return reaches(user, obj, DECIDERS)


rules.add_perm("registry.view", can_view)
rules.add_perm("registry.register", can_edit)
rules.add_perm("registry.change", can_edit)
rules.add_perm("registry.recognise", can_decide)
rules.add_perm("registry.manage_councils", can_decide)
