"""Named permissions of the cadres' records: the one place that says who may read and
change profiles, postings, training, discipline and events.

Services check them with `actor.has_perm(name, unit)`; scoped reads use
`Cadre.objects.visible_to(user, perm=name)`.
"""

from danvan.accounts.rules import EDITORS, SUPERVISORS, add_scoped_perm

add_scoped_perm("cadres.view", None)
# Create and change profiles, postings and training; hold events and keep their lists.
add_scoped_perm("cadres.change", EDITORS)
# Record and lift discipline; read a cadre's ethnicity and religion (each read is logged).
add_scoped_perm("cadres.discipline", SUPERVISORS)
add_scoped_perm("cadres.read_sensitive", SUPERVISORS)
