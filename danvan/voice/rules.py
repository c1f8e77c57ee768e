"""Named permissions of the citizen's voice: the one place that says who may read cases,
act on them, receive citizens and issue Open311 keys.

Services check them with `actor.has_perm(name, unit)`; choice lists and scoped reads use
`visible_to(user, perm=name)`.
"""

from danvan.accounts.rules import EDITORS, MANAGERS, add_scoped_perm

add_scoped_perm("voice.view", None)
# Receive, accept, handle, answer, forward a case; viewers and judges may only read them.
add_scoped_perm("voice.handle", EDITORS)
# Log a call, a letter or a visit, and hold reception sessions.
add_scoped_perm("voice.receive", EDITORS)
# Issue and revoke the keys of Open311 clients: administrators of the city (a root unit).
add_scoped_perm("voice.manage_api_keys", MANAGERS)
