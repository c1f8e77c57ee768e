"""Every change of grassroots democracy's records: publications and their clocks, household
registers, petitions, votes and their tallies, consultations and their answers, the
supervision boards and the annual dialogue. Staff pages, the portal, imports, the demo
and the tests all call these.

Each function checks the actor's named permission (democracy/rules.py) on the unit
concerned, refuses bad input with a message in the reader's language before writing
anything, writes an audit entry and raises the commune's stamp (the key of its cached
public page).
"""

from danvan.democracy.services.boards import (
    add_member,
    add_plan,
    find_board_rule,
    ineligibility,
    mark_follow_up_done,
    member_leaves,
    record_dialogue,
    record_finding,
    send_recommendation,
    set_up_board,
)
from danvan.democracy.services.common import commune_of, touch
from danvan.democracy.services.consultations import (
    add_meeting_comment,
    answer_group,
    group_comments,
    open_consultation,
    publish_report,
    submit_comment,
)
from danvan.democracy.services.publications import (
    find_publication_rule,
    import_households,
    publish,
    register_household,
    register_publication,
    update_household,
)
from danvan.democracy.services.votes import (
    cast_ballot,
    decide,
    find_petition_rule,
    find_vote_rule,
    issue_voting_codes,
    normalise_code,
    open_matter,
    receive_petition,
    recognise_result,
    send_minutes,
    tally_vote,
)

__all__ = [
    "commune_of",
    "touch",
    "find_publication_rule",
    "register_publication",
    "publish",
    "register_household",
    "update_household",
    "import_households",
    "find_vote_rule",
    "find_petition_rule",
    "receive_petition",
    "open_matter",
    "issue_voting_codes",
    "normalise_code",
    "cast_ballot",
    "decide",
    "tally_vote",
    "send_minutes",
    "recognise_result",
    "open_consultation",
    "submit_comment",
    "add_meeting_comment",
    "group_comments",
    "answer_group",
    "publish_report",
    "find_board_rule",
    "set_up_board",
    "ineligibility",
    "add_member",
    "member_leaves",
    "add_plan",
    "record_finding",
    "send_recommendation",
    "record_dialogue",
    "mark_follow_up_done",
]
