"""Every change to a cadre's records: profiles, postings, training, discipline, sensitive
data, and the generations events. Views, the import, the demo and tests all call these.

Each function takes a keyword-only `actor` (None is the system), runs in a transaction,
checks the actor's permission (cadres/rules.py), refuses bad input with a Vietnamese
message before writing anything, and writes an audit entry scoped to the unit concerned.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.cadres.generations import titles_for
from danvan.cadres.models import (
    Attendance,
    Cadre,
    Discipline,
    Event,
    Invitee,
    PersonalDataPolicy,
    Posting,
    ProgrammeItem,
    SensitiveData,
    Term,
    Training,
    TrainingCourse,
)
from danvan.core.audit import log_action, snapshot
from danvan.lib.vntext import fold
from danvan.organisations.models import Unit
from danvan.organisations.queries import territory_of

# A cadre's working life starts no earlier than this age (postings, training).
MIN_WORKING_AGE = 16
PROFILE_FIELDS = [
    "full_name",
    "sex",
    "birth_year",
    "phone",
    "email",
    "record_unit",
    "retired_on",
    "died_on",
    "external_id",
]
POSTING_FIELDS = [
    "unit",
    "position",
    "is_danvan_post",
    "is_manager",
    "full_time",
    "hardship_area",
    "start",
    "end",
    "note",
]
EVENT_FIELDS = ["name", "unit", "date", "time", "place", "description"]


def _day(date: datetime.date | None) -> str:
    return date.strftime("%d/%m/%Y") if date else ""


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def require_unit_perm(actor, perm: str, unit: Unit) -> None:
    """Refuse an actor without the named permission on the unit; None is the system."""
    if actor is not None and not actor.has_perm(perm, unit):
        raise PermissionDenied(_("This unit is outside your scope."))


def require_cadre_perm(actor, perm: str, cadre: Cadre) -> None:
    """Refuse an actor whose scope, for the named permission, does not reach the cadre now."""
    if actor is None:
        return
    if not Cadre.objects.visible_to(actor, perm=perm).filter(pk=cadre.pk).exists():
        raise PermissionDenied(_("This cadre is outside your scope."))


def home_unit(cadre: Cadre, on: datetime.date | None = None) -> Unit:
    """The unit a cadre's records concern: their current posting's (the first of several),
    else the unit keeping their file."""
    posting = (
        Posting.objects.filter(cadre=cadre)
        .current(on)
        .select_related("unit")
        .order_by("-full_time", "start", "id")
        .first()
    )
    return posting.unit if posting else cadre.record_unit


# --- Profiles ---------------------------------------------------------------------------------


def _check_profile(cadre: Cadre) -> None:
    today = timezone.localdate()
    errors = []
    if not cadre.full_name.strip():
        errors.append(_("The full name is required."))
    if not cadre.birth_year or not 1900 <= cadre.birth_year <= today.year - MIN_WORKING_AGE:
        errors.append(
            _("The year of birth must be between 1900 and %(year)d.")
            % {"year": today.year - MIN_WORKING_AGE}
        )
    if cadre.died_on and cadre.died_on > today:
        errors.append(_("The date of death cannot be in the future."))
    if cadre.birth_year and cadre.died_on and cadre.died_on.year < cadre.birth_year:
        errors.append(_("The date of death is before the year of birth."))
    if cadre.birth_year and cadre.retired_on and cadre.retired_on.year < cadre.birth_year + 40:
        errors.append(
            _("A retirement on %(date)s would be before the age of 40: check the dates.")
            % {"date": _day(cadre.retired_on)}
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_cadre(*, actor, record_unit: Unit, **data) -> Cadre:
    """Create a profile whose file a unit in the actor's scope keeps."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    require_unit_perm(actor, "cadres.change", record_unit)
    cadre = Cadre(record_unit=record_unit, **data)
    cadre.full_name = " ".join(cadre.full_name.split())
    _check_profile(cadre)
    cadre.refresh_search_text()
    cadre.full_clean()
    cadre.save()
    log_action(
        actor=actor,
        action="cadres.create",
        obj=cadre,
        unit=record_unit,
        after=snapshot(cadre, PROFILE_FIELDS),
    )
    return cadre


@transaction.atomic
def update_cadre(cadre: Cadre, *, actor, **changes) -> Cadre:
    """Change a profile the actor's scope reaches (a new file unit must be in scope too)."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    require_cadre_perm(actor, "cadres.change", cadre)
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if "record_unit" in changes and changes["record_unit"] != cadre.record_unit:
        require_unit_perm(actor, "cadres.change", changes["record_unit"])
    before = snapshot(cadre, PROFILE_FIELDS)
    for name, value in changes.items():
        setattr(cadre, name, value)
    cadre.full_name = " ".join(cadre.full_name.split())
    _check_profile(cadre)
    if cadre.died_on:
        last = Posting.objects.filter(cadre=cadre, start__gt=cadre.died_on).first()
        if last is not None:
            raise ValidationError(
                _("A posting starts on %(start)s, after the date of death.")
                % {"start": _day(last.start)}
            )
    after = snapshot(cadre, PROFILE_FIELDS)
    changed = {k for k in after if after[k] != before[k]}
    if not changed:
        return cadre
    cadre.refresh_search_text()
    cadre.full_clean()
    cadre.save()
    log_action(
        actor=actor,
        action="cadres.update",
        obj=cadre,
        unit=home_unit(cadre),
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return cadre


# --- Postings ---------------------------------------------------------------------------------


def check_posting(
    cadre: Cadre,
    *,
    unit: Unit,
    position: str,
    start: datetime.date,
    end: datetime.date | None,
    exclude_pk: int | None = None,
) -> None:
    """Refuse a posting that its unit's dates, the cadre's life or the cadre's other terms
    in the same post make impossible; every reason in Vietnamese, nothing written."""
    errors = []
    if not position.strip():
        errors.append(_("The position is required."))
    if end is not None and end < start:
        errors.append(
            _("The posting ends on %(end)s, before it starts on %(start)s.")
            % {"end": _day(end), "start": _day(start)}
        )
    if unit.valid_from and start < unit.valid_from:
        errors.append(
            _(
                "%(unit)s exists only from %(from)s: a posting there cannot start on "
                "%(start)s. Record the earlier years at the unit of their time."
            )
            % {"unit": unit.name, "from": _day(unit.valid_from), "start": _day(start)}
        )
    if unit.valid_to and (end is None or end > unit.valid_to):
        errors.append(
            _(
                "%(unit)s closed on %(to)s: a posting there must end by that date "
                "(the posting ends %(end)s)."
            )
            % {
                "unit": unit.name,
                "to": _day(unit.valid_to),
                "end": _day(end) if end else _("never"),
            }
        )
    if cadre.birth_year and start.year - cadre.birth_year < MIN_WORKING_AGE:
        errors.append(
            _("The posting starts in %(year)d, when the cadre (born %(born)d) was under 16.")
            % {"year": start.year, "born": cadre.birth_year}
        )
    if cadre.died_on and start > cadre.died_on:
        errors.append(
            _("The posting starts after the cadre's death (%(date)s).")
            % {"date": _day(cadre.died_on)}
        )
    if not errors:
        same_post = Posting.objects.filter(
            cadre=cadre, unit=unit, position_key=fold(position)
        ).overlapping(start, end)
        if exclude_pk is not None:
            same_post = same_post.exclude(pk=exclude_pk)
        clash = same_post.order_by("start").first()
        if clash is not None:
            errors.append(
                _(
                    "%(name)s already holds the post “%(position)s” at %(unit)s from "
                    "%(start)s to %(end)s: one cadre's terms in one post cannot overlap."
                )
                % {
                    "name": cadre.full_name,
                    "position": clash.position,
                    "unit": unit.name,
                    "start": _day(clash.start),
                    "end": _day(clash.end) if clash.end else _("now"),
                }
            )
    if errors:
        raise ValidationError(errors)


def _require_posting_unit(actor, cadre: Cadre, unit: Unit) -> None:
    """An editor of the cadre records postings at units in their scope, and at units closed
    since (the districts and communes before 2025, which no one manages any more)."""
    require_cadre_perm(actor, "cadres.change", cadre)
    if actor is None:
        return
    closed = unit.valid_to is not None and unit.valid_to < timezone.localdate()
    if not closed:
        require_unit_perm(actor, "cadres.change", unit)


@transaction.atomic
def add_posting(cadre: Cadre, *, actor, unit: Unit, position: str, start, **data) -> Posting:
    """Record a period the cadre held a position at the unit of its time."""
    unknown = set(data) - set(POSTING_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    _require_posting_unit(actor, cadre, unit)
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()  # one writer per cadre
    position = " ".join(position.split())
    check_posting(cadre, unit=unit, position=position, start=start, end=data.get("end"))
    posting = Posting(cadre=cadre, unit=unit, position=position, start=start, **data)
    posting.full_clean(validate_unique=False)
    posting.save()
    log_action(
        actor=actor,
        action="cadres.posting_add",
        obj=cadre,
        unit=unit,
        after=snapshot(posting, POSTING_FIELDS),
    )
    return posting


@transaction.atomic
def update_posting(posting: Posting, *, actor, **changes) -> Posting:
    unknown = set(changes) - set(POSTING_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    cadre = posting.cadre
    _require_posting_unit(actor, cadre, posting.unit)
    if "unit" in changes:
        _require_posting_unit(actor, cadre, changes["unit"])
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
    posting = Posting.objects.select_related("unit").get(pk=posting.pk)
    before = snapshot(posting, POSTING_FIELDS)
    for name, value in changes.items():
        setattr(posting, name, value)
    posting.position = " ".join(posting.position.split())
    check_posting(
        cadre,
        unit=posting.unit,
        position=posting.position,
        start=posting.start,
        end=posting.end,
        exclude_pk=posting.pk,
    )
    after = snapshot(posting, POSTING_FIELDS)
    changed = {k for k in after if after[k] != before[k]}
    if not changed:
        return posting
    posting.full_clean(validate_unique=False)
    posting.save()
    log_action(
        actor=actor,
        action="cadres.posting_change",
        obj=cadre,
        unit=posting.unit,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return posting


@transaction.atomic
def delete_posting(posting: Posting, *, actor) -> None:
    """Remove a posting recorded by mistake (audited with what it said)."""
    _require_posting_unit(actor, posting.cadre, posting.unit)
    before = snapshot(posting, POSTING_FIELDS)
    cadre, unit = posting.cadre, posting.unit
    posting.delete()
    log_action(actor=actor, action="cadres.posting_delete", obj=cadre, unit=unit, before=before)


# --- Training ---------------------------------------------------------------------------------


def find_or_create_course(
    *,
    name: str,
    organiser: str,
    level: str,
    start: datetime.date,
    end: datetime.date | None = None,
    hours: int | None = None,
    place: str = "",
    organiser_unit: Unit | None = None,
) -> TrainingCourse:
    """The course of that name, organiser and start (shared by everyone who attended it)."""
    name, organiser = " ".join(name.split()), " ".join(organiser.split())
    errors = []
    if not name:
        errors.append(_("The name of the course is required."))
    if not organiser:
        errors.append(_("The organiser of the course is required."))
    if end is not None and end < start:
        errors.append(
            _("The course ends on %(end)s, before it starts on %(start)s.")
            % {"end": _day(end), "start": _day(start)}
        )
    if errors:
        raise ValidationError(errors)
    course = TrainingCourse.objects.filter(name=name, organiser=organiser, start=start).first()
    if course is None:
        course = TrainingCourse(
            name=name,
            organiser=organiser,
            organiser_unit=organiser_unit,
            level=level,
            hours=hours,
            start=start,
            end=end,
            place=place,
        )
        course.refresh_search_text()
        course.full_clean()
        course.save()
    return course


@transaction.atomic
def record_training(
    cadre: Cadre,
    *,
    actor,
    course: TrainingCourse,
    result: str = "",
    certificate_number: str = "",
    certificate_date: datetime.date | None = None,
    note: str = "",
) -> Training:
    """Record that the cadre attended a course, with the result and the certificate."""
    require_cadre_perm(actor, "cadres.change", cadre)
    errors = []
    if cadre.birth_year and course.start.year - cadre.birth_year < MIN_WORKING_AGE:
        errors.append(
            _("The course started in %(year)d, when the cadre (born %(born)d) was under 16.")
            % {"year": course.start.year, "born": cadre.birth_year}
        )
    if Training.objects.filter(cadre=cadre, course=course).exists():
        errors.append(
            _("%(name)s is already recorded at the course “%(course)s”.")
            % {"name": cadre.full_name, "course": course}
        )
    certificate_number = certificate_number.strip()
    if certificate_number:
        holder = (
            Training.objects.filter(
                certificate_number=certificate_number, course__organiser=course.organiser
            )
            .select_related("cadre")
            .first()
        )
        if holder is not None:
            errors.append(
                _("Certificate number %(number)s of %(organiser)s is already %(name)s's.")
                % {
                    "number": certificate_number,
                    "organiser": course.organiser,
                    "name": holder.cadre.full_name,
                }
            )
    if certificate_date and certificate_date < course.start:
        errors.append(_("The certificate is dated before the course started."))
    if errors:
        raise ValidationError(errors)
    training = Training.objects.create(
        cadre=cadre,
        course=course,
        result=result,
        certificate_number=certificate_number,
        certificate_date=certificate_date,
        note=note,
    )
    log_action(
        actor=actor,
        action="cadres.training_add",
        obj=cadre,
        unit=home_unit(cadre),
        after={
            "course": course.pk,
            "course_name": course.name,
            "result": result,
            "certificate_number": certificate_number,
        },
    )
    return training


@transaction.atomic
def delete_training(training: Training, *, actor) -> None:
    cadre = training.cadre
    require_cadre_perm(actor, "cadres.change", cadre)
    before = snapshot(training)
    training.delete()
    log_action(
        actor=actor,
        action="cadres.training_delete",
        obj=cadre,
        unit=home_unit(cadre),
        before=before,
    )


# --- Discipline -------------------------------------------------------------------------------

DISCIPLINE_FIELDS = ["form", "date", "until", "decided_by", "decision_number", "reason"]


def _check_discipline(discipline: Discipline) -> None:
    errors = []
    if discipline.until is not None and discipline.until < discipline.date:
        errors.append(
            _("The discipline ends on %(until)s, before its date %(date)s.")
            % {"until": _day(discipline.until), "date": _day(discipline.date)}
        )
    if discipline.date > timezone.localdate():
        errors.append(_("A discipline cannot be dated in the future."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_discipline(cadre: Cadre, *, actor, form: str, date, **data) -> Discipline:
    """Record a discipline (or a review under way); while open it freezes award proposals."""
    unknown = set(data) - set(DISCIPLINE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    require_cadre_perm(actor, "cadres.discipline", cadre)
    discipline = Discipline(cadre=cadre, form=form, date=date, unit=home_unit(cadre), **data)
    _check_discipline(discipline)
    discipline.full_clean()
    discipline.save()
    log_action(
        actor=actor,
        action="cadres.discipline_add",
        obj=cadre,
        unit=discipline.unit,
        after=snapshot(discipline, DISCIPLINE_FIELDS),
    )
    return discipline


@transaction.atomic
def change_discipline(discipline: Discipline, *, actor, **changes) -> Discipline:
    """Change a discipline: most often, set the date its effect ends (lifting it)."""
    unknown = set(changes) - set(DISCIPLINE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    require_cadre_perm(actor, "cadres.discipline", discipline.cadre)
    before = snapshot(discipline, DISCIPLINE_FIELDS)
    for name, value in changes.items():
        setattr(discipline, name, value)
    _check_discipline(discipline)
    discipline.full_clean()
    discipline.save()
    after = snapshot(discipline, DISCIPLINE_FIELDS)
    changed = {k for k in after if after[k] != before[k]}
    log_action(
        actor=actor,
        action="cadres.discipline_change",
        obj=discipline.cadre,
        unit=discipline.unit,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return discipline


# --- Sensitive data ---------------------------------------------------------------------------


def policy_for(unit: Unit, on: datetime.date | None = None) -> PersonalDataPolicy | None:
    """The personal data policy in force for a unit: its own, else its nearest ancestor's."""
    paths = [*unit.ancestor_paths(), unit.path]
    policies = (
        PersonalDataPolicy.objects.in_force(on)
        .filter(unit__path__in=paths)
        .select_related("unit")
        .order_by("-unit__depth", "-effective_from")
    )
    return policies.first()


@transaction.atomic
def set_sensitive_data(cadre: Cadre, *, actor, ethnicity: str = "", religion: str = "") -> None:
    """Record (or clear) a cadre's ethnicity and religion, as far as the policy in force for
    the unit keeping the file records them. The audit entry names what was recorded, never
    the values."""
    require_cadre_perm(actor, "cadres.read_sensitive", cadre)
    ethnicity, religion = ethnicity.strip(), religion.strip()
    existing = SensitiveData.objects.filter(cadre=cadre).first()
    if not ethnicity and not religion:
        if existing is not None:
            existing.delete()
            log_action(
                actor=actor,
                action="cadres.sensitive_set",
                obj=cadre,
                unit=home_unit(cadre),
                after={"ethnicity": False, "religion": False},
            )
        return
    policy = policy_for(cadre.record_unit)
    errors = []
    if ethnicity and not (policy and policy.records_ethnicity):
        errors.append(
            _("%(unit)s does not record its cadres' ethnicity: leave it empty.")
            % {"unit": cadre.record_unit.name}
        )
    if religion and not (policy and policy.records_religion):
        errors.append(
            _("%(unit)s does not record its cadres' religion: leave it empty.")
            % {"unit": cadre.record_unit.name}
        )
    if errors:
        raise ValidationError(errors)
    assert policy is not None
    SensitiveData.objects.update_or_create(
        cadre=cadre,
        defaults={
            "ethnicity": ethnicity,
            "religion": religion,
            "policy": policy,
            "recorded_at": timezone.now(),
            "recorded_by": _person(actor),
        },
    )
    log_action(
        actor=actor,
        action="cadres.sensitive_set",
        obj=cadre,
        unit=home_unit(cadre),
        after={"ethnicity": bool(ethnicity), "religion": bool(religion), "policy": policy.pk},
    )


def read_sensitive(cadre: Cadre, *, actor) -> SensitiveData | None:
    """A cadre's ethnicity and religion for a staff reader allowed to see them; each read
    is logged, found or not (the log says someone looked)."""
    require_cadre_perm(actor, "cadres.read_sensitive", cadre)
    data = SensitiveData.objects.filter(cadre=cadre).select_related("policy").first()
    log_action(
        actor=actor,
        action="cadres.sensitive_read",
        obj=cadre,
        unit=home_unit(cadre),
        after={"found": data is not None},
    )
    return data


# --- Generations events -----------------------------------------------------------------------


def _check_event(event: Event) -> None:
    errors = []
    if not event.name.strip():
        errors.append(_("The name of the event is required."))
    if not event.place.strip():
        errors.append(_("The place of the event is required."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_event(*, actor, unit: Unit, terms: Iterable[Term] = (), **data) -> Event:
    """Open a generations event held by a unit in the actor's scope."""
    unknown = set(data) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    require_unit_perm(actor, "cadres.change", unit)
    event = Event(unit=unit, created_by=_person(actor), **data)
    _check_event(event)
    event.full_clean()
    event.save()
    event.terms.set(list(terms))
    log_action(
        actor=actor,
        action="cadres.event_create",
        obj=event,
        unit=unit,
        after=snapshot(event, EVENT_FIELDS),
    )
    return event


@transaction.atomic
def update_event(event: Event, *, actor, terms: Iterable[Term] | None = None, **changes) -> Event:
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    require_unit_perm(actor, "cadres.change", event.unit)
    if "unit" in changes:
        require_unit_perm(actor, "cadres.change", changes["unit"])
    before = snapshot(event, EVENT_FIELDS)
    for name, value in changes.items():
        setattr(event, name, value)
    _check_event(event)
    event.full_clean()
    event.save()
    if terms is not None:
        event.terms.set(list(terms))
    after = snapshot(event, EVENT_FIELDS)
    log_action(
        actor=actor,
        action="cadres.event_update",
        obj=event,
        unit=event.unit,
        before={k: before[k] for k in after if after[k] != before[k]},
        after={k: after[k] for k in after if after[k] != before[k]},
    )
    return event


@transaction.atomic
def set_programme(event: Event, items: list[dict], *, actor) -> list[ProgrammeItem]:
    """Replace the event's programme: items with time, title and presenter, in order."""
    require_unit_perm(actor, "cadres.change", event.unit)
    cleaned = [item for item in items if (item.get("title") or "").strip()]
    ProgrammeItem.objects.filter(event=event).delete()
    created = ProgrammeItem.objects.bulk_create(
        ProgrammeItem(
            event=event,
            order=index,
            time=item.get("time"),
            title=item["title"].strip(),
            presenter=(item.get("presenter") or "").strip(),
        )
        for index, item in enumerate(cleaned, start=1)
    )
    log_action(
        actor=actor,
        action="cadres.event_update",
        obj=event,
        unit=event.unit,
        after={"programme": [item.title for item in created]},
    )
    return created


@transaction.atomic
def invite(event: Event, cadres: Iterable[Cadre], *, actor) -> int:
    """Invite cadres chosen from the generations of the event's commune or city (a ward's
    Party committee invites the ward's generations): each must have held one of its dân
    vận posts (in the event's terms, when it names some) and be living.
    Returns how many were added (those already invited are kept as they are)."""
    require_unit_perm(actor, "cadres.change", event.unit)
    chosen = list(cadres)
    whole = territory_of(event.unit)
    titles = titles_for(whole, [c.pk for c in chosen], list(event.terms.all()) or None)
    errors = []
    for cadre in chosen:
        if cadre.pk not in titles:
            errors.append(
                _("%(name)s held no dân vận post of %(unit)s: invite from its generations.")
                % {"name": cadre.full_name, "unit": whole.name}
            )
        elif cadre.died_on is not None:
            errors.append(
                _("%(name)s died on %(date)s.")
                % {"name": cadre.full_name, "date": _day(cadre.died_on)}
            )
    if errors:
        raise ValidationError(errors)
    already = set(Invitee.objects.filter(event=event).values_list("cadre_id", flat=True))
    new = [
        Invitee(event=event, cadre=cadre, title=titles[cadre.pk][:255])
        for cadre in chosen
        if cadre.pk not in already
    ]
    Invitee.objects.bulk_create(new)
    if new:
        log_action(
            actor=actor,
            action="cadres.invite",
            obj=event,
            unit=event.unit,
            after={"cadres": [i.cadre_id for i in new]},
        )
    return len(new)


@transaction.atomic
def uninvite(invitee: Invitee, *, actor) -> None:
    event = invitee.event
    require_unit_perm(actor, "cadres.change", event.unit)
    cadre_id = invitee.cadre_id
    invitee.delete()
    log_action(
        actor=actor,
        action="cadres.uninvite",
        obj=event,
        unit=event.unit,
        before={"cadre": cadre_id},
    )


@transaction.atomic
def set_attendance(event: Event, marks: dict[int, str], *, actor) -> int:
    """Record each invitee's answer or attendance ({invitee id: Attendance}); returns how
    many changed. Attendance (present, absent) is taken from the event's day on."""
    require_unit_perm(actor, "cadres.change", event.unit)
    valid = set(Attendance.values)
    bad = [value for value in marks.values() if value not in valid]
    if bad:
        raise ValidationError(_("Unknown attendance: %(value)s.") % {"value": bad[0]})
    on_the_day = {Attendance.ATTENDED, Attendance.ABSENT}
    if timezone.localdate() < event.date and any(v in on_the_day for v in marks.values()):
        raise ValidationError(
            _("Attendance is recorded from the day of the event (%(date)s).")
            % {"date": _day(event.date)}
        )
    invitees = {i.pk: i for i in Invitee.objects.filter(event=event, pk__in=list(marks))}
    changed = []
    for pk, value in marks.items():
        invitee = invitees.get(pk)
        if invitee is not None and invitee.attendance != value:
            invitee.attendance = value
            changed.append(invitee)
    Invitee.objects.bulk_update(changed, ["attendance"])
    if changed:
        log_action(
            actor=actor,
            action="cadres.attendance",
            obj=event,
            unit=event.unit,
            after={str(i.cadre_id): i.attendance for i in changed},
        )
    return len(changed)
