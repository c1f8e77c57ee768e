"""Named permissions of public-opinion work: the one place that says who may read the
reports, enter them, acknowledge urgent ones and know who a collaborator is.

Services check them with `actor.has_perm(name, unit)`; scoped reads use
`visible_to(user, perm=name)`. Who may see the sensitive topics (ethnicity, religion) is not
here: it is data, the `sensitive_roles` of the opinion rule in force.
"""

from danvan.accounts.rules import EDITORS, MANAGERS, SUPERVISORS, add_scoped_perm

add_scoped_perm("opinion.view", None)
# Enter a collaborator's monthly or urgent report, record how an item was handled.
add_scoped_perm("opinion.edit", EDITORS)
# Acknowledge an urgent report.
add_scoped_perm("opinion.review", SUPERVISORS)
# Register collaborators and read who they are (name, phone): the unit's administrators only.
add_scoped_perm("opinion.manage_collaborators", MANAGERS)
# Train the topic classifier, see its accuracy, recompute themes: the administrators.
add_scoped_perm("opinion.manage_language", MANAGERS)
