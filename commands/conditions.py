"""The small expressions runbook and health files use: field conditions and durations.

A condition is `FIELD OP VALUE` (`status == healthy`, `models.qwen != unhealthy`,
`last_inference_ms < 3000`) or, for a PromQL result, `OP NUMBER` (`> 100`). Values compare
as numbers when both sides are numbers, as booleans for true/false, else as text.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

_CONDITION = re.compile(
    r"^\s*(?P<path>[A-Za-z_][A-Za-z0-9_.\-]*)?\s*(?P<op>==|!=|<=|>=|<|>)\s*(?P<value>.+?)\s*$"
)
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Condition:
    path: str | None
    op: str
    value: str

    def __str__(self) -> str:
        return f"{self.path} {self.op} {self.value}" if self.path else f"{self.op} {self.value}"

    def holds(self, data: Any) -> bool:
        """Whether the condition holds for `data` (a JSON document, or a number when the
        condition has no field). A missing field never satisfies it."""
        actual = lookup(data, self.path) if self.path else data
        if actual is _MISSING:
            return False
        return compare(actual, self.op, self.value)

    def actual(self, data: Any) -> Any:
        found = lookup(data, self.path) if self.path else data
        return None if found is _MISSING else found


_MISSING = object()


def lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return _MISSING
    return data


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def compare(actual: Any, op: str, expected: str) -> bool:
    expected = expected.strip().strip("'\"")
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None:
        pair: tuple[Any, Any] = (left, right)
    elif isinstance(actual, bool) or expected.lower() in ("true", "false"):
        pair = (str(actual).lower(), expected.lower())
    else:
        pair = ("" if actual is None else str(actual), expected)
    a, b = pair
    if op == "==":
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    if isinstance(a, str) != isinstance(b, str):
        return False
    try:
        return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])
    except TypeError:
        return False


def parse_condition(text: str, *, field: bool = True) -> Condition:
    """Parse a condition; ValueError (worded for the file's author) when it is not one."""
    match = _CONDITION.match(text or "")
    if match is None:
        example = "status == healthy" if field else "> 100"
        raise ValueError(f"{text!r} is not a condition; write it like `{example}`")
    path = match.group("path")
    if field and not path:
        raise ValueError(f"{text!r} names no field; write it like `status == healthy`")
    if not field and path:
        raise ValueError(f"{text!r}: a PromQL condition compares the value, like `> 100`")
    return Condition(path, match.group("op"), match.group("value"))


def parse_duration(value: Any) -> timedelta:
    """`30m`, `1h30m`, `10s`, `250ms`, or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return timedelta(seconds=value)
    text = str(value).strip().lower().replace(" ", "")
    if not text or _DURATION.sub("", text):
        raise ValueError(f"{value!r} is not a duration; write it like 30s, 5m, 1h or 1h30m")
    return timedelta(seconds=sum(float(n) * _UNITS[unit] for n, unit in _DURATION.findall(text)))


__all__ = ["Condition", "compare", "lookup", "parse_condition", "parse_duration"]
