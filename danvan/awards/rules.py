"""Named permissions of emulation and commendation: the one place that says who may do what.

Services check them with `actor.has_perm(name, unit)`; lists use `visible_to(user,
perm=name)` and `user.paths_for(name)`.
"""

from danvan.accounts.rules import EDITORS, SUPERVISORS, add_scoped_perm

add_scoped_perm("awards.view", None)
# Build a nomination file for a person or collective of the unit and send it up; link a
# pending case to a nominee; import earlier awards.
add_scoped_perm("awards.nominate", EDITORS)
# On the body whose emulation office holds a file on its way up: forward it to the next
# level, or return it to the proposing unit with a reason.
add_scoped_perm("awards.forward", EDITORS)
# On the deciding body: set up its council, close votes, issue decisions, send files to an
# external authority and record its decision, revoke, commend a model, run eligibility.
add_scoped_perm("awards.decide", SUPERVISORS)
