"""Named permissions of contests: who may read a contest, run it, and register a team.

Judges score through their assignment to a round (`JudgeAssignment`), not through a role on
a unit: a judge's role gives no view of the organiser's pages, so a judge never sees the
round's results before it closes.
"""

from danvan.accounts.rules import EDITORS, SUPERVISORS, add_scoped_perm

# Read the contests a unit organises (its teams, rounds and, once closed, results).
add_scoped_perm("contests.view", EDITORS)
# Set up a contest, its rounds, rubrics, judges and prizes; close, confirm and publish.
add_scoped_perm("contests.manage", SUPERVISORS)
# Register a unit's team in a contest open for registration.
add_scoped_perm("contests.register", EDITORS)
