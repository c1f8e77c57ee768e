"""Named permissions of the registry: the one place that says who may do what to a model.

Services check them with `actor.has_perm(name, unit)`; choice lists and scoped reads use
`visible_to(user, perm=name)`, so a change here reaches every screen and every check.
"""

from danvan.accounts.rules import EDITORS, SUPERVISORS, add_scoped_perm

add_scoped_perm("registry.view", None)
# Register, change, move by hand, attach, import, record a replication.
add_scoped_perm("registry.register", EDITORS)
add_scoped_perm("registry.change", EDITORS)
# Recognise and commend (on the issuing body), run review councils and close their reviews.
add_scoped_perm("registry.recognise", SUPERVISORS)
add_scoped_perm("registry.manage_councils", SUPERVISORS)
