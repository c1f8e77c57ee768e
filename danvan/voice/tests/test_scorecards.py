"""Scorecard figures against a hand-computed fixture; the league table of child units."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.voice import services
from danvan.voice.models import Case
from danvan.voice.scorecards import league_table, scorecard

TODAY = timezone.localdate()
YEAR_START = datetime.date(TODAY.year, 1, 1)


def answered(sent, clerk, *, late=False, hours=None, **kw):
    case = services.accept_case(actor=clerk, case=sent(**kw))
    if late:
        Case.objects.filter(pk=case.pk).update(
            deadline=timezone.now() - datetime.timedelta(hours=1)
        )
    case = services.answer_case(actor=clerk, case=case, answer="Đã xử lý")
    if hours is not None:
        Case.objects.filter(pk=case.pk).update(handling_hours=hours)
    return case


def fixture(tree, sent, clerk_a, clerk_b):
    """Ward A: 5 cases — 3 answered (1 late), 2 rated (1 satisfied), 1 reopened, 1 overdue open.
    Ward B: 2 cases — 1 answered on time."""
    a1 = answered(sent, clerk_a, hours=10)
    answered(sent, clerk_a, hours=30, late=True)
    a3 = answered(sent, clerk_a, hours=20)
    services.rate_case(case=a1, satisfied=True)
    services.rate_case(case=a3, satisfied=False, reason="Chưa ổn")
    services.reopen_case(case=Case.objects.get(pk=a3.pk), reason="Vẫn còn")
    Case.objects.filter(pk=a3.pk).update(answered_at=timezone.now(), status="answered")
    overdue = sent()
    Case.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - datetime.timedelta(hours=3))
    sent()
    answered(sent, clerk_b, commune=tree.b.commune, hours=5)
    sent(commune=tree.b.commune)


def test_ward_scorecard_matches_the_hand_count(tree, sent, clerk_a, clerk_b):
    fixture(tree, sent, clerk_a, clerk_b)
    card = scorecard(tree.a.commune, YEAR_START, TODAY)
    assert (card.received, card.answered, card.on_time) == (5, 3, 2)
    assert card.on_time_pct == 66.7
    assert (card.rated, card.satisfied, card.satisfaction_pct) == (2, 1, 50.0)
    assert card.reopened == 1 and card.reopened_pct == 33.3
    assert card.overdue_now == 1
    assert card.median_hours == 20.0


def test_city_scorecard_sums_its_wards(tree, sent, clerk_a, clerk_b):
    fixture(tree, sent, clerk_a, clerk_b)
    card = scorecard(tree.city, YEAR_START, TODAY)
    assert (card.received, card.answered, card.on_time) == (7, 4, 3)
    assert card.median_hours == 15.0  # 5, 10, 20, 30


def test_a_period_before_the_cases_is_empty(tree, sent, clerk_a, clerk_b):
    fixture(tree, sent, clerk_a, clerk_b)
    card = scorecard(tree.city, datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    assert card.received == 0 and card.on_time_pct is None and card.median_hours is None
    assert card.overdue_now == 1  # overdue now does not depend on the period


def test_league_table_has_a_row_per_child_with_cases(tree, sent, clerk_a, clerk_b):
    fixture(tree, sent, clerk_a, clerk_b)
    rows = {row.unit: row for row in league_table(tree.city, YEAR_START, TODAY)}
    assert set(rows) == {tree.a.commune, tree.b.commune}
    assert rows[tree.b.commune].on_time_pct == 100.0
    assert rows[tree.a.commune].received == 5
    first = league_table(tree.city, YEAR_START, TODAY)[0]
    assert first.unit == tree.b.commune  # best on-time rate first


def test_scorecard_queries_do_not_grow_with_cases(tree, sent, clerk_a, clerk_b):
    fixture(tree, sent, clerk_a, clerk_b)
    with CaptureQueriesContext(connection) as few:
        scorecard(tree.city, YEAR_START, TODAY)
        league_table(tree.city, YEAR_START, TODAY)
    for _ in range(15):
        answered(sent, clerk_b, commune=tree.b.commune)
    cache.clear()  # both counts with the median computed (the new answers change it anyway)
    with CaptureQueriesContext(connection) as many:
        scorecard(tree.city, YEAR_START, TODAY)
        league_table(tree.city, YEAR_START, TODAY)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_median_is_kept_until_an_answer_changes(tree, sent, clerk_a):
    first = answered(sent, clerk_a, hours=10)
    answered(sent, clerk_a, hours=30)
    assert scorecard(tree.a.commune, YEAR_START, TODAY).median_hours == 20.0
    with CaptureQueriesContext(connection) as again:
        assert scorecard(tree.a.commune, YEAR_START, TODAY).median_hours == 20.0
    assert not any('"handling_hours"' in q["sql"] for q in again.captured_queries)
    # A new answer to the same case (after a reopening) changes its hours, not the counts.
    Case.objects.filter(pk=first.pk).update(handling_hours=50)
    assert scorecard(tree.a.commune, YEAR_START, TODAY).median_hours == 40.0
    answered(sent, clerk_a, hours=60)
    assert scorecard(tree.a.commune, YEAR_START, TODAY).median_hours == 50.0
