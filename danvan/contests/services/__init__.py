"""Every change to a contest: setting it up, registering teams, judging, results.

Views, commands, the demo and tests call these functions; each takes a keyword-only
`actor`, runs in a transaction, checks the permission (contests/rules.py) and the state, and
writes an audit entry.
"""

from danvan.contests.services.judging import (
    parse_points,
    record_sheet,
    reveal_scores,
    save_score,
    sheet_totals,
)
from danvan.contests.services.results import (
    close_round,
    confirm_round,
    is_last_round,
    publish_round,
    reopen_round,
    send_winners_up,
)
from danvan.contests.services.setup import (
    add_part,
    add_round,
    assign_judge,
    clusters_from_foundation,
    create_contest,
    draw_clusters,
    open_registration,
    open_round,
    place_team,
    register_team,
    remove_judge,
    remove_part,
    set_contest_status,
    set_prize_quota,
    update_contest,
    update_round,
    update_team,
    usable_rules,
)

__all__ = [
    "add_part",
    "add_round",
    "assign_judge",
    "close_round",
    "clusters_from_foundation",
    "confirm_round",
    "create_contest",
    "draw_clusters",
    "is_last_round",
    "open_registration",
    "open_round",
    "parse_points",
    "place_team",
    "publish_round",
    "record_sheet",
    "register_team",
    "remove_judge",
    "remove_part",
    "reopen_round",
    "reveal_scores",
    "save_score",
    "send_winners_up",
    "set_contest_status",
    "set_prize_quota",
    "sheet_totals",
    "update_contest",
    "update_round",
    "update_team",
    "usable_rules",
]
