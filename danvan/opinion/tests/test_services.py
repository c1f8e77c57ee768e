"""Entering reports: what is taken, what is refused (nothing written), the classifier hooks."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.core.models import AuditEntry
from danvan.opinion import services
from danvan.opinion.models import (
    CONTENT_MAX,
    Breadth,
    OpinionItem,
    OpinionReport,
    OpinionRule,
    Tendency,
)
from danvan.opinion.tests.conftest import SECRET_NAME, at, item

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 3)


def _codes(exc) -> set[str]:
    return {e.code for e in exc.value.error_list}


def test_seeded_topics_and_rule(topics):
    assert len(topics) == 9
    assert {c for c, t in topics.items() if t.sensitive} == {"dan-toc", "ton-giao"}
    rule = OpinionRule.objects.get()
    assert (rule.due_day, rule.urgent_ack_hours) == (5, 24)
    assert "mặc định" in rule.note


def test_monthly_report_due_by_rule(ctv, clerk_a, topics):
    report = services.file_monthly_report(
        actor=clerk_a,
        collaborator=ctv["a1"],
        month=datetime.date(2026, 2, 1),
        items=[item(topics["dat-dai"]), item(topics["moi-truong"], tendency=Tendency.OPPOSE)],
        now=NOW,
    )
    assert report.due_date == datetime.date(2026, 3, 5)
    assert report.items.count() == 2
    assert set(report.items.values_list("month", flat=True)) == {datetime.date(2026, 2, 1)}
    assert report.items.first().place == ctv["a1"].unit


def test_urgent_report_has_the_rules_clock(ctv, clerk_a, topics):
    report = services.file_urgent_report(
        actor=clerk_a, collaborator=ctv["a1"], items=[item(topics["an-ninh-trat-tu"])], now=NOW
    )
    assert report.acknowledge_by == NOW + datetime.timedelta(hours=24)


@pytest.mark.usefixtures("english")
class TestBadInput:
    def _refused(self, call, code):
        before = (OpinionReport.objects.count(), OpinionItem.objects.count())
        with pytest.raises(ValidationError) as exc:
            call()
        assert code in _codes(exc)
        assert (OpinionReport.objects.count(), OpinionItem.objects.count()) == before

    def test_closed_month(self, ctv, clerk_a, topics):
        # Due 5 January, closes 10 days later: on 16 January December is closed.
        late = at(2026, 1, 16)
        self._refused(
            lambda: services.file_monthly_report(
                actor=clerk_a,
                collaborator=ctv["a1"],
                month=datetime.date(2025, 12, 1),
                items=[item(topics["dat-dai"])],
                now=late,
            ),
            "month_closed",
        )
        on_last_day = at(2026, 1, 15)
        services.file_monthly_report(
            actor=clerk_a,
            collaborator=ctv["a1"],
            month=datetime.date(2025, 12, 1),
            items=[item(topics["dat-dai"])],
            now=on_last_day,
        )

    def test_item_without_topic(self, ctv, clerk_a):
        self._refused(
            lambda: services.file_monthly_report(
                actor=clerk_a,
                collaborator=ctv["a1"],
                month=datetime.date(2026, 2, 1),
                items=[item(None)],
                now=NOW,
            ),
            "no_topic",
        )

    def test_item_without_breadth(self, ctv, clerk_a, topics):
        self._refused(
            lambda: services.file_monthly_report(
                actor=clerk_a,
                collaborator=ctv["a1"],
                month=datetime.date(2026, 2, 1),
                items=[item(topics["dat-dai"]), item(topics["y-te-giao-duc"], breadth=None)],
                now=NOW,
            ),
            "no_breadth",
        )

    def test_duplicate_monthly(self, ctv, clerk_a, topics):
        args = dict(
            actor=clerk_a,
            collaborator=ctv["a1"],
            month=datetime.date(2026, 2, 1),
            items=[item(topics["dat-dai"])],
            now=NOW,
        )
        services.file_monthly_report(**args)
        self._refused(lambda: services.file_monthly_report(**args), "duplicate_monthly")

    def test_duplicate_urgent(self, ctv, clerk_a, topics):
        services.file_urgent_report(
            actor=clerk_a, collaborator=ctv["a1"], items=[item(topics["dat-dai"])], now=NOW
        )
        later = NOW + datetime.timedelta(hours=3)
        self._refused(
            lambda: services.file_urgent_report(
                actor=clerk_a, collaborator=ctv["a1"], items=[item(topics["dat-dai"])], now=later
            ),
            "duplicate_urgent",
        )
        # Another topic the same day is a new matter.
        services.file_urgent_report(
            actor=clerk_a, collaborator=ctv["a1"], items=[item(topics["moi-truong"])], now=later
        )

    def test_text_over_the_limit(self, ctv, clerk_a, topics):
        self._refused(
            lambda: services.file_monthly_report(
                actor=clerk_a,
                collaborator=ctv["a1"],
                month=datetime.date(2026, 2, 1),
                items=[item(topics["dat-dai"], content="ư" * (CONTENT_MAX + 1))],
                now=NOW,
            ),
            "too_long",
        )
        self._refused(
            lambda: services.file_monthly_report(
                actor=clerk_a,
                collaborator=ctv["a1"],
                month=datetime.date(2026, 2, 1),
                items=[item(topics["dat-dai"])],
                summary="a" * 4001,
                now=NOW,
            ),
            "too_long",
        )

    def test_collaborator_of_another_unit(self, ctv, clerk_a, topics):
        self._refused(
            lambda: services.file_monthly_report(
                actor=clerk_a,
                collaborator=ctv["b1"],
                month=datetime.date(2026, 2, 1),
                items=[item(topics["dat-dai"])],
                now=NOW,
            ),
            "out_of_scope",
        )
        self._refused(
            lambda: services.file_urgent_report(
                actor=clerk_a, collaborator=ctv["b1"], items=[item(topics["dat-dai"])], now=NOW
            ),
            "out_of_scope",
        )

    def test_place_outside_the_collaborators_unit(self, tree, ctv, clerk_a, topics):
        self._refused(
            lambda: services.file_monthly_report(
                actor=clerk_a,
                collaborator=ctv["a2"],
                month=datetime.date(2026, 2, 1),
                items=[item(topics["dat-dai"], place=tree.a.hamlet)],
                now=NOW,
            ),
            "place_outside",
        )

    def test_message_is_vietnamese(self, ctv, clerk_a, topics):
        from django.utils import translation

        with translation.override("vi"), pytest.raises(ValidationError) as exc:
            services.file_monthly_report(
                actor=clerk_a,
                collaborator=ctv["a1"],
                month=datetime.date(2026, 2, 1),
                items=[item(None)],
                now=NOW,
            )
        assert "chủ đề" in exc.value.messages[0]


def test_identity_read_only_by_the_units_administrator(ctv, city_admin, admin_b, clerk_a):
    identity = services.read_identity(actor=city_admin, collaborator=ctv["a1"])
    assert identity.full_name == SECRET_NAME
    entry = AuditEntry.objects.get(action="opinion.identity_read")
    assert entry.actor == city_admin
    assert SECRET_NAME not in str(entry.before) + str(entry.after) + entry.object_repr
    with pytest.raises(PermissionDenied):
        services.read_identity(actor=clerk_a, collaborator=ctv["a1"])
    with pytest.raises(PermissionDenied):
        services.read_identity(actor=admin_b, collaborator=ctv["a1"])
    services.read_identity(actor=admin_b, collaborator=ctv["b1"])
    assert AuditEntry.objects.filter(action="opinion.identity_read").count() == 2


def test_clerk_cannot_register_collaborators(tree, clerk_a):
    with pytest.raises(PermissionDenied):
        services.register_collaborator(actor=clerk_a, unit=tree.a.commune, full_name="X")


def test_generated_codes_follow_on(tree, city_admin):
    first = services.register_collaborator(actor=city_admin, unit=tree.a.commune, full_name="A")
    second = services.register_collaborator(actor=city_admin, unit=tree.a.commune, full_name="B")
    assert first.code.endswith("-0001") and second.code.endswith("-0002")
    assert SECRET_NAME not in first.code


def test_acknowledge_and_handle(ctv, clerk_a, city_officer, topics):
    report = services.file_urgent_report(
        actor=clerk_a,
        collaborator=ctv["a1"],
        items=[item(topics["gia-ca-thi-truong"], is_rumour=True)],
        now=NOW,
    )
    with pytest.raises(PermissionDenied):
        services.acknowledge_report(actor=clerk_a, report=report)
    services.acknowledge_report(actor=city_officer, report=report)
    assert report.acknowledged_at is not None
    rumour = report.items.get()
    services.mark_handled(actor=clerk_a, item=rumour, note="Đã thông tin chính thức trên loa.")
    rumour.refresh_from_db()
    assert rumour.handled and rumour.handled_note


def test_classifier_hooks(ctv, clerk_a, topics):
    services.file_monthly_report(
        actor=clerk_a,
        collaborator=ctv["a1"],
        month=datetime.date(2026, 2, 1),
        items=[
            item(topics["dat-dai"], content="Giá đất tăng"),
            item(topics["moi-truong"], content="Rác thải"),
        ],
        now=NOW,
    )
    todo = services.unclassified_items()
    assert [text for _pk, text in todo] == ["Giá đất tăng", "Rác thải"]
    assert services.set_suggested_topics(suggestions={todo[0][0]: "dat-dai"}) == 1
    assert [text for _pk, text in services.unclassified_items()] == ["Rác thải"]
    assert sorted(services.labelled_items()) == [
        ("Giá đất tăng", "dat-dai"),
        ("Rác thải", "moi-truong"),
    ]
    with pytest.raises(ValidationError):
        services.set_suggested_topics(suggestions={todo[1][0]: "khong-co"})


def test_breadth_values_are_the_four_of_the_practice():
    assert [b.value for b in Breadth] == [1, 2, 3, 4]
