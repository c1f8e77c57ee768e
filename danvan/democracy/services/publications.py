"""Publications and their legal clocks; the hamlets' household registers."""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.workdays import WorkCalendar
from danvan.democracy.models import (
    Household,
    Publication,
    PublicationGroup,
    PublicationRule,
    PublishChannel,
)
from danvan.democracy.services.common import (
    _audit,
    _check_commune,
    _check_hamlet,
    _date,
    _not_future,
    _person,
    _require,
    _text,
    touch,
)
from danvan.organisations.models import Unit

# Publications --------------------------------------------------------------------------------


def find_publication_rule(group: PublicationGroup, on: datetime.date) -> PublicationRule | None:
    """The rule in force on a date: the group's own beats the general one."""
    rules = list(PublicationRule.objects.in_force(on).filter(group__in=[group.pk]))
    rules += list(PublicationRule.objects.in_force(on).filter(group__isnull=True))
    rules.sort(key=lambda r: (r.group_id is None, -r.effective_from.toordinal()))
    return rules[0] if rules else None


def _check_channels(channels: Iterable[str]) -> list[str]:
    channels = list(dict.fromkeys(channels))
    if not channels:
        raise ValidationError(
            _("Say where it was published: at least one channel."), code="channels"
        )
    unknown = set(channels) - set(PublishChannel.values)
    if unknown:
        raise ValidationError(_("Unknown channel: %(codes)s.") % {"codes": ", ".join(unknown)})
    return channels


def _set_published(
    publication: Publication,
    published_on: datetime.date,
    channels: Iterable[str],
    today: datetime.date,
) -> None:
    if published_on < publication.document_date:
        raise ValidationError(
            _(
                "A publication cannot be dated before its document: the document is of "
                "%(document)s, the publication of %(published)s."
            )
            % {"document": _date(publication.document_date), "published": _date(published_on)},
            code="before_document",
        )
    _not_future(published_on, today, _("The publication date"))
    publication.channels = _check_channels(channels)
    publication.published_on = published_on
    publication.posted_until = published_on + datetime.timedelta(
        days=publication.rule.keep_posted_days
    )
    publication.late = published_on > publication.due_on


@transaction.atomic
def register_publication(
    *,
    actor,
    commune: Unit,
    group: PublicationGroup,
    title: str,
    document_date: datetime.date,
    document_number: str = "",
    published_on: datetime.date | None = None,
    channels: Sequence[str] = (),
    calendar: WorkCalendar | None = None,
    today: datetime.date | None = None,
) -> Publication:
    """Register a document the commune must publish; its clock starts from the document's
    date (the rule's working days). Published at once when `published_on` is given."""
    _require(actor, commune)
    _check_commune(commune)
    today = today or timezone.localdate()
    title = _text(title, _("Give the title of what is published."))
    if not group.is_active:
        raise ValidationError(_("This group of information is no longer in use."), code="group")
    _not_future(document_date, today, _("The date of the document"))
    rule = find_publication_rule(group, document_date)
    if rule is None:
        raise ValidationError(
            _("No publication rule is in force on %(date)s.") % {"date": _date(document_date)},
            code="rule",
        )
    calendar = calendar or WorkCalendar.from_db()
    publication = Publication(
        commune=commune,
        group=group,
        title=title[:300],
        document_number=document_number.strip()[:60],
        document_date=document_date,
        rule=rule,
        due_on=calendar.add_working_days(document_date, rule.publish_within_days),
        created_by=_person(actor),
    )
    if published_on is not None:
        _set_published(publication, published_on, channels, today)
    publication.refresh_search_text()
    publication.save()
    _audit(
        actor,
        "publication_add",
        publication,
        commune,
        after={"due_on": publication.due_on.isoformat(), "rule": rule.pk},
    )
    touch(commune)
    return publication


@transaction.atomic
def publish(
    *,
    actor,
    publication: Publication,
    published_on: datetime.date,
    channels: Sequence[str],
    today: datetime.date | None = None,
) -> Publication:
    """Record that a registered document was published, where, and until when it stays."""
    publication = (
        Publication.objects.select_for_update()
        .select_related("rule", "commune", "group")
        .get(pk=publication.pk)
    )
    _require(actor, publication.commune)
    if publication.is_published:
        raise ValidationError(_("This document is already published."), code="published")
    _set_published(publication, published_on, channels, today or timezone.localdate())
    publication.save()
    _audit(
        actor,
        "publish",
        publication,
        publication.commune,
        after={"published_on": published_on.isoformat(), "late": publication.late},
    )
    touch(publication.commune)
    return publication


# Households ----------------------------------------------------------------------------------


def _household_fields(head_name: str, members, address: str) -> tuple[str, int, str]:
    head_name = _text(head_name, _("Give the name of the head of household."))
    address = _text(address, _("Give the household's address."))
    try:
        members = int(members)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("The number of members is a whole number."), code="members"
        ) from exc
    if not 1 <= members <= 100:
        raise ValidationError(_("A household has between 1 and 100 members."), code="members")
    return head_name[:120], members, address[:200]


@transaction.atomic
def register_household(
    *, actor, hamlet: Unit, head_name: str, members: int, address: str
) -> Household:
    """Add a household to a hamlet's register."""
    _require(actor, hamlet)
    _check_hamlet(hamlet)
    head_name, members, address = _household_fields(head_name, members, address)
    if Household.objects.filter(hamlet=hamlet, head_name=head_name, address=address).exists():
        raise ValidationError(
            _("This household (same head and address) is already on the register."),
            code="duplicate",
        )
    household = Household(hamlet=hamlet, head_name=head_name, members=members, address=address)
    household.refresh_search_text()
    household.save()
    _audit(actor, "household_add", household, hamlet, after={"members": members})
    return household


@transaction.atomic
def update_household(*, actor, household: Household, **changes) -> Household:
    """Change a household's members or address, or take it off the register (moved away)."""
    household = Household.objects.select_for_update().select_related("hamlet").get(pk=household.pk)
    _require(actor, household.hamlet)
    unknown = set(changes) - {"head_name", "members", "address", "is_active"}
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    before = {name: getattr(household, name) for name in changes}
    head_name, members, address = _household_fields(
        changes.get("head_name", household.head_name),
        changes.get("members", household.members),
        changes.get("address", household.address),
    )
    clash = Household.objects.filter(
        hamlet=household.hamlet_id, head_name=head_name, address=address
    ).exclude(pk=household.pk)
    if clash.exists():
        raise ValidationError(
            _("This household (same head and address) is already on the register."),
            code="duplicate",
        )
    household.head_name, household.members, household.address = head_name, members, address
    household.is_active = bool(changes.get("is_active", household.is_active))
    household.refresh_search_text()
    household.save()
    _audit(
        actor,
        "household_change",
        household,
        household.hamlet,
        before={k: v for k, v in before.items() if k != "head_name"},
        after={k: getattr(household, k) for k in changes if k != "head_name"},
    )
    return household


@transaction.atomic
def import_households(*, actor, hamlet: Unit, rows: Sequence) -> dict[str, int]:
    """Write a checked sheet of households (imports.HouseholdRow) into a hamlet's register:
    a household already there (same head and address) gets the sheet's members; a new one
    is added. Every row or none."""
    _require(actor, hamlet)
    _check_hamlet(hamlet)
    existing = {
        (h.head_name, h.address): h
        for h in Household.objects.filter(hamlet=hamlet).only(
            "id", "head_name", "address", "members"
        )
    }
    new, changed, seen = [], [], set()
    for row in rows:
        key = (row.head_name, row.address)
        if key in seen:
            continue
        seen.add(key)
        found = existing.get(key)
        if found is None:
            household = Household(
                hamlet=hamlet, head_name=row.head_name, members=row.members, address=row.address
            )
            household.refresh_search_text()
            new.append(household)
        elif found.members != row.members:
            found.members = row.members
            changed.append(found)
    Household.objects.bulk_create(new, batch_size=1000)
    Household.objects.bulk_update(changed, ["members"], batch_size=1000)
    result = {
        "created": len(new),
        "updated": len(changed),
        "unchanged": len(seen) - len(new) - len(changed),
    }
    _audit(actor, "households_import", hamlet, hamlet, after=result)
    return result
