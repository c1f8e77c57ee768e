"""The arithmetic of a round on hand-worked sheets, and its properties over many rounds:
adding a point never lowers a team's rank; the order of the judges changes nothing."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from danvan.contests import scoring
from danvan.contests.scoring import DRAW, HEAD, MEAN, PART, TRIMMED, EntryInput, Quota, Rule

G, S = "greeting", "sketch"  # two parts, the sketch weighing double
WEIGHTS = {G: D(1), S: D(2)}
J1, J2, J3 = "j1", "j2", "j3"


def sheets(greeting, sketch):
    judges = (J1, J2, J3)
    return {
        G: {j: D(v) for j, v in zip(judges, greeting, strict=True)},
        S: {j: D(v) for j, v in zip(judges, sketch, strict=True)},
    }


# A: greeting 8, 9, 10 → 9; sketch 30, 33, 36 → 33; total 9 + 2 × 33 = 75.
# B: greeting 10, 10, 7 → 9; sketch 34, 32, 33 → 33; total 75 as well.
# C: greeting 5, 6, 7 → 6; sketch 20, 21, 25 → 22; total 50.
# The head judge (j1) gave A 8 + 2 × 30 = 68 and B 10 + 2 × 34 = 78.
ROUND = [
    EntryInput("A", sheets((8, 9, 10), (30, 33, 36))),
    EntryInput("B", sheets((10, 10, 7), (34, 32, 33))),
    EntryInput("C", sheets((5, 6, 7), (20, 21, 25))),
]


def ranked(entries, rule):
    return scoring.rank(scoring.score_entries(entries, WEIGHTS, rule), rule)


def test_mean_of_the_judges_on_a_hand_worked_round():
    results = ranked(ROUND, Rule(aggregation=MEAN, tie_part=S, head=J1)).by_key()
    assert results["A"].parts == {G: D("9.00"), S: D("33.00")}
    assert [results[k].total for k in "ABC"] == [D("75.00"), D("75.00"), D("50.00")]
    assert results["A"].head_total == D("68.00")
    assert results["B"].head_total == D("78.00")


def test_tie_on_the_total_and_the_part_goes_to_the_head_judges_score():
    ranking = ranked(ROUND, Rule(aggregation=MEAN, tie_part=S, head=J1))
    assert [(r.key, r.rank, r.note) for r in ranking.results] == [
        ("B", 1, "head"),
        ("A", 2, "head"),
        ("C", 3, ""),
    ]
    assert ranking.needs_draw == []


def test_the_tie_break_part_decides_before_the_head_judge():
    # Same totals, but A's sketch is better than B's: 34 against 32 on average.
    entries = [
        EntryInput("A", sheets((6, 6, 6), (34, 34, 34))),  # 6 + 68 = 74
        EntryInput("B", sheets((10, 10, 10), (32, 32, 32))),  # 10 + 64 = 74
    ]
    ranking = ranked(entries, Rule(tie_part=S, head=J1))
    assert [(r.key, r.rank, r.note) for r in ranking.results] == [
        ("A", 1, "part"),
        ("B", 2, "part"),
    ]


def test_dropping_the_highest_and_lowest_on_a_hand_worked_round():
    # A: greeting middle 9, sketch middle 33 → 75. B: greeting 7, 10, 10 → 10; sketch 33
    # → 76. C: greeting 6, sketch 21 → 48.
    rule = Rule(aggregation=TRIMMED, trim_from=3, tie_part=S, head=J1)
    ranking = ranked(ROUND, rule)
    assert [(r.key, r.total, r.rank) for r in ranking.results] == [
        ("B", D("76.00"), 1),
        ("A", D("75.00"), 2),
        ("C", D("48.00"), 3),
    ]


def test_dropping_the_extremes_needs_enough_judges():
    assert scoring.aggregate([D(4), D(8), D(9)], rule=TRIMMED, trim_from=5) == 7
    assert scoring.aggregate([D(1), D(4), D(8), D(9), D(10)], rule=TRIMMED, trim_from=5) == 7


def test_scores_are_rounded_half_up_to_the_rules_decimals():
    entry = EntryInput("D", sheets((7, 8, 8), (31, 31, 32)))
    (result,) = scoring.score_entries([entry], WEIGHTS, Rule(decimals=2))
    # 23/3 = 7.666… → 7.67; 94/3 = 31.333… → 31.33; 7.67 + 2 × 31.33 = 70.33
    assert result.parts == {G: D("7.67"), S: D("31.33")}
    assert result.total == D("70.33")
    (one,) = scoring.score_entries([entry], WEIGHTS, Rule(decimals=1))
    assert one.parts == {G: D("7.7"), S: D("31.3")}


def test_a_tie_nothing_else_breaks_asks_for_a_draw_then_follows_the_lots():
    twins = [
        EntryInput("A", sheets((8, 8, 8), (30, 30, 30))),
        EntryInput("B", sheets((8, 8, 8), (30, 30, 30))),
    ]
    rule = Rule(tie_part=S, head=J1)
    ranking = ranked(twins, rule)
    assert ranking.needs_draw == [["A", "B"]]
    assert [r.rank for r in ranking.results] == [1, 1]  # shared until drawn
    twins[0].lot, twins[1].lot = 2, 1
    ranking = ranked(twins, rule)
    assert [(r.key, r.rank, r.note) for r in ranking.results] == [
        ("B", 1, "draw"),
        ("A", 2, "draw"),
    ]


def test_without_a_draw_tied_teams_share_their_rank():
    entries = [
        EntryInput("A", sheets((9, 9, 9), (30, 30, 30))),  # 69
        EntryInput("B", sheets((8, 8, 8), (30, 30, 30))),  # 68
        EntryInput("C", sheets((8, 8, 8), (30, 30, 30))),  # 68
        EntryInput("D", sheets((7, 7, 7), (30, 30, 30))),  # 67
    ]
    ranking = ranked(entries, Rule(tie_break=()))
    assert [(r.key, r.rank) for r in ranking.results] == [("A", 1), ("B", 2), ("C", 2), ("D", 4)]
    assert ranking.needs_draw == []


def test_a_step_the_head_judge_cannot_answer_is_skipped():
    # The head judge did not score B (another cluster): the head step is skipped.
    a = EntryInput("A", sheets((8, 8, 8), (30, 30, 30)))
    b = EntryInput("B", {G: {J2: D(8), J3: D(8)}, S: {J2: D(30), J3: D(30)}})
    ranking = ranked([a, b], Rule(tie_break=(HEAD, DRAW), head=J1))
    assert ranking.needs_draw == [["A", "B"]]


def _cluster_round():
    # Cluster 1: a 90, b 80, c 70. Cluster 2: d 85, e 60 (one judge, greeting only).
    def one(key, group, value):
        return EntryInput(key, {G: {J1: D(value)}, S: {J1: D(0)}}, group=group)

    entries = [one("a", 1, 90), one("b", 1, 80), one("c", 1, 70), one("d", 2, 85), one("e", 2, 60)]
    return ranked(entries, Rule())


def test_ranks_within_each_cluster_and_across_the_round():
    ranking = _cluster_round()
    assert [(r.key, r.rank, r.group_rank) for r in ranking.results] == [
        ("a", 1, 1),
        ("d", 2, 1),
        ("b", 3, 2),
        ("c", 4, 3),
        ("e", 5, 2),
    ]


def test_advancement_takes_the_best_of_each_cluster_then_the_best_runners_up():
    ranking = _cluster_round()
    assert scoring.advancing(ranking, per_group=1, runners_up=0) == {"a", "d"}
    assert scoring.advancing(ranking, per_group=1, runners_up=1) == {"a", "d", "b"}
    assert scoring.advancing(ranking, per_group=2, runners_up=1) == {"a", "b", "d", "e", "c"}


def test_prizes_per_cluster_and_for_the_best_of_a_part():
    ranking = _cluster_round()
    quotas = [Quota("nhat", 1), Quota("nhi", 1), Quota("ba", 1)]
    awards = {(a.quota, a.entry) for a in scoring.prizes(ranking, quotas, per_group=True)}
    assert awards == {("nhat", "a"), ("nhi", "b"), ("ba", "c"), ("nhat", "d"), ("nhi", "e")}
    overall = scoring.prizes(ranking, [Quota("nhat", 1), Quota("nhi", 2)], per_group=False)
    assert [(a.quota, a.entry) for a in overall] == [("nhat", "a"), ("nhi", "d"), ("nhi", "b")]
    best_greeting = scoring.prizes(ranking, [Quota("special", 1, part=G)], per_group=False)
    assert [(a.quota, a.entry) for a in best_greeting] == [("special", "a")]


def test_a_shared_rank_uses_up_the_places_it_covers():
    entries = [
        EntryInput("A", sheets((9, 9, 9), (30, 30, 30))),
        EntryInput("B", sheets((8, 8, 8), (30, 30, 30))),
        EntryInput("C", sheets((8, 8, 8), (30, 30, 30))),
        EntryInput("D", sheets((7, 7, 7), (30, 30, 30))),
    ]
    ranking = ranked(entries, Rule(tie_break=()))
    quotas = [Quota("nhat", 1), Quota("nhi", 1), Quota("ba", 1), Quota("kk", 1)]
    awards = [(a.quota, a.entry) for a in scoring.prizes(ranking, quotas, per_group=False)]
    assert awards == [("nhat", "A"), ("nhi", "B"), ("nhi", "C"), ("kk", "D")]


# Properties -----------------------------------------------------------------------------

HALF = st.integers(min_value=0, max_value=40).map(lambda n: D(n) / 2)


@st.composite
def rounds(draw):
    n_teams = draw(st.integers(2, 7))
    judges = [f"j{i}" for i in range(draw(st.integers(1, 6)))]
    parts = [f"p{i}" for i in range(draw(st.integers(1, 3)))]
    weights = {p: draw(st.sampled_from([D(1), D(2), D("0.5"), D("1.5")])) for p in parts}
    groups = draw(st.integers(1, 3))
    with_lots = draw(st.booleans())
    lots = draw(st.permutations(range(1, n_teams + 1)))
    entries = [
        EntryInput(
            key=t,
            sheets={p: {j: draw(HALF) for j in judges} for p in parts},
            group=draw(st.integers(0, groups - 1)),
            lot=lots[t] if with_lots else None,
        )
        for t in range(n_teams)
    ]
    steps = draw(st.lists(st.sampled_from([PART, HEAD, DRAW]), unique=True, max_size=3))
    rule = Rule(
        aggregation=draw(st.sampled_from([MEAN, TRIMMED])),
        trim_from=draw(st.integers(3, 5)),
        decimals=draw(st.integers(0, 3)),
        tie_break=tuple(steps),
        tie_part=draw(st.sampled_from(parts)),
        head=draw(st.sampled_from([None, *judges])),
    )
    return entries, weights, rule


def _ranks(entries, weights, rule):
    results = scoring.rank(scoring.score_entries(entries, weights, rule), rule).by_key()
    return {k: (r.rank, r.group_rank, r.total) for k, r in results.items()}


@settings(max_examples=300, deadline=None)
@given(rounds(), st.data())
def test_adding_a_point_to_a_team_never_lowers_its_rank(round_, data):
    entries, weights, rule = round_
    before = _ranks(entries, weights, rule)
    team = data.draw(st.sampled_from(entries))
    part = data.draw(st.sampled_from(sorted(team.sheets)))
    judge = data.draw(st.sampled_from(sorted(team.sheets[part])))
    team.sheets[part][judge] += data.draw(st.sampled_from([D("0.5"), D(1)]))
    after = _ranks(entries, weights, rule)
    rank_before, group_rank_before, total_before = before[team.key]
    rank_after, group_rank_after, total_after = after[team.key]
    assert total_after >= total_before
    assert rank_after <= rank_before
    assert group_rank_after <= group_rank_before


@settings(max_examples=300, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_permuting_the_judges_changes_nothing(round_, rnd):
    entries, weights, rule = round_
    before = _ranks(entries, weights, rule)
    for entry in entries:
        for part, by_judge in entry.sheets.items():
            items = list(by_judge.items())
            rnd.shuffle(items)
            entry.sheets[part] = dict(items)
    rnd.shuffle(entries)
    assert _ranks(entries, weights, rule) == before
