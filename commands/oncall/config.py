"""`oncall:` in sre-bot.yml: the rotation, its hours and the reminder ladder."""

import re
from datetime import date, time
from typing import Literal

from pydantic import Field, field_validator, model_validator

from commands.people import GROUP_ID, clean_id, is_user_id
from commands.validation import Strict

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _clock_time(text: str, what: str) -> time:
    match = _CLOCK.match(text.strip())
    if match is None:
        raise ValueError(f"{what} {text!r} is not a time of day; write it as HH:MM, e.g. 17:00")
    return time(int(match.group(1)), int(match.group(2)))


def _clock_range(text: str, what: str) -> tuple[time, time]:
    first, sep, second = text.partition("-")
    if not sep:
        raise ValueError(
            f"{what} {text!r} is not a range; write it as HH:MM-HH:MM, e.g. 09:00-17:00"
        )
    return _clock_time(first, what), _clock_time(second, what)


class EscalationStep(Strict):
    """One step of the ack-reminder ladder: `after_minutes` past the response target,
    remind `notify` in the thread (primary, secondary, or the channel with @here)."""

    after_minutes: int = Field(ge=0, le=7 * 24 * 60)
    notify: Literal["primary", "secondary", "channel"]


def _default_escalation() -> list[EscalationStep]:
    return [
        EscalationStep(after_minutes=0, notify="primary"),
        EscalationStep(after_minutes=10, notify="secondary"),
        EscalationStep(after_minutes=20, notify="channel"),
    ]


class OnCallConfig(Strict):
    """The rotation from the guide: weekly, handoff Friday 17:00 in `slack.timezone`, weekday
    shifts in working hours and a weekend shift (Sat-Sun, 24 h standby)."""

    members: list[str] = Field(default_factory=list)  # Slack user IDs, in rotation order
    # Escalation targets, rotated like `members`; empty: the next member in the rotation.
    secondaries: list[str] = Field(default_factory=list)
    # The first handoff on or after this date starts the week of members[0].
    start: date = date(2026, 1, 2)
    handoff: str = "Fri 17:00"
    # Weekday shifts cover these hours Mon-Fri; the weekend shift runs from the end of
    # Friday's to the start of Monday's. Pages outside them go to the shift's primary.
    working_hours: str = "09:00-17:00"
    # Pages in these hours (local) count as night pages for fatigue monitoring.
    night_hours: str = "22:00-08:00"
    escalation: list[EscalationStep] = Field(default_factory=_default_escalation, min_length=1)
    update_reminder_minutes: int = Field(default=30, ge=0, le=24 * 60)  # 0: off
    postmortem_reminder_hours: int = Field(default=24, ge=0, le=24 * 30)  # 0: off
    # Where the handoff and every swap or cover is posted; empty: `slack.digest_channel`.
    channel: str = ""
    # Who may swap, cover or remove shifts that are not their own: user IDs or user groups
    # (S…). Members may always change the shifts they hold.
    admins: list[str] = Field(default_factory=list)

    @field_validator("members", "secondaries")
    @classmethod
    def _user_ids(cls, value: list[str]) -> list[str]:
        cleaned = [clean_id(v) for v in value]
        for given, user in zip(value, cleaned, strict=True):
            if not is_user_id(user):
                raise ValueError(
                    f"{given!r} is not a Slack user ID; use IDs like U0123ABCD "
                    "(in Slack: the person's profile, More, Copy member ID)"
                )
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("a person is listed twice; list each Slack user ID once")
        return cleaned

    @field_validator("admins")
    @classmethod
    def _people(cls, value: list[str]) -> list[str]:
        cleaned = [clean_id(v) for v in value]
        for given, person in zip(value, cleaned, strict=True):
            if not (is_user_id(person) or GROUP_ID.match(person)):
                raise ValueError(
                    f"{given!r} is neither a Slack user ID (U0123ABCD) nor a user group ID "
                    "(S0123ABCD)"
                )
        return cleaned

    @field_validator("handoff")
    @classmethod
    def _handoff(cls, value: str) -> str:
        day, _, clock = value.strip().partition(" ")
        if day[:3].title() not in _WEEKDAYS or len(day) < 3:
            raise ValueError(
                f"handoff {value!r} needs a weekday and a time, e.g. 'Fri 17:00' "
                f"(days: {', '.join(_WEEKDAYS)})"
            )
        _clock_time(clock, "handoff time")
        return f"{day[:3].title()} {clock.strip()}"

    @field_validator("working_hours", "night_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        _clock_range(value, "hours")
        return value.strip()

    @field_validator("escalation")
    @classmethod
    def _ascending(cls, value: list[EscalationStep]) -> list[EscalationStep]:
        minutes = [step.after_minutes for step in value]
        if minutes != sorted(set(minutes)):
            raise ValueError("escalation steps must have increasing after_minutes (0, 10, 20 ...)")
        return value

    @model_validator(mode="after")
    def _working_hours_order(self) -> "OnCallConfig":
        begin, end = self.working_range
        if end <= begin:
            raise ValueError(f"working_hours {self.working_hours!r} must end after it begins")
        return self

    @property
    def handoff_weekday(self) -> int:
        """0 = Monday."""
        return _WEEKDAYS.index(self.handoff.split(" ")[0])

    @property
    def handoff_time(self) -> time:
        return _clock_time(self.handoff.split(" ", 1)[1], "handoff time")

    @property
    def working_range(self) -> tuple[time, time]:
        return _clock_range(self.working_hours, "working_hours")

    @property
    def night_range(self) -> tuple[time, time]:
        return _clock_range(self.night_hours, "night_hours")
