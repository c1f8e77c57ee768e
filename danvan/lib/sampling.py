"""Weighted choices and exact splits for the demo data generators (pure: no app, no database)."""

from bisect import bisect


def weighted(pairs):
    """Split (value, weight) pairs into a list of values and their cumulative weights, for
    `pick`."""
    values, cumulative, total = [], [], 0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cumulative.append(total)
    return values, cumulative


def pick(rng, choices):
    """Draw one value of `weighted(...)`'s result with the random generator rng."""
    values, cumulative = choices
    return values[bisect(cumulative, rng.random() * cumulative[-1])]


def allocate(total: int, weights: dict) -> dict:
    """Split total over the keys in proportion to weights, exactly (largest remainder)."""
    weight_sum = sum(weights.values())
    if total <= 0 or weight_sum <= 0:
        return dict.fromkeys(weights, 0)
    shares = {k: total * w / weight_sum for k, w in weights.items()}
    result = {k: int(v) for k, v in shares.items()}
    by_remainder = sorted(weights, key=lambda k: (shares[k] - result[k], k), reverse=True)
    for k in by_remainder[: total - sum(result.values())]:
        result[k] += 1
    return result
