"""Reading `/oncall` command text. Pure: text in, a request or a usage error out.

Times are in the team's timezone: `2026-12-04 17:00`, or a date alone (for a swap: noon
that day, i.e. the day's weekday or weekend shift; for a cover: the whole day).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from commands.errors import CommandError
from commands.oncall.schedule import MAX_WEEKS, parse_when

USAGE: dict[str, str] = {
    "now": "/oncall [now]",
    "schedule": "/oncall schedule [weeks]",
    "swap": "/oncall swap YYYY-MM-DD [HH:MM] YYYY-MM-DD [HH:MM]",
    "cover": "/oncall cover @person FROM TO",
    "remove": "/oncall remove ID",
    "help": "/oncall help",
}
ALIASES = {"who": "now", "sched": "schedule", "rm": "remove", "cancel": "remove"}
DEFAULT_WEEKS = 4

_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_DATETIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}T\d{1,2}:\d{2}$")
_CLOCK = re.compile(r"^\d{1,2}:\d{2}$")
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


@dataclass(frozen=True)
class OnCallRequest:
    sub: str
    weeks: int = DEFAULT_WEEKS
    user: str = ""
    first: datetime | None = None
    second: datetime | None = None
    override_id: int = 0


class OnCallUsageError(CommandError):
    pass


def _bad(sub: str) -> OnCallUsageError:
    return OnCallUsageError("oncall.usage_bad", sub=sub, usage=USAGE[sub])


def parse_user(text: str) -> str:
    """`<@U123|kim>` (how Slack sends a mention) or a bare `U123` → `U123`."""
    word = text.strip()
    match = _MENTION.match(word)
    if match:
        return match.group(1)
    if re.match(r"^[UW][A-Z0-9]{2,}$", word):
        return word
    raise CommandError("error.oncall_unknown_user", given=word[:40] or "—")


def _times(sub: str, words: list[str], tz: ZoneInfo) -> list[tuple[str, bool]]:
    """Split words into time texts: (text, whether a time of day was given)."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(words):
        word = words[i]
        if _DATETIME.match(word):
            out.append((word, True))
            i += 1
        elif _DATE.match(word):
            if i + 1 < len(words) and _CLOCK.match(words[i + 1]):
                out.append((f"{word} {words[i + 1]}", True))
                i += 2
            else:
                out.append((word, False))
                i += 1
        elif re.match(r"^\d", word):
            # Looks like a time but isn't one we read: say so, with the format.
            raise CommandError("error.oncall_bad_time", given=word[:40], tz=tz.key)
        else:
            raise _bad(sub)
    return out


def parse_oncall(text: str, tz: ZoneInfo) -> OnCallRequest:
    words = text.replace("\u00a0", " ").split()
    if not words:
        return OnCallRequest("now")
    sub = ALIASES.get(words[0].lower(), words[0].lower())
    rest = words[1:]
    if sub not in USAGE:
        raise OnCallUsageError("oncall.usage_unknown", sub=words[0][:40])
    if sub in ("now", "help"):
        return OnCallRequest(sub)
    if sub == "schedule":
        if not rest:
            return OnCallRequest("schedule")
        cleaned = rest[0].lower().removesuffix("w")
        if len(rest) > 1 or not cleaned.isdigit() or not 1 <= int(cleaned) <= MAX_WEEKS:
            raise _bad("schedule")
        return OnCallRequest("schedule", weeks=int(cleaned))
    if sub == "remove":
        if len(rest) != 1 or not rest[0].lstrip("#").isdigit():
            raise _bad("remove")
        return OnCallRequest("remove", override_id=int(rest[0].lstrip("#")))
    if sub == "swap":
        times = _times(sub, rest, tz)
        if len(times) != 2:
            raise _bad("swap")
        first, second = (_swap_time(text_, has_clock, tz) for text_, has_clock in times)
        return OnCallRequest("swap", first=first, second=second)
    # cover @person FROM TO
    if len(rest) < 3:
        raise _bad("cover")
    user = parse_user(rest[0])
    times = _times(sub, rest[1:], tz)
    if len(times) != 2:
        raise _bad("cover")
    start = parse_when(times[0][0], tz)
    end = parse_when(times[1][0], tz, end_of_day=True)
    return OnCallRequest("cover", user=user, first=start, second=end)


def _swap_time(text: str, has_clock: bool, tz: ZoneInfo) -> datetime:
    return parse_when(text if has_clock else f"{text} 12:00", tz)


def swap_time(text: str, tz: ZoneInfo) -> datetime:
    """A time inside a shift: `2026-12-05 12:00`, or a date alone for noon that day."""
    cleaned = " ".join(text.split())
    return _swap_time(cleaned, not _DATE.match(cleaned), tz)


__all__ = [
    "USAGE",
    "OnCallRequest",
    "OnCallUsageError",
    "parse_oncall",
    "parse_user",
    "swap_time",
]
