"""The clock job: overdue marks, escalation to the level above, reminders; once each."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from danvan.core.models import AuditEntry
from danvan.voice import services
from danvan.voice.models import Case, CaseEvent, VoiceSettings
from danvan.voice.tests.conftest import send


def late(case, hours):
    Case.objects.filter(pk=case.pk).update(
        deadline=timezone.now() - datetime.timedelta(hours=hours)
    )


def test_a_late_case_is_marked_overdue_once(tree, sent):
    case = sent()
    late(case, 1)
    assert services.mark_overdue() == 1
    assert services.mark_overdue() == 0
    case.refresh_from_db()
    assert case.overdue is True
    assert CaseEvent.objects.filter(case=case, action="overdue").count() == 1


def test_an_overdue_case_is_escalated_to_the_city_after_the_grace(tree, sent):
    VoiceSettings.objects.create(
        effective_from=datetime.date(2020, 1, 1), escalation_grace_hours=24
    )
    recent, old = sent(), sent()
    late(recent, 2)
    late(old, 48)
    result = services.run_clock_job()
    assert result["overdue"] == 2 and result["escalated"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.escalated_to == tree.city  # the commune's committee reports to the city
    assert recent.escalated_to is None
    assert services.run_clock_job() == {"reminded": 0, "overdue": 0, "escalated": 0}
    assert AuditEntry.objects.filter(action="voice.escalate").count() == 1


def test_answered_cases_are_never_marked(tree, sent, clerk_a):
    case = services.answer_case(
        actor=clerk_a, case=services.accept_case(actor=clerk_a, case=sent()), answer="Xong"
    )
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - datetime.timedelta(days=3))
    assert services.mark_overdue() == 0


def test_reminders_before_the_deadline_go_once(tree, sent, clerk_a, mailoutbox):
    clerk_a.email = "clerk@example.vn"
    clerk_a.save()
    case = services.accept_case(actor=clerk_a, case=sent())
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() + datetime.timedelta(hours=2))
    assert services.send_reminders() == 1
    assert services.send_reminders() == 0


def test_the_command_runs_the_job(tree, sent, capsys):
    late(sent(), 1)
    call_command("run_voice_clock")
    assert "overdue 1" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_mark_each_case_once(tree):
    """A real race: two threads with their own database connections run the job together."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locking (SQLite serialises writers)")
    cases = [send(tree) for _ in range(40)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        deadline=timezone.now() - datetime.timedelta(days=3)
    )
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(services.run_clock_job())
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r["overdue"] for r in results) == 40
    assert sum(r["escalated"] for r in results) == 40
    assert CaseEvent.objects.filter(action="overdue").count() == 40
    assert CaseEvent.objects.filter(action="escalate").count() == 40
