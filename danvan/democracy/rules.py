"""Named permissions of grassroots democracy: who reads, who records, who recognises.

Services check them with `actor.has_perm(name, unit)`; lists use
`visible_to(user, perm=name)`.
"""

from danvan.accounts.rules import EDITORS, SUPERVISORS, add_scoped_perm

add_scoped_perm("democracy.view", None)
# Register publications and households, put matters to the vote, enter tallies and
# comments, keep the boards' records and the dialogues.
add_scoped_perm("democracy.edit", EDITORS)
# Recognise a vote's result: the commune's chair, whose officers decide.
add_scoped_perm("democracy.recognise", SUPERVISORS)
