"""What the law asks of a case when it comes in, checked alike for every channel (the portal,
a clerk's form, Open311, the services):

- a denunciation names its denouncer with their address, a way to contact them and the
  content (Luật Tố cáo 2018, Điều 23); without the name (or with one obviously false) it is
  not a denunciation but information (Điều 25); with the name but without the rest, the
  sender is asked for what is missing before any clock starts;
- a complaint is filed within its limitation period (Luật Khiếu nại 2011, Điều 9), counted
  from the day the complainant knew of the decision or act, without the time lost to
  obstacles; its dates must make sense.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core.workdays import WorkCalendar
from danvan.lib.vntext import fold
from danvan.voice.deadlines import days_lost, find_limitation, limitation_end
from danvan.voice.models import LimitationRule

# Denunciations ----------------------------------------------------------------------------

# What Điều 23 asks that a named denunciation may lack, in the order the law lists it.
DETAILS: dict[str, Promise] = {
    "address": gettext_lazy("the denouncer's address"),
    "contact": gettext_lazy("a way to contact the denouncer (phone or email)"),
    "content": gettext_lazy("the person or body denounced and the unlawful act"),
}
LEGAL_LIST = gettext_lazy(
    "Luật Tố cáo 2018, Điều 23: a denunciation gives its date; the full name and address of "
    "the denouncer and a way to contact them; the unlawful act denounced; the person or body "
    "denounced; and other related information."
)
INFORMATION_NOTICE = gettext_lazy(
    "Luật Tố cáo 2018, Điều 25: a denunciation without the name and address of its denouncer, "
    "or with a false one, is not handled as a denunciation. It is kept as information: no "
    "denunciation deadline runs and no answer is owed; where it names the person and the act "
    "clearly, with evidence that can be checked, the authority uses it for an inspection."
)
# Names that name nobody ("ẩn danh", "Nguyễn Văn A"), folded: a sender who types one is
# anonymous. Anything else counts as a name; a false identity found later is the clerk's call
# (services.treat_as_information).
PLACEHOLDER_NAMES = frozenset(
    {
        "an danh",
        "nac danh",
        "giau ten",
        "khong ten",
        "khong co",
        "khong",
        "nguoi dan",
        "cong dan",
        "nguyen van a",
        "nguyen thi b",
        "tran van b",
        "le van c",
        "abc",
        "test",
        "anonymous",
        "none",
        "n/a",
    }
)


def is_anonymous(name: str | None) -> bool:
    """Whether a denouncer's name names nobody: empty, a placeholder, no two letters."""
    folded = fold(name)
    letters = [ch for ch in folded if ch.isalpha()]
    return len(letters) < 2 or folded in PLACEHOLDER_NAMES or len(set(letters)) == 1


def missing_details(
    *,
    reporter_address: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    person_denounced: str = "",
) -> list[str]:
    """The codes of DETAILS a named denunciation still lacks."""
    missing = []
    if not reporter_address.strip():
        missing.append("address")
    if not (reporter_phone.strip() or reporter_email.strip()):
        missing.append("contact")
    if not person_denounced.strip():
        missing.append("content")
    return missing


def details_text(codes: Iterable[str]) -> str:
    """The missing details in words, for a message: "the address; a way to contact…"."""
    return "; ".join(str(DETAILS[code]) for code in codes if code in DETAILS)


# Limitation periods -----------------------------------------------------------------------

Obstacle = tuple[str, datetime.date, datetime.date]  # cause, first day, last day


@dataclass(frozen=True)
class Limitation:
    rule: LimitationRule
    known_on: datetime.date
    ends: datetime.date
    filed_on: datetime.date
    days_lost: int

    @property
    def late(self) -> bool:
        return self.filed_on > self.ends


def limitation_of(
    kind: str,
    category_id: int | None,
    known_on: datetime.date | None,
    filed_on: datetime.date,
    obstacles: Sequence[Obstacle] = (),
    calendar: WorkCalendar | None = None,
) -> Limitation | None:
    """The limitation period of a case filed on `filed_on`; None without a rule or a date."""
    if known_on is None:
        return None
    rule = find_limitation(kind, category_id, filed_on)
    if rule is None:
        return None
    periods = [(start, end) for _cause, start, end in obstacles]
    ends = limitation_end(rule, known_on, periods, calendar)
    return Limitation(rule, known_on, ends, filed_on, days_lost(rule, known_on, ends, periods))


def late_message(limitation: Limitation) -> str:
    """What a sender and a clerk read about a case filed after its limitation period."""
    return _(
        "The limitation period for this case ended on %(ends)s: %(days)d days from "
        "%(known)s, the day the decision or act became known (%(basis)s). It is sent on "
        "%(filed)s."
    ) % {
        "ends": limitation.ends.strftime("%d/%m/%Y"),
        "days": limitation.rule.days,
        "known": limitation.known_on.strftime("%d/%m/%Y"),
        "basis": limitation.rule.legal_basis or _("no legal basis recorded"),
        "filed": limitation.filed_on.strftime("%d/%m/%Y"),
    }


def date_errors(
    *,
    decision_date: datetime.date | None = None,
    decision_known_on: datetime.date | None = None,
    obstacles: Sequence[tuple[str, datetime.date | None, datetime.date | None]] = (),
    delay_reason: str = "",
    filed_on: datetime.date | None = None,
) -> dict[str, str]:
    """What is wrong with a case's dates, by the name of the field to mark: a decision or a
    knowledge in the future, known before the decision, a delay without its dates…"""
    today = timezone.localdate()
    filed_on = filed_on or today
    errors: dict[str, str] = {}
    if decision_date and decision_date > today:
        errors["decision_date"] = _("The decision or act cannot be dated in the future.")
    if decision_known_on and decision_known_on > today:
        errors["decision_known_on"] = _("This date is in the future.")
    elif decision_date and decision_known_on and decision_known_on < decision_date:
        errors["decision_known_on"] = _(
            "The decision or act cannot have become known before its date (%(date)s)."
        ) % {"date": decision_date.strftime("%d/%m/%Y")}
    if delay_reason.strip() and not any(start and end for _c, start, end in obstacles):
        errors["obstacle_start"] = _(
            "Give the dates (from, to) of what kept you from filing in time."
        )
    for cause, start, end in obstacles:
        if not (start and end):
            if start or end or cause:
                errors["obstacle_start"] = _("Give both dates of the obstacle: from and to.")
            continue
        if not cause:
            errors["obstacle_cause"] = _("Say what kept you from filing.")
        if end < start:
            errors["obstacle_end"] = _("The obstacle ends before it starts.")
        elif end > filed_on:
            errors["obstacle_end"] = _("An obstacle cannot end after the day the case is sent.")
        elif decision_known_on and end <= decision_known_on:
            errors["obstacle_end"] = _(
                "This obstacle ended before the decision or act became known: it does not "
                "change the limitation period."
            )
    return errors


# Warnings before sending ------------------------------------------------------------------


def warnings(
    *,
    kind: str,
    category_id: int | None = None,
    reporter_name: str = "",
    reporter_address: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    person_denounced: str = "",
    decision_known_on: datetime.date | None = None,
    obstacles: Sequence[Obstacle] = (),
    filed_on: datetime.date | None = None,
) -> dict[str, str]:
    """What a sender (or the clerk writing for them) should read before the case is sent, by
    code: "information" (an anonymous denunciation), "incomplete" (a named one lacking what
    the law asks), "late" (after the limitation period). Sending it anyway loses nothing."""
    found: dict[str, str] = {}
    if kind == "denunciation":
        if is_anonymous(reporter_name):
            found["information"] = _(
                "%(law)s To have it handled as a denunciation, give the denouncer's full name "
                "and address."
            ) % {"law": INFORMATION_NOTICE}
        else:
            missing = missing_details(
                reporter_address=reporter_address,
                reporter_phone=reporter_phone,
                reporter_email=reporter_email,
                person_denounced=person_denounced,
            )
            if missing:
                found["incomplete"] = _(
                    "This denunciation lacks: %(missing)s. %(law)s It can be sent now and "
                    "completed later with its tracking code; its time limit starts when it is "
                    "complete."
                ) % {"missing": details_text(missing), "law": LEGAL_LIST}
    limitation = limitation_of(
        kind, category_id, decision_known_on, filed_on or timezone.localdate(), obstacles
    )
    if limitation is not None and limitation.late:
        found["late"] = _(
            "%(late)s If something kept the sender from filing in time (illness, natural "
            "disaster, work or study far away, another objective obstacle), give it below with "
            "its dates: that time is not counted. Otherwise the case can still be sent; the "
            "unit decides whether the delay has a valid reason."
        ) % {"late": late_message(limitation)}
    return found
