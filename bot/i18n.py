"""Words and times for people: catalog lookup, durations, and times in the team's timezone."""

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.korean import attach_particles
from bot.messages import CATALOG
from bot.slack.blocks import escape
from commands.errors import CommandError
from commands.incidents.severity import Status

LOCALES = ("en", "ko")


_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


class Translator:
    """`names` gives a person's name by Slack user ID (a cached `users.info`), for text that
    Slack does not render mentions in: code blocks, files, the terminal."""

    def __init__(
        self,
        locale: str = "en",
        tz: ZoneInfo | None = None,
        names: Callable[[str], str | None] | None = None,
    ) -> None:
        self.locale = locale if locale in LOCALES else "en"
        self.tz = tz or ZoneInfo("UTC")
        self.names = names

    def person(self, user_id: str) -> str:
        """The person's name when it can be found, else the ID as given."""
        found = self.names(user_id) if self.names is not None and user_id else None
        return found or user_id

    def named(self, text: str) -> str:
        """`text` with each `<@U…>` mention written as `@name`."""
        return _MENTION.sub(lambda m: "@" + self.person(m.group(1)), text)

    def __call__(self, key: str, **params: object) -> str:
        entry = CATALOG.get(key)
        if entry is None:
            raise KeyError(f"message {key!r} is not in the catalog")
        text = entry.get(self.locale, entry["en"]).format(**params)
        return attach_particles(text) if self.locale == "ko" else text

    def time(self, moment: datetime | None, *, seconds: bool = False) -> str:
        if moment is None:
            return "—"
        local = moment.astimezone(self.tz)
        pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
        return f"{local.strftime(pattern)} {local.tzname()}"

    def clock(self, moment: datetime) -> str:
        local = moment.astimezone(self.tz)
        return f"{local.strftime('%H:%M')} {local.tzname()}"

    def duration(self, seconds: float | None) -> str:
        """Two units at most: 45s, 7m, 1h 5m, 2d 3h."""
        if seconds is None:
            return self("report.none")
        total = max(0, round(seconds))
        amounts: list[tuple[str, int]] = []
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
            amount, total = divmod(total, size)
            if amount or amounts or unit == "s":
                amounts.append((unit, amount))
            if len(amounts) == 2:
                break
        if len(amounts) == 2 and amounts[1][1] == 0:
            amounts.pop()  # "30m", not "30m 0s"
        return " ".join(self(f"duration.{unit}", n=n) for unit, n in amounts)

    def status(self, status: str) -> str:
        return self(f"status.{status}")


_STATUS_PARAMS = ("status", "current", "target")


def error_text(t: Translator, error: CommandError) -> str:
    """A CommandError in the catalog's words: statuses, fields and arguments named as people
    read them."""
    params = dict(error.params)
    for name in _STATUS_PARAMS:
        if name in params and str(params[name]) in {s.value for s in Status}:
            params[name] = t.status(str(params[name]))
    if error.key == "usage.missing":
        params["what"] = t(f"usage.arg.{params['what']}")
        params["usage"] = escape(str(params["usage"]))
    if error.key == "error.text_required":
        params["field"] = t(f"field.{params['field']}")
    return t(error.key, **params)
