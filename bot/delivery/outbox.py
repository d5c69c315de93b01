"""Outbox delivery: Slack messages owed by committed changes, sent in order, each once.

One replica at a time delivers (a lease in the database). Within a stream (an incident's
announcement and thread) messages go strictly in order; streams don't wait for each other.
Slack failures delay a message, never drop it: 429 honours Retry-After, 5xx and timeouts back
off exponentially, a revoked token waits for an operator. A message whose shape Slack
refuses goes out as plain text; one Slack refuses even so, or keeps refusing with an error
nobody knows, is set aside as dead, counted and logged, and a line takes its place in its
thread. How a message reaches Slack is bot/delivery/slack_writer.py.
"""

import itertools
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlmodel import Session

from bot import metrics
from bot.delivery.pacing import TokenBucket
from bot.delivery.render import NoticeRenderer
from bot.delivery.slack_writer import UPLOAD_METHOD, Refused, SlackWriter
from bot.slack.api import SlackFailure
from bot.slack.channels import ChannelDirectory
from bot.slack.directory import Directory
from commands.context import Context
from commands.notices import Gone, Moot, Template, Thread
from storage import leases
from storage import outbox as repo
from storage.db import DatabaseUnavailable
from storage.models import OutboxMessage, SlackMessage
from storage.outbox import Op

log = logging.getLogger(__name__)
# A generator of its own: spreading retries must not move anyone else's random state.
_jitter = random.Random()

# Marks a retry after a failed look-up: whether the earlier attempt landed is still unknown.
UNCERTAIN = "uncertain:"


class StillUncertain(Exception):
    """Whether an earlier attempt landed cannot be told yet; the message waits."""


LEASE_NAME = "outbox-delivery"
# Stream heads looked at per sweep: enough to reach every channel of a backlog, so that one
# channel waiting for its pace does not hide the others.
HEADS = 2000
# An `ok: false` error we do not know is tried this many times (over about ten minutes at
# the default backoff), then the message is set aside so the rest of its stream goes on.
MAX_REFUSALS = 5


class OutboxDelivery:
    def __init__(
        self,
        ctx: Context,
        client: WebClient,
        *,
        worker_id: str | None = None,
        interval: float = 1.0,
        max_backoff: float = 60.0,
        channel_rate: float = 1.0,
        channel_burst: float = 8.0,
        claim_seconds: float = 60.0,
        min_gap: float = 0.1,
        landing_window: float = 30.0,
    ) -> None:
        self.ctx = ctx
        self.landing_window = landing_window
        self.lookup_problem: str | None = None  # why earlier posts cannot be looked up
        self.client = client
        self.renderer = NoticeRenderer(ctx, names=Directory(client).name)
        self.channels = ChannelDirectory(client)
        self.writer = SlackWriter(client, self.channels)
        self.worker_id = worker_id or f"outbox-{uuid.uuid4().hex[:12]}"
        self.interval = interval
        self.max_backoff = max_backoff
        self.claim = timedelta(seconds=claim_seconds)
        self.bucket = TokenBucket(channel_rate, channel_burst)
        self._paused_until: dict[str, float] = {}  # Slack method -> monotonic time
        self._lease_until: datetime | None = None
        self._paced_until: float | None = None
        self._parents: dict[str, str] = {}  # message ref -> channel, once posted
        # Retries this process scheduled, by the monotonic clock: a wall clock set back
        # (an NTP step, a VM resumed) must not hold them for the length of the jump.
        self._retry_due: dict[int, float] = {}
        # Messages waiting out a Slack outage (5xx, no connection): the first delivery that
        # works again makes them due at once, instead of each sitting out its backoff.
        self._after_outage: set[int] = set()
        self.min_gap = min_gap
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_sweep_ok: float | None = None

    # --- running ------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="outbox-delivery", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        try:
            with self.ctx.db.session() as session:
                leases.release(session, LEASE_NAME, self.worker_id)
        except DatabaseUnavailable:
            pass

    def wake(self) -> None:
        """Deliver now rather than at the next interval (a change was just committed here)."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            started = time.monotonic()
            self._paced_until = None
            finished = 0
            try:
                finished = self.run_once()
                self.last_sweep_ok = time.monotonic()
            except DatabaseUnavailable as exc:
                log.warning("outbox: database unavailable: %s", exc)
            except Exception:
                log.exception("outbox: sweep failed")
            # Under a burst of changes every commit wakes us; sweeping after each one would
            # spend the CPU the requests need. After a sweep that delivered, sweep again at
            # most every few sweep-lengths; when everything due was held back by pacing, not
            # before a slot opens. A sweep that found nothing earns no rest: it may have been
            # slow only waiting for the database, and the next change should go out at once.
            duration = time.monotonic() - started
            rest = max(self.min_gap, 2 * duration) if finished else self.min_gap
            if not finished and self._paced_until is not None:
                rest = max(rest, self._paced_until - time.monotonic())
            if self._stop.wait(rest):
                return
            self._wake.wait(max(0.0, self.interval - rest))

    @property
    def healthy(self) -> bool:
        if self._thread is None or not self._thread.is_alive():
            return False
        return self.last_sweep_ok is not None and time.monotonic() - self.last_sweep_ok < max(
            30.0, self.interval * 5
        )

    # --- one sweep --------------------------------------------------------------------------
    def run_once(self, budget_seconds: float = 10.0) -> int:
        """Deliver what is due. Returns the number of messages finished (sent or set aside)."""
        started = time.monotonic()
        finished = 0
        while not self._stop.is_set() and time.monotonic() - started < budget_seconds:
            now = self.ctx.clock.now()
            if not self._hold_lease(now):
                return finished
            mono = time.monotonic()
            due_ids = [i for i, at in self._retry_due.items() if at <= mono]
            with self.ctx.db.reader() as session:
                heads = list(repo.stream_heads(session, now, limit=HEADS, due_ids=due_ids))
            progressed = 0
            held: set[str] = set()  # channels (and methods) with no slot left this sweep
            for head in self._round_robin(heads):
                if self._stop.is_set():
                    break
                if self._held_back(head, held):
                    continue
                progressed += self._deliver(head)
            finished += progressed
            if not progressed:
                break
        return finished

    def _round_robin(self, heads: list[OutboxMessage]) -> Iterator[OutboxMessage]:
        """The heads taken one channel at a time, in turn: a channel waiting for its pace
        holds up only itself. Within a channel the order stays (incidents first)."""
        by_channel: dict[str, list[OutboxMessage]] = {}
        for head in heads:
            by_channel.setdefault(self._pacing_key(head), []).append(head)
        for turn in itertools.zip_longest(*by_channel.values()):
            yield from (head for head in turn if head is not None)

    def _pacing_key(self, head: OutboxMessage) -> str:
        """What a message waits on: its channel's budget for posts and uploads, Slack's
        per-method limit for updates."""
        if head.op in (Op.POST, Op.REPLY, Op.UPLOAD):
            return self._channel_of(head) or f"stream:{head.stream}"
        return f"method:{self._method(head)}"

    def _held_back(self, head: OutboxMessage, held: set[str]) -> bool:
        """Slack said 429 for the method, or the channel has no slot now: leave the message
        for a later sweep without touching its row, and skip the rest of that channel."""
        method, key = self._method(head), self._pacing_key(head)
        if method in held or key in held:
            return True
        mono = time.monotonic()
        paused_until = self._paused_until.get(method, 0)
        if paused_until > mono:
            self._paced_until = min(self._paced_until or paused_until, paused_until)
            held.add(method)
            return True
        paced = method in ("chat.postMessage", UPLOAD_METHOD) and not key.startswith("stream:")
        if paced and not self.bucket.ready(key, mono):
            opens = mono + self.bucket.wait(key, mono)
            self._paced_until = min(self._paced_until or opens, opens)
            held.add(key)
            return True
        return False

    def _hold_lease(self, now: datetime) -> bool:
        """Hold the delivery lease, renewing it (a write) only when half of it has run out."""
        ttl = self.claim / 2
        if self._lease_until is not None and now < self._lease_until - ttl / 2:
            return True
        with self.ctx.db.session() as session:
            held = leases.acquire(session, LEASE_NAME, self.worker_id, now, ttl)
        self._lease_until = now + ttl if held else None
        return held

    def _channel_of(self, message: OutboxMessage) -> str | None:
        """The channel the message goes to, by ID once known: pacing counts a channel's posts
        (named `#alerts` in the config) and its thread replies (whose parents Slack placed
        in `C0123`) against one budget."""
        if message.op == Op.POST:
            return self.channels.known(message.channel) if message.channel else None
        ref = message.thread_ref or message.ref or ""
        if ref not in self._parents:
            with self.ctx.db.reader() as session:
                parent = repo.find_message(session, ref)
            if parent is None:
                return None
            if len(self._parents) > 10_000:
                self._parents.clear()
            self._parents[ref] = parent.channel
        return self._parents[ref]

    def _method(self, message: OutboxMessage) -> str:
        if message.op == Op.UPLOAD:
            return UPLOAD_METHOD
        return "chat.update" if message.op == Op.UPDATE else "chat.postMessage"

    def _deliver(self, head: OutboxMessage) -> int:
        now = self.ctx.clock.now()
        # Slack may have taken the post even though we never heard back: after a crash
        # mid-send or a timeout, look for it before posting again.
        last_error = head.last_error or ""
        uncertain = (
            head.state == repo.SENDING
            or last_error.endswith(": timeout")
            or last_error.startswith(UNCERTAIN)
        )
        with self.ctx.db.session() as session:
            if not repo.claim(session, head.id, self.worker_id, now, self.claim):
                return 0
        try:
            return self._send(head, uncertain)
        except StillUncertain:
            return 0  # looked for again later
        except Refused as refused:
            return self._set_aside(head, refused.failure, "also as plain text")
        except SlackFailure as failure:
            return self._failed(head, failure)
        except Moot as moot:
            log.info("outbox: message %s no longer needed: %s", head.id, moot)
            self._finish(head, superseded=True)
            return 1
        except Gone as gone:
            self._finish(head, dead=f"gone: {gone}")
            return 1
        except DatabaseUnavailable:
            raise
        except Exception as exc:
            log.exception("outbox: message %s could not be prepared", head.id)
            self._retry(head, f"internal: {type(exc).__name__}", self._backoff(head.attempts + 1))
            return 0

    def _send(self, message: OutboxMessage, uncertain: bool) -> int:
        assert message.id is not None
        with self.ctx.db.reader() as session:
            superseded = message.op == Op.UPDATE and repo.has_later_update(session, message)
            # A reply or an upload names its parent in thread_ref; a reply's own ref (if any)
            # is for later updates.
            parent_ref = message.thread_ref if message.op in (Op.REPLY, Op.UPLOAD) else message.ref
            target = repo.find_message(session, parent_ref or "")
        if superseded:
            self._finish(message, superseded=True)
            return 1
        if message.op in (Op.UPDATE, Op.REPLY) and target is None:
            return self._parent_missing(message)
        if message.op == Op.UPLOAD and target is None and message.thread_ref:
            return self._parent_missing(message)
        payload = self.renderer.render(message.template, message.args)
        if message.op == Op.UPLOAD:
            return self._send_upload(message, target, payload["upload"], uncertain)
        if message.op == Op.UPDATE:
            assert target is not None
            self.writer.update(message, target.channel, target.ts, payload)
            self._finish(message, ts=target.ts)
            return 1
        channel = target.channel if message.op == Op.REPLY and target else message.channel
        if channel is None:
            raise Gone("message without a channel")
        thread_ts = target.ts if message.op == Op.REPLY and target else None
        if uncertain:
            found = self._earlier(
                message, lambda: self.writer.find_post(message, channel, thread_ts)
            )
            if found is not None:
                log.info("outbox: message %s was already posted (ts %s)", message.id, found)
                self._finish(message, ts=found, channel=channel)
                return 1
        wait = self.bucket.take(self.channels.known(channel), time.monotonic())
        if wait > 0:
            self._retry(message, None, wait)
            return 0
        response = self.writer.post(message, channel, thread_ts, payload)
        if response.get("channel"):
            self.channels.learn(channel, str(response["channel"]))
            self.bucket.merge(channel, self.channels.known(channel))
        self._finish(
            message, ts=str(response.get("ts")), channel=str(response.get("channel") or channel)
        )
        return 1

    def _send_upload(
        self, message: OutboxMessage, target: SlackMessage | None, upload: dict, uncertain: bool
    ) -> int:
        """Upload a file into the parent's thread (or to the message's channel)."""
        # The outbox ID in the file name lets a retry find an upload Slack already took.
        stem, dot, suffix = str(upload["filename"]).rpartition(".")
        filename = f"{stem}-{message.id}.{suffix}" if dot else f"{upload['filename']}-{message.id}"
        channel = target.channel if target else message.channel
        if channel is None:
            raise Gone("upload without a channel")
        channel_id = self.channels.resolve(channel)
        if channel_id is None:
            raise SlackFailure(UPLOAD_METHOD, "unavailable", f"cannot resolve {channel}")
        thread_ts = target.ts if target else None
        if uncertain:
            found = self._earlier(
                message, lambda: self.writer.find_upload(message, channel_id, thread_ts, filename)
            )
            if found is not None:
                log.info("outbox: file %s was already uploaded (%s)", message.id, found)
                self._finish(message, ts=found)
                return 1
        wait = self.bucket.take(channel, time.monotonic())
        if wait > 0:
            self._retry(message, None, wait)
            return 0
        self._finish(message, ts=self.writer.upload(channel_id, thread_ts, filename, upload))
        return 1

    def _parent_missing(self, message: OutboxMessage) -> int:
        ref = message.ref if message.op == Op.UPDATE else message.thread_ref
        with self.ctx.db.reader() as session:
            parent_dead = repo.post_is_dead(session, ref or "")
        if parent_dead or ref is None:
            self._finish(message, dead=f"parent message {ref} was never posted")
            return 1
        # The parent is in another stream or not yet delivered: try again shortly.
        self._retry(message, "waiting for the parent message", 1.0)
        return 0

    # --- bookkeeping -------------------------------------------------------------------------
    def _backoff(self, attempts: int) -> float:
        base = min(self.max_backoff, 0.5 * 2 ** max(0, attempts - 1))
        return base * _jitter.uniform(0.8, 1.2)

    def _failed(self, message: OutboxMessage, failure: SlackFailure) -> int:
        attempts = message.attempts + 1
        if failure.kind == "rate_limited":
            delay = failure.retry_after or 1.0
            paused = self._method(message) if message.op == Op.UPLOAD else failure.method
            self._paused_until[paused] = time.monotonic() + delay
            log.info("outbox: %s rate limited; waiting %.1fs", failure.method, delay)
            self._retry(message, str(failure), delay)
            return 0
        if failure.kind == "shape":
            return self._set_aside(message, failure, "as sent")
        if failure.kind == "permanent":
            log.error("outbox: Slack refused message %s for good: %s", message.id, failure)
            self._finish(message, dead=str(failure))
            return 1
        if failure.kind == "unknown":
            if message.refusals + 1 >= MAX_REFUSALS:
                return self._set_aside(message, failure, f"{MAX_REFUSALS} times")
            delay = self._refusal_backoff(message.refusals + 1)
            log.warning(
                "outbox: Slack refused message %s with %s (%d of %d); trying again in %.0fs",
                message.id,
                failure,
                message.refusals + 1,
                MAX_REFUSALS,
                delay,
            )
            self._retry(message, str(failure), delay, refused=True)
            return 0
        if failure.kind == "operator":
            log.error("outbox: %s; fix the Slack app or token, the message waits", failure)
            self._retry(message, str(failure), self.max_backoff)
            return 0
        delay = self._backoff(attempts)
        if failure.error == "timeout":
            # Slack may still be working on the request: give it time to land, so the
            # look-up before the next attempt can find it instead of posting twice.
            delay = max(delay, self.landing_window, 2.0 * float(self.client.timeout))
        else:
            if message.op in (Op.POST, Op.REPLY, Op.UPLOAD):
                self.bucket.refund(self._pacing_key(message))
            if len(self._after_outage) < 10_000:
                self._after_outage.add(message.id)
        log.warning("outbox: %s; retrying message %s in %.1fs", failure, message.id, delay)
        self._retry(message, str(failure), delay)
        return 0

    def _earlier(self, message: OutboxMessage, look: Callable[[], str | None]) -> str | None:
        """What an earlier attempt of `message` left in Slack (its ts or file ID), found by
        `look`; None when the look-up found nothing, or can never work. A look-up failing for
        now schedules another try and raises StillUncertain: nothing is sent meanwhile."""
        try:
            return look()
        except SlackFailure as failure:
            if self._lookup_never_works(failure):
                return None
            delay = max(self._backoff(message.attempts + 1), self.landing_window / 4)
            self._retry(message, f"{UNCERTAIN} {failure}", delay)
            raise StillUncertain(str(failure)) from failure

    def _lookup_never_works(self, failure: SlackFailure) -> bool:
        """A look-up refused for good (a missing scope, a channel the bot cannot read): said
        once in the log and in /health/ready, and then the post goes ahead, since it would
        otherwise never be delivered."""
        if failure.kind not in ("operator", "permanent", "not_in_channel"):
            return False
        problem = f"{failure.method}: {failure.error}"
        if self.lookup_problem != problem:
            self.lookup_problem = problem
            log.error(
                "outbox: cannot look for earlier posts (%s), so a post that timed out may be "
                "repeated; give the app the channels:history and groups:history scopes",
                problem,
            )
        return True

    def _refusal_backoff(self, refusals: int) -> float:
        """15 s, 30 s, 1 min, 2 min (at the default max_backoff of 60 s): about ten minutes
        in all before a message Slack keeps refusing is set aside."""
        return min(4 * self.max_backoff, self.max_backoff / 4 * 2 ** max(0, refusals - 1))

    def _set_aside(self, message: OutboxMessage, failure: SlackFailure, how: str) -> int:
        """Dead, counted, logged with Slack's error, and a line in the thread in its place."""
        log.error(
            "outbox: message %s (%s %s) set aside: Slack refused it %s (%s)",
            message.id,
            message.op,
            message.template,
            how,
            failure,
        )
        self._finish(message, dead=str(failure), notice=failure.error)
        return 1

    def _retry(
        self, message: OutboxMessage, error: str | None, delay: float, *, refused: bool = False
    ) -> None:
        at = self.ctx.clock.now() + timedelta(seconds=delay)
        if len(self._retry_due) > 10_000:
            self._retry_due.clear()  # the wall-clock time in the database still holds
        self._retry_due[message.id] = time.monotonic() + delay
        with self.ctx.db.session() as session:
            repo.mark_retry(
                session,
                message.id,
                self.worker_id,
                at,
                error,
                refund=error is None,
                refused=refused,
            )

    def _slack_is_back(self) -> None:
        """A message went through: those waiting out the outage are due now (pacing still
        spaces them), and the sweep goes on without sitting out their backoffs."""
        if not self._after_outage:
            return
        now = time.monotonic()
        for message_id in self._after_outage:
            if message_id in self._retry_due:
                self._retry_due[message_id] = now
        self._after_outage.clear()

    def _finish(
        self,
        message: OutboxMessage,
        *,
        ts: str | None = None,
        channel: str | None = None,
        dead: str | None = None,
        notice: str | None = None,
        superseded: bool = False,
    ) -> None:
        now = self.ctx.clock.now()
        self._retry_due.pop(message.id, None)
        self._after_outage.discard(message.id)
        with self.ctx.db.session() as session:
            if dead is not None:
                marked = repo.mark_dead(session, message.id, self.worker_id, dead, now)
                if marked and notice is not None:
                    _owe_notice(session, message, notice, now)
                return
            if superseded:
                repo.mark_superseded(session, message.id, self.worker_id, now)
                return
            if message.op in (Op.POST, Op.REPLY) and message.ref and ts and channel:
                repo.record_message(session, message.ref, channel, ts, now)
            repo.mark_sent(session, message.id, self.worker_id, now, ts)
        self._slack_is_back()
        metrics.OUTBOX_DELIVERED.labels(op=message.op).inc()
        metrics.OUTBOX_DELIVERY_SECONDS.observe(
            max(0.0, (now - message.created_at).total_seconds())
        )


def _owe_notice(session: Session, message: OutboxMessage, error: str, now: datetime) -> None:
    """A line where the refused message would have been: in its thread, or in its channel
    when it was the thread's first message. A notice refused in turn gets none."""
    if message.template == Template.DELIVERY_FAILED:
        return
    args = {"outbox_id": message.id, "error": error[:80], "op": message.op}
    parent = message.ref if message.op == Op.UPDATE else message.thread_ref
    if parent:
        Thread(parent, args=args, stream=message.stream).reply(
            session, Template.DELIVERY_FAILED, now
        )
    elif message.channel:
        repo.enqueue(
            session,
            op=Op.POST,
            stream=message.stream,
            channel=message.channel,
            template=Template.DELIVERY_FAILED,
            args=args,
            now=now,
        )
