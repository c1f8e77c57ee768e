"""The daily and monthly roll-up of cases always equals a count of the cases themselves,
whatever writes them: services, bulk inserts, UPDATEs of many rows, deletes, unit moves."""

import datetime
import random

import pytest
from django.db.models import FloatField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.organisations import services as unit_services
from danvan.voice import rollup, services
from danvan.voice.models import Case, CaseDayStat, CaseMonthStat
from danvan.voice.scorecards import FIGURES

from .conftest import at, send

TZ = timezone.get_current_timezone()
# What the roll-up counts, as the ORM counts it from the cases.
COUNTED = {
    **FIGURES,
    "hours": Coalesce(Sum("handling_hours"), Value(0.0), output_field=FloatField()),
}


def rounded(row: dict) -> dict:
    """Sums of hours compared to the microhour: the triggers add and take away floats."""
    return {**row, "hours": round(row["hours"], 6)}


def counted_from_cases(level: str) -> dict:
    """What the roll-up should hold, counted from the cases with the ORM."""
    trunc = TruncDate if level == "day" else TruncMonth
    rows = (
        Case.objects.order_by()
        .annotate(on=trunc("received_at", tzinfo=TZ))
        .values("responsible_path", "on")
        .annotate(**COUNTED)
    )
    found = {}
    for row in map(dict, rows):  # a plain dict: the stubs' row type lacks the annotated sums
        on = row.pop("on")
        on = on.date() if isinstance(on, datetime.datetime) else on
        path = row.pop("responsible_path")
        found[(path, on)] = rounded(row)
    return found


def held(model) -> dict:
    return {
        (row.pop("responsible_path"), row.pop("day")): rounded(row)
        for row in model.objects.values("responsible_path", "day", *rollup.STATS)
        if row["received"]  # rows emptied by deletes or moves stay, at zero
    }


def assert_in_step():
    assert held(CaseDayStat) == counted_from_cases("day")
    assert held(CaseMonthStat) == counted_from_cases("month")


def test_the_services_keep_the_rollup(tree, sent, clerk_a, city_admin):
    case = sent()
    assert held(CaseDayStat)[(case.responsible_path, timezone.localdate())]["received"] == 1
    case = services.accept_case(actor=clerk_a, case=case)
    case = services.answer_case(actor=clerk_a, case=case, answer="Đã dọn xong.")
    case = services.rate_case(case=case, satisfied=False, reason="Vẫn còn rác")
    services.reopen_case(case=Case.objects.get(pk=case.pk), reason="Vẫn còn rác")
    other = sent()
    services.assign_case(actor=city_admin, case=other, unit=tree.b.commune)
    assert_in_step()
    day = held(CaseDayStat)[(case.responsible_path, timezone.localdate())]
    # Reopened after an answer and an unsatisfied rating: it keeps its first answer.
    assert (day["received"], day["answered"], day["rated"], day["satisfied"]) == (1, 1, 1, 0)
    assert day["reopened"] == 1


def test_a_case_counts_on_its_local_day(tree):
    # 23:30 in Hà Nội on 31 January is 16:30 UTC: the case belongs to 31 January, and to
    # January's month row.
    late_evening = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=TZ)
    case = send(tree, received_at=late_evening)
    assert CaseDayStat.objects.get(responsible_path=case.responsible_path).day == datetime.date(
        2026, 1, 31
    )
    assert CaseMonthStat.objects.get(responsible_path=case.responsible_path).day == datetime.date(
        2026, 1, 1
    )


def test_bulk_writes_and_deletes_are_counted(tree):
    cases = [send(tree, received_at=at(2026, 3, d)) for d in (1, 1, 2, 15)]
    Case.objects.filter(pk__in=[c.pk for c in cases[:3]]).update(
        answered_at=timezone.now(), answered_late=True, satisfied=True, handling_hours=12.5
    )
    Case.objects.filter(pk=cases[3].pk).update(received_at=at(2026, 4, 2))
    Case.objects.filter(pk=cases[0].pk).delete()
    assert_in_step()


def test_moving_a_unit_moves_its_counts(tree, city_admin):
    case = send(tree, received_at=at(2026, 5, 4))
    before = case.responsible_path
    unit_services.move_unit(actor=city_admin, unit=tree.a.commune, new_parent=tree.b.commune)
    case.refresh_from_db()
    assert case.responsible_path != before
    assert_in_step()


def test_rebuild_recounts_everything(tree):
    send(tree, received_at=at(2026, 2, 3))
    send(tree, commune=tree.b.commune, received_at=at(2026, 2, 28))
    CaseDayStat.objects.all().delete()
    CaseMonthStat.objects.update(received=99)
    rollup.rebuild()
    assert_in_step()


@pytest.mark.parametrize(
    ("start", "end", "days", "months"),
    [
        # whole months only
        ((2026, 1, 1), (2026, 3, 31), [], ((2026, 1, 1), (2026, 3, 1))),
        # this year to date: January to October whole, November day by day
        (
            (2026, 1, 1),
            (2026, 11, 28),
            [((2026, 11, 1), (2026, 11, 28))],
            ((2026, 1, 1), (2026, 10, 1)),
        ),
        # ragged at both ends
        (
            (2026, 1, 15),
            (2026, 4, 10),
            [((2026, 1, 15), (2026, 1, 31)), ((2026, 4, 1), (2026, 4, 10))],
            ((2026, 2, 1), (2026, 3, 1)),
        ),
        # within one month
        ((2026, 2, 3), (2026, 2, 20), [((2026, 2, 3), (2026, 2, 20))], None),
        # a whole February
        ((2028, 2, 1), (2028, 2, 29), [], ((2028, 2, 1), (2028, 2, 1))),
    ],
)
def test_spans_split_a_period_into_days_and_whole_months(start, end, days, months):
    d = lambda t: datetime.date(*t)  # noqa: E731
    expected_days = [(d(a), d(b)) for a, b in days]
    expected_months = (d(months[0]), d(months[1])) if months else None
    assert rollup.spans(d(start), d(end)) == (expected_days, expected_months)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    start=st.dates(datetime.date(2025, 11, 1), datetime.date(2026, 4, 30)),
    length=st.integers(0, 200),
)
def test_totals_of_any_period_equal_a_count_of_its_cases(tree, seed, start, length):
    rng = random.Random(seed)
    Case.objects.all().delete()
    for _ in range(12):
        moment = datetime.datetime(2025, 11, 1, tzinfo=TZ) + datetime.timedelta(
            hours=rng.randrange(0, 24 * 181)
        )
        case = send(tree, commune=rng.choice([tree.a.commune, tree.b.commune]), received_at=moment)
        if rng.random() < 0.6:
            Case.objects.filter(pk=case.pk).update(
                answered_at=moment + datetime.timedelta(days=2),
                answered_late=rng.random() < 0.3,
                satisfied=rng.choice([None, True, False]),
                reopened_count=rng.choice([0, 0, 1]),
                handling_hours=round(rng.uniform(1, 400), 2),
            )
    end = start + datetime.timedelta(days=length)
    begin = datetime.datetime.combine(start, datetime.time.min, TZ)
    finish = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, TZ)
    for unit in (tree.city, tree.a.commune):
        expected = Case.objects.filter(
            responsible_path__startswith=unit.path, received_at__gte=begin, received_at__lt=finish
        ).aggregate(**COUNTED)
        scope = Q(responsible_path__startswith=unit.path)
        assert rounded(rollup.totals(scope, start, end)) == rounded(expected)
