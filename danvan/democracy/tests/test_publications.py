"""Publications: the legal clock on the working-day calendar (weekends, Tết, make-up days),
the posting period, lateness, overdue and missing publications, bad dates refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.core.models import WorkdayOverride
from danvan.democracy import services
from danvan.democracy.metrics import missing_publications
from danvan.democracy.models import Publication, PublicationGroup, PublicationRule

TODAY = datetime.date(2026, 12, 7)


def group(code="ho-tro"):
    return PublicationGroup.objects.get(code=code)


def register(actor, commune, *, document_date, published_on=None, code="ho-tro", **extra):
    return services.register_publication(
        actor=actor,
        commune=commune,
        group=group(code),
        title=extra.pop("title", "Danh sách hộ nghèo, hộ cận nghèo năm 2026"),
        document_date=document_date,
        published_on=published_on,
        channels=extra.pop("channels", ["notice_board", "loudspeaker"]),
        today=extra.pop("today", TODAY),
        **extra,
    )


@pytest.mark.parametrize(
    ("document_date", "due_on"),
    [
        # Monday 2 March 2026: five working days end on Monday 9 March.
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 9)),
        # Friday: the weekend does not count.
        (datetime.date(2026, 3, 6), datetime.date(2026, 3, 13)),
        # Thursday 12 February 2026, before Tết (16–20 February): 13, 23, 24, 25, 26.
        (datetime.date(2026, 2, 12), datetime.date(2026, 2, 26)),
        # Signed on the last day of Tết, a Friday: the clock starts on Monday 23.
        (datetime.date(2026, 2, 20), datetime.date(2026, 2, 27)),
        # Across Giỗ Tổ (26–27 April) and 30 April – 1 May.
        (datetime.date(2026, 4, 24), datetime.date(2026, 5, 6)),
    ],
)
def test_clock_counts_working_days_across_weekends_and_tet(tree, clerk_a, document_date, due_on):
    publication = register(clerk_a, tree.a.commune, document_date=document_date)
    assert publication.due_on == due_on
    assert publication.rule == PublicationRule.objects.get(group=None)


def test_make_up_working_day_of_the_calendar_counts(tree, clerk_a):
    """A Saturday made a working day by the admin's calendar shortens the wait."""
    WorkdayOverride.objects.create(date=datetime.date(2026, 3, 7), kind="working_day")
    publication = register(clerk_a, tree.a.commune, document_date=datetime.date(2026, 3, 6))
    assert publication.due_on == datetime.date(2026, 3, 12)


def test_published_on_time_and_late_with_posting_period(tree, clerk_a):
    on_time = register(
        clerk_a,
        tree.a.commune,
        document_date=datetime.date(2026, 2, 12),
        published_on=datetime.date(2026, 2, 26),
    )
    assert not on_time.late
    assert on_time.posted_until == datetime.date(2026, 3, 28)  # posted 30 days
    late = register(
        clerk_a,
        tree.a.commune,
        document_date=datetime.date(2026, 2, 12),
        published_on=datetime.date(2026, 2, 27),
    )
    assert late.late


def test_publication_dated_before_its_document_is_refused(tree, clerk_a):
    with pytest.raises(ValidationError, match="before its document"):
        register(
            clerk_a,
            tree.a.commune,
            document_date=datetime.date(2026, 3, 2),
            published_on=datetime.date(2026, 3, 1),
        )
    assert not Publication.objects.exists()


def test_publication_without_channel_or_in_the_future_is_refused(tree, clerk_a):
    with pytest.raises(ValidationError, match="channel"):
        register(
            clerk_a,
            tree.a.commune,
            document_date=datetime.date(2026, 3, 2),
            published_on=datetime.date(2026, 3, 3),
            channels=[],
        )
    with pytest.raises(ValidationError, match="future"):
        register(clerk_a, tree.a.commune, document_date=datetime.date(2026, 12, 8))
    assert not Publication.objects.exists()


def test_registered_then_published_and_overdue_until_then(tree, clerk_a):
    publication = register(clerk_a, tree.a.commune, document_date=datetime.date(2026, 11, 2))
    assert list(Publication.objects.overdue(TODAY)) == [publication]
    publication = services.publish(
        actor=clerk_a,
        publication=publication,
        published_on=datetime.date(2026, 12, 1),
        channels=["portal"],
        today=TODAY,
    )
    assert publication.late and not Publication.objects.overdue(TODAY).exists()
    with pytest.raises(ValidationError, match="already published"):
        services.publish(
            actor=clerk_a, publication=publication, published_on=TODAY, channels=["portal"]
        )


def test_a_group_s_own_rule_beats_the_general_one(tree, clerk_a, city_admin):
    from danvan.organisations.services import add_rule

    add_rule(
        PublicationRule(
            group=group("dat-dai"),
            publish_within_days=2,
            keep_posted_days=60,
            legal_basis="Quy định riêng",
            effective_from=datetime.date(2026, 1, 1),
        ),
        actor=city_admin,
    )
    land = register(
        clerk_a, tree.a.commune, document_date=datetime.date(2026, 3, 2), code="dat-dai"
    )
    other = register(clerk_a, tree.a.commune, document_date=datetime.date(2026, 3, 2))
    assert land.due_on == datetime.date(2026, 3, 4)
    assert other.due_on == datetime.date(2026, 3, 9)


def test_missing_periodic_publications_of_the_year(tree, clerk_a):
    """By 7 December the first three quarters' budget reports are due; only the second was
    published. The yearly groups are not due before the year ends."""
    register(
        clerk_a,
        tree.a.commune,
        code="thuc-hien-ngan-sach",
        document_date=datetime.date(2026, 5, 4),
        published_on=datetime.date(2026, 5, 6),
    )
    missing = missing_publications([tree.a.commune, tree.b.commune], today=TODAY)
    quarterly = group("thuc-hien-ngan-sach")
    assert missing[tree.a.commune.pk] == [(quarterly, 0), (quarterly, 2)]
    assert missing[tree.b.commune.pk] == [(quarterly, 0), (quarterly, 1), (quarterly, 2)]


def test_clerk_of_another_commune_cannot_publish_for_it(tree, clerk_b):
    with pytest.raises(PermissionDenied):
        register(clerk_b, tree.a.commune, document_date=datetime.date(2026, 3, 2))
