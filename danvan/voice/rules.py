"""Named permissions of the citizen's voice: who may read cases and who may act on them."""

import rules

from danvan.accounts.models import Role
from danvan.accounts.rules import reaches

# The roles that receive and handle cases; viewers and judges may only read them.
HANDLERS = (Role.ADMINISTRATOR, Role.BOARD_OFFICER, Role.CLERK)


@rules.predicate
def can_view(user, obj=None) -> bool:
    return reaches(user, obj, None)


@rules.predicate
def can_handle(user, obj=None) -> bool:
    return reaches(user, obj, HANDLERS)


rules.add_perm("voice.view", can_view)
rules.add_perm("voice.handle", can_handle)
rules.add_perm("voice.receive", can_handle)
