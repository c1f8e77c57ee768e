"""Named permissions of periodic reports: the one place that says who may read, fill and
review them.

Services check them with `actor.has_perm(name, unit)`: a report's unit for filling, its
template's owner (the unit that asked) for reviewing; scoped reads use
`visible_to(user, perm=name)`.
"""

from danvan.accounts.rules import EDITORS, SUPERVISORS, add_scoped_perm

add_scoped_perm("reports.view", None)
# Fill a unit's report, refresh its live figures and submit it; mailed when it is returned.
add_scoped_perm("reports.edit", EDITORS)
# Open a template's periods, accept or return its reports and export the roll-up.
add_scoped_perm("reports.review", SUPERVISORS)
