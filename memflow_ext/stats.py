"""Statistics of repeated timings: the median with a distribution-free interval, and paired overheads.

Used by `--compare-baseline` (`compare.py`) and `benchmarks/overhead.py`, so both report the same
numbers the same way.

The interval of the median is the pair of order statistics (k-th smallest, k-th largest) with k
the largest rank whose binomial(n, 1/2) tail stays within (1 - level) / 2. It assumes nothing
about the distribution of the timings, only that rounds are independent. At the 95% level it
exists from 6 values on (n = 6 gives the smallest and the largest); with fewer values only the
range is reported and no interval is claimed.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

MIN_ROUNDS_95 = 6  # fewest values whose median has a distribution-free 95% interval


def median_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, float] | None:
    """Distribution-free interval for the median: the k-th smallest and k-th largest values, with
    k the largest rank whose binomial(n, 1/2) tail stays within (1 - level) / 2. None below n=6."""
    n = len(values)
    tail = (1.0 - level) / 2.0
    k, cdf = 0, 0.0
    for j in range(n + 1):
        cdf += math.comb(n, j) / 2**n
        if cdf > tail:
            break
        k = j + 1
    if k < 1:
        return None
    s = sorted(values)
    return s[k - 1], s[n - k]


def paired_overhead_pct(baseline: Sequence[float], other: Sequence[float]) -> list[float]:
    """Per round, 100 * (other - baseline) / baseline (rounds paired by position)."""
    if len(baseline) != len(other):
        raise ValueError(f"{len(baseline)} baseline values for {len(other)} others: rounds must pair up")
    return [100.0 * (o - b) / b for b, o in zip(baseline, other, strict=True) if b > 0]


def summarize(values: Sequence[float], level: float = 0.95, digits: int = 3) -> dict[str, Any]:
    """Median, range and the median's interval (None below `MIN_ROUNDS_95` values) of `values`.

    `within_noise`: the interval (or, without one, the range) contains 0 - the values cannot tell
    a positive from a negative median apart.
    """
    if not values:
        raise ValueError("no values to summarize")
    ci = median_ci(values, level)
    lo, hi = min(values), max(values)
    span = ci if ci is not None else (lo, hi)
    return {
        "n": len(values),
        "median": round(statistics.median(values), digits),
        "interval": None if ci is None else [round(ci[0], digits), round(ci[1], digits)],
        "range": [round(lo, digits), round(hi, digits)],
        "level": level,
        "within_noise": span[0] <= 0.0 <= span[1],
    }


def describe_pct(summary: dict[str, Any]) -> str:
    """One line for a summary of percentages: median, then the 95% interval or (too few rounds) the range."""
    n, med = summary["n"], summary["median"]
    if summary["interval"] is not None:
        lo, hi = summary["interval"]
        text = f"{med:+.2f}% (median of {n} rounds; 95% interval {lo:+.2f}% .. {hi:+.2f}%)"
    else:
        lo, hi = summary["range"]
        text = (f"{med:+.2f}% (median of {n} round{'s' if n != 1 else ''}; range {lo:+.2f}% .. {hi:+.2f}%, "
                f"no interval claimed below {MIN_ROUNDS_95} rounds)")
    if summary["within_noise"]:
        text += ": within noise"
    return text


__all__ = ["MIN_ROUNDS_95", "describe_pct", "median_ci", "paired_overhead_pct", "summarize"]
