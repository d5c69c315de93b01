"""The Slack messages a state change can owe, named for the outbox, and the threads they go to."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from storage import outbox
from storage.outbox import Op


class Gone(Exception):
    """What an owed message was about no longer exists; there is nothing to send."""


class Moot(Gone):
    """An owed message's reason passed before it could be sent (a reminder about an incident
    acknowledged meanwhile): it is dropped as superseded, not set aside as dead."""


class Template(StrEnum):
    INCIDENT_ANNOUNCEMENT = "incident.announcement"
    INCIDENT_TIMELINE = "incident.timeline"
    INCIDENT_POSTMORTEM_DRAFT = "incident.postmortem_draft"
    # The draft as a Markdown file, when it is longer than its message holds (else Moot).
    INCIDENT_POSTMORTEM_FILE = "incident.postmortem_file"
    ONCALL_ACK_REMINDER = "oncall.ack_reminder"
    ONCALL_UPDATE_REMINDER = "oncall.update_reminder"
    ONCALL_POSTMORTEM_REMINDER = "oncall.postmortem_reminder"
    ONCALL_HANDOFF = "oncall.handoff"
    ONCALL_CHANGE = "oncall.change"  # a swap or cover made or undone, in the on-call channel
    ALERT_GROUP = "alert.group"  # the alert group's parent message
    ALERT_CHANGE = "alert.change"  # a thread reply: alerts fired or resolved
    ALERT_EVENT = "alert.event"  # a thread reply: acknowledged, incident, silence
    SLO_STATUS_CHANGE = "slo.status_change"
    SLO_DIGEST = "slo.digest"  # the digest, or its summary when it is split in parts
    SLO_DIGEST_PART = "slo.digest_part"  # a part of a long digest, in the digest's thread
    SLO_CHART = "slo.chart"  # an upload: a digest's budget chart, in the digest's thread
    RUNBOOK_RUN = "runbook.run"
    RUNBOOK_STEP = "runbook.step"
    RUNBOOK_EVENT = "runbook.event"
    RUNBOOK_NOTIFY = "runbook.notify"
    HEALTH_CHANGE = "health.change"
    DELIVERY_FAILED = "delivery.failed"  # a line in place of a message Slack refused for good


def incident_ref(incident_id: str) -> str:
    """The outbox stream and message reference of an incident's announcement and thread."""
    return f"incident:{incident_id}"


def deadline_stream(incident_id: str) -> str:
    """A stream of its own for the refresh due at the response deadline, so that a message
    waiting for a future time never holds up the incident's thread."""
    return f"incident:{incident_id}:deadline"


def handoff_ref(key: str) -> str:
    """The outbox stream and message reference of one weekly handoff post."""
    return f"handoff:{key}"


def oncall_change_ref(group_id: str, action: str) -> str:
    """The message telling the on-call channel that an override was added or removed."""
    return f"oncall-change:{group_id}:{action}"


def alert_ref(group_id: int) -> str:
    """The outbox stream and message reference of an alert group's parent and thread."""
    return f"alert:{group_id}"


def digest_ref(slot: str) -> str:
    """The outbox stream and message reference of one daily digest (its charts in its thread)."""
    return f"digest:{slot}"


def slo_stream(key: str) -> str:
    return f"slo:{key}"


def runbook_ref(run_id: int) -> str:
    """The outbox reference of a runbook run's message (updated in place as it runs)."""
    return f"runbook:{run_id}"


def health_ref(target: str, episode: int) -> str:
    """The message announcing a health target's failure episode; the thread of its run."""
    return f"health:{target}:{episode}"


# Parent messages a run may reply under: an alert thread, an incident, a health episode.
THREAD_PREFIXES = ("alert:", "incident:", "health:")


@dataclass(frozen=True)
class Thread:
    """A message and its thread, as the outbox owes them. `ref` names the parent message (in
    `channel`); `stream` orders everything owed about it (default: `ref`); `args` go with
    every message. Messages are rendered when they are sent, from the state of then."""

    ref: str
    channel: str | None = None
    args: Mapping[str, object] = field(default_factory=dict)
    stream: str | None = None

    def on_stream(self, stream: str) -> "Thread":
        return replace(self, stream=stream)

    def _args(self, args: Mapping[str, object]) -> dict[str, Any]:
        return {**self.args, **args}

    def _owe(
        self,
        session: Session,
        op: Op,
        template: Template,
        now: datetime,
        args: Mapping[str, object],
        **where: str | None,
    ) -> int:
        return outbox.enqueue(
            session,
            stream=self.stream or self.ref,
            op=op,
            template=template,
            args=self._args(args),
            now=now,
            **where,
        )

    def post(self, session: Session, template: Template, now: datetime, **args: object) -> int:
        """The parent message, posted in the channel."""
        assert self.channel is not None, f"{self.ref}: a post needs a channel"
        return self._owe(session, Op.POST, template, now, args, ref=self.ref, channel=self.channel)

    def update(self, session: Session, template: Template, at: datetime, **args: object) -> int:
        """The parent message, rendered again and edited in place (at `at`)."""
        return self._owe(session, Op.UPDATE, template, at, args, ref=self.ref)

    def reply(self, session: Session, template: Template, now: datetime, **args: object) -> int:
        """A message in the thread."""
        return self.reply_as(session, None, template, now, **args)

    def reply_as(
        self, session: Session, ref: str | None, template: Template, now: datetime, **args: object
    ) -> int:
        """A message in the thread that `ref` names, for later updates."""
        return self._owe(session, Op.REPLY, template, now, args, thread_ref=self.ref, ref=ref)

    def upload(self, session: Session, template: Template, now: datetime, **args: object) -> int:
        """A file in the thread."""
        return self._owe(session, Op.UPLOAD, template, now, args, thread_ref=self.ref)
