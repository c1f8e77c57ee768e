"""Named permissions of campaigns and targets: the one place that says who may read them,
decide them and report their progress.

Services check them with `actor.has_perm(name, unit)`; choice lists and scoped reads use
`visible_to(user, perm=name)` or `user.paths_for(name)`.
"""

from danvan.accounts.rules import EDITORS, SUPERVISORS, add_scoped_perm

add_scoped_perm("plans.view", None)
# Open a unit's campaigns, set targets for units of its subtree and cascade them down.
add_scoped_perm("plans.decide", SUPERVISORS)
# Report by hand the progress of a target that is not measured from live data.
add_scoped_perm("plans.report_progress", EDITORS)
