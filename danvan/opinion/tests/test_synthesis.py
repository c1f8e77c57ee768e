"""The month's roll-up on a hand-counted fixture (conftest.filed): who has not reported,
figures by topic, breadth and tendency, hot spots, rumours; sensitive topics kept apart."""

import datetime

import pytest

from danvan.opinion import queries
from danvan.opinion.models import Breadth, OpinionItem, Tendency
from danvan.opinion.tests.conftest import FEB

pytestmark = pytest.mark.django_db


def _by_code(synth):
    return {row.topic.code: row for row in synth.topics}


def test_who_has_not_reported(tree, ctv, filed):
    state = queries.standing(tree.city, FEB, today=datetime.date(2026, 3, 3))
    assert (state.expected, state.reported) == (3, 2)
    assert [c.code for c in state.missing] == ["CTV-BD-0002"]
    rows = {row.unit.pk: (row.expected, row.reported, row.missing) for row in state.rows}
    assert rows == {tree.a.commune.pk: (2, 1, 1), tree.b.commune.pk: (1, 1, 0)}
    assert state.due == datetime.date(2026, 3, 5) and not state.late
    assert queries.standing(tree.city, FEB, today=datetime.date(2026, 3, 6)).late
    # One level down: the ward's own collaborator and its Front's.
    ward = queries.standing(tree.a.commune, FEB, today=datetime.date(2026, 3, 3))
    assert {(r.unit.pk, r.missing) for r in ward.rows} == {
        (tree.a.commune.pk, 0),
        (tree.a.front.pk, 1),
    }


def test_city_synthesis_figures(tree, city_officer, filed):
    synth = queries.synthesis(city_officer, tree.city, FEB)
    assert synth.sensitive_shown
    assert (synth.total, synth.previous_total) == (7, 4)
    rows = _by_code(synth)
    assert {code: (r.count, r.previous, r.oppose) for code, r in rows.items()} == {
        "dat-dai": (4, 1, 2),
        "moi-truong": (1, 3, 1),
        "ton-giao": (1, 0, 1),
        "gia-ca-thi-truong": (1, 0, 0),
    }
    assert rows["dat-dai"].cells == {
        (Breadth.MANY, Tendency.OPPOSE): 2,
        (Breadth.MAJORITY, Tendency.HESITANT): 1,
        (Breadth.MAJORITY, Tendency.SUPPORT): 1,
    }
    table = dict(synth.breadth_tendency())
    assert table[Breadth.MANY] == [0, 3, 0]
    assert table[Breadth.SOME] == [0, 1, 1]
    hot = {(s.unit.pk, s.topic.code): (s.oppose, s.previous) for s in synth.hot_spots}
    assert hot == {(tree.a.commune.pk, "dat-dai"): (2, 1), (tree.a.commune.pk, "ton-giao"): (1, 0)}
    assert (synth.rumour_count, synth.rumours_handled) == (1, 1)
    assert synth.trend[-1] == (FEB, 7) and synth.trend[-2] == (datetime.date(2026, 1, 1), 4)


def test_rollup_counts_equal_the_items(tree, city_officer, filed):
    synth = queries.synthesis(city_officer, tree.city, FEB)
    items = OpinionItem.objects.filter(month=FEB).count()
    assert sum(row.count for row in synth.children) == synth.total == items
    assert sum(sum(c) for _b, c in synth.breadth_tendency()) == items
    ward = queries.synthesis(city_officer, tree.a.commune, FEB)
    assert ward.total == next(r.count for r in synth.children if r.unit == tree.a.commune)


def test_sensitive_topics_hidden_from_a_clerk(tree, clerk_a, city_officer, filed):
    synth = queries.synthesis(clerk_a, tree.a.commune, FEB)
    assert not synth.sensitive_shown
    assert "ton-giao" not in _by_code(synth)
    assert synth.total == 4
    assert all(s.topic.code != "ton-giao" for s in synth.hot_spots)
    assert [i.topic.code for i in queries.report_items(clerk_a, filed)].count("ton-giao") == 0
    assert "ton-giao" in [i.topic.code for i in queries.report_items(city_officer, filed)]


def test_topic_drill_down(tree, city_officer, topics, filed):
    synth = queries.synthesis(city_officer, tree.city, FEB, topic=topics["dat-dai"])
    assert synth.total == 4 and [r.topic.code for r in synth.topics] == ["dat-dai"]


def test_synthesis_is_a_few_queries(tree, city_officer, filed, django_assert_max_num_queries):
    city_officer.scope_paths()  # the user's roles, read once per request
    with django_assert_max_num_queries(10):
        queries.synthesis(city_officer, tree.city, FEB)
