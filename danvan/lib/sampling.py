"""Weighted choices for the demo data generators."""


def weighted(pairs):
    """Split (value, weight) pairs into a list of values and their cumulative weights, for
    `values[bisect(cumulative, rng.random() * cumulative[-1])]`."""
    values, cumulative, total = [], [], 0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cumulative.append(total)
    return values, cumulative
