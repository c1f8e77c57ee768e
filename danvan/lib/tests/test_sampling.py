"""The demo generators' weighted choices and exact splits."""

import random
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from danvan.lib.sampling import allocate, pick, weighted


def test_pick_draws_by_weight_and_never_a_weightless_value():
    rng = random.Random(1)
    choices = weighted([("often", 3), ("never", 0), ("seldom", 1)])
    drawn = Counter(pick(rng, choices) for _ in range(4000))
    assert set(drawn) == {"often", "seldom"}
    assert 2.5 < drawn["often"] / drawn["seldom"] < 3.5


def test_pick_gives_the_same_draws_for_the_same_seed():
    choices = weighted([(n, n + 1) for n in range(10)])

    def draws(seed):
        rng = random.Random(seed)
        return [pick(rng, choices) for _ in range(20)]

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)


@given(
    st.integers(min_value=0, max_value=100_000),
    st.dictionaries(st.integers(), st.floats(min_value=0.01, max_value=100), min_size=1),
)
def test_allocate_splits_the_total_exactly_in_proportion(total, weights):
    shares = allocate(total, weights)
    assert list(shares) == list(weights)
    assert sum(shares.values()) == total
    weight_sum = sum(weights.values())
    for key, share in shares.items():
        assert abs(share - total * weights[key] / weight_sum) < 1


def test_allocate_gives_nothing_of_nothing():
    assert allocate(0, {"a": 1, "b": 2}) == {"a": 0, "b": 0}
    assert allocate(5, {"a": 0}) == {"a": 0}
