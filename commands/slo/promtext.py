"""Numbers, durations and label sets written exactly as Sloth's Go code writes them, so that
generated rules are the same text as Sloth's: `0.0009999999999999432`, `4w`, `{a="b", c="d"}`."""

import json
import re
from datetime import timedelta
from decimal import Decimal

_UNITS = (
    ("y", 365 * 86400 * 1000, True),
    ("w", 7 * 86400 * 1000, True),
    ("d", 86400 * 1000, False),
    ("h", 3600 * 1000, False),
    ("m", 60 * 1000, False),
    ("s", 1000, False),
    ("ms", 1, False),
)


def go_float(value: float) -> str:
    """A float as Go's `%g`/`%v` prints it: the shortest digits that read back the same, in
    exponent form below 1e-4 or from 1e6 (`1e-05`, `14.4`, `0.9990000000000001`, `1e+06`)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits_text, exponent = _shortest(abs(value))
    point = len(digits_text) + exponent  # digits before the decimal point
    exp = point - 1
    if exp < -4 or exp >= 6:
        mantissa = digits_text[0] + ("." + digits_text[1:] if len(digits_text) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    return sign + _fixed(digits_text, point)


def go_float_f(value: float) -> str:
    """Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits_text, exponent = _shortest(abs(value))
    return sign + _fixed(digits_text, len(digits_text) + exponent)


def _shortest(value: float) -> tuple[str, int]:
    sign_digits_exponent = Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(str(d) for d in sign_digits_exponent.digits)
    exponent = sign_digits_exponent.exponent
    assert isinstance(exponent, int)
    return digits, exponent


def _fixed(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def prom_duration(value: timedelta) -> str:
    """Prometheus' `model.Duration.String()`: `30d`, `4w` (28 days), `1w`, `1h30m`, `90d`."""
    ms = round(value.total_seconds() * 1000)
    if ms == 0:
        return "0s"
    out = ""
    for unit, size, exact in _UNITS:
        if exact and ms % size:
            continue
        count = ms // size
        if count:
            out += f"{count}{unit}"
            ms -= count * size
    return out


def label_filter(labels: dict[str, str]) -> str:
    """Prometheus' `LabelSet.String()`: sorted, quoted as Go quotes: `{a="b", c="d"}`."""
    return "{" + ", ".join(f"{k}={_go_quote(labels[k])}" for k in sorted(labels)) + "}"


def _go_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


_PROM_DURATION = re.compile(
    r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$"
)


def parse_prom_duration(text: str) -> timedelta:
    """Prometheus' duration syntax: `42s`, `1h30m`, `4w`, `1y` (units y w d h m s ms)."""
    match = _PROM_DURATION.match(str(text).strip())
    if not match or not any(match.groups()) or str(text).strip() == "":
        raise ValueError(f"{text!r} is not a Prometheus duration such as 5m, 1h30m or 4w")
    sizes = [size for _, size, _ in _UNITS]
    ms = sum(int(part) * size for part, size in zip(match.groups(), sizes, strict=True) if part)
    if ms == 0:
        raise ValueError(f"{text!r} is a zero duration")
    return timedelta(milliseconds=ms)
