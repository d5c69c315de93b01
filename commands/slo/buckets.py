"""Latency SLIs read a histogram bucket: which one, and whether Prometheus has that boundary."""

import re
from dataclasses import dataclass

from commands.slo.specs import SloSpec

# --- histogram buckets -------------------------------------------------------------------------
_BUCKET = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*_bucket)\s*\{([^{}]*)\}")
_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?')


@dataclass(frozen=True)
class BucketUse:
    """A latency SLI reading one histogram bucket: `metric{matchers, le="threshold"}`."""

    metric: str
    matchers: str  # the other matchers, as written
    threshold: str

    @property
    def selector(self) -> str:
        return f"{self.metric}{{{self.matchers}}}" if self.matchers else self.metric


def bucket_uses(spec: SloSpec) -> list[BucketUse]:
    """The histogram buckets the SLI's queries read, other than `+Inf`."""
    text = " ".join((spec.sli.error_query, spec.sli.good_query, spec.sli.total_query))
    text += " " + spec.sli.ratio_query
    found: dict[tuple[str, str, str], BucketUse] = {}
    for metric, inner in _BUCKET.findall(text):
        le = None
        others = []
        for name, op, value in _MATCHER.findall(inner):
            if name == "le" and op == "=":
                le = value
            else:
                others.append(f'{name}{op}"{value}"')
        if le is None or le.lower() in ("+inf", "inf"):
            continue
        use = BucketUse(metric, ",".join(others), le)
        found[(use.metric, use.matchers, use.threshold)] = use
    return list(found.values())


def bucket_problem(use: BucketUse, boundaries: list[str]) -> str | None:
    """Why the threshold cannot be read from these boundaries, or None when it can."""
    finite = []
    for text in boundaries:
        try:
            value = float(text)
        except ValueError:
            continue
        if value != float("inf"):
            finite.append(value)
    if not finite:
        return None  # no data yet: nothing to check against
    try:
        threshold = float(use.threshold)
    except ValueError:
        return f'le="{use.threshold}" is not a number'
    if any(abs(threshold - value) <= 1e-9 * max(1.0, abs(value)) for value in finite):
        return None
    usable = ", ".join(f"{value:g}" for value in sorted(finite))
    return (
        f"{use.metric}: the threshold {use.threshold} is not a histogram bucket boundary, so "
        f"the SLI cannot count requests under it; use one of: {usable}"
    )
