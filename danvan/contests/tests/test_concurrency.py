"""Judges saving at the same moment lose nothing (PostgreSQL: real concurrent transactions).

Each judge's points are rows of their own (judge × team × part × criterion), and every save
takes the round's row lock, so that a save never slips past the closing of the round.
"""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from danvan.contests import services
from danvan.contests.models import Score
from danvan.contests.tests.conftest import fill

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://…)"
    ),
    # Transactional: the seeded rules are reloaded after each test empties the tables.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _run_together(jobs) -> list[BaseException]:
    """Run the jobs in threads released at the same instant; return their exceptions."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=10)
            job()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_judges_saving_at_the_same_moment_lose_no_update(world, preliminary):
    entries = list(preliminary.round.entries.order_by("order"))
    parts = [preliminary.greeting, preliminary.sketch]

    def points(judge_index: int, entry_index: int, part) -> list:
        if part == preliminary.greeting:
            return [judge_index + entry_index, 1]
        return [Decimal(judge_index + 2 * entry_index) + Decimal("0.5")]

    def judge_job(judge_index: int):
        judge = world.judges[judge_index]

        def job():
            for entry_index, entry in enumerate(entries):
                for part in parts:
                    fill(judge=judge, entry=entry, part=part,
                         points=points(judge_index, entry_index, part))  # fmt: skip

        return job

    errors = _run_together([judge_job(i) for i in range(len(world.judges))])
    assert errors == []
    assert Score.objects.count() == len(world.judges) * len(entries) * 3  # 2 + 1 criteria
    for judge_index, judge in enumerate(world.judges):
        for entry_index, entry in enumerate(entries):
            for part in parts:
                saved = list(
                    Score.objects.filter(juror=judge, entry=entry, part=part)
                    .order_by("criterion__order")
                    .values_list("value", flat=True)
                )
                assert saved == [Decimal(p) for p in points(judge_index, entry_index, part)]


def test_one_judge_typing_in_two_boxes_at_once_keeps_both(world, preliminary):
    """The sheet saves each box on its own request: two of them at the same moment."""
    entry = preliminary.round.entries.order_by("order").first()
    content, time = preliminary.greeting.rubric.criteria.all()
    judge = world.judges[0]

    def save(criterion, value):
        return lambda: services.save_score(
            actor=judge, entry=entry, part=preliminary.greeting, criterion=criterion, value=value
        )

    for attempt in range(5):
        errors = _run_together([save(content, str(5 + attempt)), save(time, str(attempt % 3))])
        assert errors == []
        values = dict(
            Score.objects.filter(juror=judge, entry=entry).values_list("criterion_id", "value")
        )
        assert values == {content.pk: Decimal(5 + attempt), time.pk: Decimal(attempt % 3)}
