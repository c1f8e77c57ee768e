"""Every change to a citizen case: receipt (with what the law asks at intake), routing, the
legal clocks, handling, answers, ratings, reopening, forwarding and escalation; reception
sessions and Open311 keys. Portal, staff pages, Open311, commands and the clock job all call
these, through this package:

- `cases`: a case's life from receipt to closing;
- `law`: denunciations by the letter of Luật Tố cáo (missing details, information);
- `clock`: the clock job and the recomputation of existing cases;
- `reception`: reception sessions and Open311 keys;
- `merge`: a duplicate merged into the case that says the same thing;
- `texts`: the embeddings of cases for similar cases (voice.similar).
"""

from danvan.voice.services.base import route
from danvan.voice.services.cases import (
    accept_case,
    answer_case,
    assign_case,
    close_case,
    extend_case,
    forward_case,
    intake_notice,
    rate_case,
    reject_case,
    reopen_case,
    reporter_identity,
    start_handling,
    submit_case,
    time_barred_note,
)
from danvan.voice.services.clock import (
    cases_due_for_reminder,
    due_cases,
    escalate_overdue,
    forward_cases_due_for_reminder,
    forward_due_cases,
    mark_overdue,
    recompute_case,
    recompute_clocks,
    run_clock_hooks,
    run_clock_job,
    send_reminders,
)
from danvan.voice.services.law import complete_details, settle_information, treat_as_information
from danvan.voice.services.merge import merge_cases, merge_into
from danvan.voice.services.reception import (
    issue_api_key,
    open_reception_session,
    revoke_api_key,
)
from danvan.voice.services.texts import embed_cases

__all__ = [
    "accept_case",
    "answer_case",
    "assign_case",
    "cases_due_for_reminder",
    "close_case",
    "complete_details",
    "due_cases",
    "embed_cases",
    "escalate_overdue",
    "extend_case",
    "forward_case",
    "forward_cases_due_for_reminder",
    "forward_due_cases",
    "intake_notice",
    "issue_api_key",
    "mark_overdue",
    "merge_cases",
    "merge_into",
    "open_reception_session",
    "rate_case",
    "recompute_case",
    "recompute_clocks",
    "reject_case",
    "reopen_case",
    "reporter_identity",
    "revoke_api_key",
    "route",
    "run_clock_hooks",
    "run_clock_job",
    "send_reminders",
    "settle_information",
    "start_handling",
    "submit_case",
    "time_barred_note",
    "treat_as_information",
]
