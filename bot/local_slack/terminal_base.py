"""How the terminal shows the workspace: messages, ephemerals and modals as they arrive
(a part of the terminal)."""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.local_slack import objects
from bot.local_slack.api import LocalSlackServer
from bot.local_slack.mentions import escaped_commands
from bot.local_slack.objects import Channel, Ephemeral, Event, Message, ResponseDelivery, User, View
from bot.local_slack.render import render_message, text_of
from bot.local_slack.workspace import Workspace
from commands.clock import Clock, SystemClock

HTTP_TIMEOUT = 10.0
SLACK_ACK_DEADLINE = 3.0  # Slack gives up on a slash command or interaction after 3 s
QUIET = 0.5  # no Slack API activity for this long after the bot answered: no modal is coming
VERIFICATION_TOKEN = "local-verification-token"  # the deprecated `token` field Slack still sends


class EndOfInput(Exception):
    pass


@dataclass(frozen=True)
class Button:
    kind: str  # message | ephemeral | view
    where: str  # channel ID, or view ID
    ts: str | None
    block_id: str | None
    action_id: str | None


def find_element(blocks: list[dict[str, Any]], button: Button) -> dict[str, Any] | None:
    for block in blocks:
        if block.get("block_id") != button.block_id:
            continue
        candidates = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            candidates.append(block["accessory"])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == button.action_id:
                return element
    return None


class Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def red(self, text: str) -> str:
        return self._wrap("31", text)

    def cyan(self, text: str) -> str:
        return self._wrap("1;36", text)

    def numbers(self, line: str) -> str:
        if not self.enabled:
            return line
        return re.sub(r"\[(\d+)\]", lambda m: self._wrap("1;33", m.group(0)), line)


def isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@dataclass(frozen=True)
class BotLink:
    """Where what a person does in the local Slack goes: the bot's Slack endpoint, signed with
    the bot's secret, as the workspace's own requests."""

    workspace: Workspace
    server: LocalSlackServer
    events_url: str
    signing_secret: str
    clock: Clock = field(default_factory=SystemClock)


class TerminalBase:
    """The terminal's state, how it shows the workspace, and how it talks to the bot."""

    def __init__(
        self,
        link: BotLink,
        *,
        stdin: TextIO,
        stdout: TextIO,
        user_name: str,
        channel: str | None,
        modal_wait: float = 3.0,
    ) -> None:
        workspace = self.ws = link.workspace
        self.clock = link.clock
        self.server = link.server
        self.events_url = link.events_url
        self.verifier = SignatureVerifier(link.signing_secret)
        self.stdin = stdin
        self.stdout = stdout
        self.team_id = workspace.team_id
        self.api_app_id = workspace.app_id
        self.modal_wait = modal_wait
        self.interactive = isatty(stdin) and isatty(stdout)
        self.style = Style(isatty(stdout))
        self.lock = threading.RLock()
        self.prompt: str | None = None
        self.buttons: dict[int, Button] = {}
        self.awaiting: set[str] = set()
        self.escaped = escaped_commands()
        user = workspace.user(user_name)
        if user is None:
            raise ValueError(f"bad user name {user_name!r}")
        self.user: User = user
        first = channel or next((c.name for c in workspace.channels() if not c.is_im), "general")
        found = workspace.channel(first)
        if found is None:
            raise ValueError(f"bad channel {first!r}")
        self.channel: Channel = found

    # ---- output

    def out(self, *lines: str) -> None:
        with self.lock:
            if self.interactive and self.prompt is not None:
                self.stdout.write("\r\x1b[K")
            for line in lines:
                self.stdout.write(line + "\n")
            if self.interactive and self.prompt is not None:
                self.stdout.write(self.prompt + self._line_buffer())
            self.stdout.flush()

    def notice(self, text: str) -> None:
        """One line above the prompt, for something that needs attention."""
        self.out(self.style.red(f"! {text}"))

    def _line_buffer(self) -> str:
        readline = sys.modules.get("readline")
        if readline is not None and self.stdin is sys.stdin:
            return str(readline.get_line_buffer())
        return ""

    def read(self, prompt: str) -> str:
        """One line of input without its newline; raises EndOfInput at EOF."""
        if self.interactive:
            with self.lock:
                self.prompt = prompt
            try:
                if self.stdin is sys.stdin and self.stdout is sys.stdout:
                    line = input(prompt)
                else:
                    with self.lock:
                        self.stdout.write(prompt)
                        self.stdout.flush()
                    line = self.stdin.readline()
                    if not line:
                        raise EOFError
            except EOFError:
                raise EndOfInput from None
            finally:
                with self.lock:
                    self.prompt = None
            return line.rstrip("\r\n")
        line = self.stdin.readline()
        if not line:
            raise EndOfInput
        line = line.rstrip("\r\n")
        self.out(f"{prompt}{line}")
        return line

    def names(self, object_id: str) -> str | None:
        return self.ws.name_of(object_id)

    def _numberer(self, kind: str, where: str, ts: str | None) -> Callable[..., int]:
        def number(block_id: str | None, element: dict[str, Any]) -> int:
            with self.lock:
                n = len(self.buttons) + 1
                self.buttons[n] = Button(kind, where, ts, block_id, element.get("action_id"))
                return n

        return number

    def channel_label(self, channel_id: str) -> str:
        channel = self.ws.channel(channel_id, create=False)
        if channel is None:
            return channel_id
        return f"@{channel.name} (DM)" if channel.is_im else f"#{channel.name}"

    def _sender(self, user_id: str | None, username: str | None) -> str:
        return username or (self.names(user_id) if user_id else None) or "someone"

    @staticmethod
    def _clock(ts: str) -> str:
        return datetime.fromtimestamp(float(ts)).strftime("%H:%M:%S")

    def message_lines(self, message: Message, note: str = "") -> list[str]:
        s = self.style
        body = render_message(
            message.text,
            message.blocks,
            files=message.files,
            names=self.names,
            number=self._numberer("message", message.channel, message.ts),
        )
        for attachment in message.attachments:
            body.extend(
                render_message(
                    attachment.get("text") or attachment.get("fallback") or "",
                    attachment.get("blocks"),
                    names=self.names,
                )
            )
        sender = s.bold(self._sender(message.user, message.username))
        head = f"{sender} · {self._clock(message.ts)} · ts={message.ts}{note}"
        channel = s.cyan(self.channel_label(message.channel))
        if message.is_reply:
            lines = [f"{channel}  ↳ thread of {message.thread_ts}", f"    {head}"]
            return lines + [f"    {s.numbers(line)}" for line in body]
        return [f"{channel}  {head}"] + [f"  {s.numbers(line)}" for line in body]

    def ephemeral_lines(self, ephemeral: Ephemeral, edited: bool = False) -> list[str]:
        s = self.style
        body = render_message(
            ephemeral.text,
            ephemeral.blocks,
            names=self.names,
            number=self._numberer("ephemeral", ephemeral.channel, ephemeral.ts),
        )
        whom = "you" if ephemeral.user == self.user.id else "@" + (self.names(ephemeral.user) or "")
        note = s.dim(f"(only visible to {whom})") + (" (edited)" if edited else "")
        head = (
            f"{s.bold(self._sender(self.ws.bot.id, None))} · {self._clock(ephemeral.ts)} · {note}"
        )
        thread = f"  ↳ thread of {ephemeral.thread_ts}" if ephemeral.thread_ts else ""
        lines = [f"{s.cyan(self.channel_label(ephemeral.channel))}{thread}  {head}"]
        return lines + [f"  {s.numbers(line)}" for line in body]

    # ---- workspace events (arrive on the API server's threads)

    def on_event(self, event: Event) -> None:
        with self.lock:
            lines = self._event_lines(event)
            if lines:
                self.out("", *lines)

    def _event_lines(self, event: Event) -> list[str]:
        item = event.item
        if event.kind == objects.MESSAGE_POSTED:
            return self.message_lines(item)
        if event.kind == objects.MESSAGE_UPDATED:
            return self.message_lines(item, self.style.dim(" (edited)"))
        if event.kind == objects.MESSAGE_DELETED:
            return [f"{self.style.cyan(self.channel_label(item.channel))}  (deleted {item.ts})"]
        if event.kind == objects.EPHEMERAL_POSTED:
            return self.ephemeral_lines(item)
        if event.kind == objects.EPHEMERAL_UPDATED:
            return self.ephemeral_lines(item, edited=True)
        if event.kind == objects.EPHEMERAL_DELETED:
            return [f"{self.style.cyan(self.channel_label(item.channel))}  (removed {item.ts})"]
        if event.kind in (objects.VIEW_OPENED, objects.VIEW_PUSHED):
            view: View = item
            if view.trigger_id in self.awaiting:
                return []
            title = text_of(view.view.get("title"))
            return [f"(modal {view.id} “{title}” opened — type `modal {view.id}` to fill it in)"]
        if event.kind == objects.RESPONSE_POSTED:
            delivery: ResponseDelivery = item
            if delivery.context is not None:
                return []
            body = render_message(
                str(delivery.payload.get("text") or ""),
                delivery.payload.get("blocks"),
                names=self.names,
            )
            return [f"(response_url {delivery.key})"] + [f"  {line}" for line in body]
        return []

    # ---- talking to the bot

    def user_object(self) -> dict[str, Any]:
        return {
            "id": self.user.id,
            "username": self.user.name,
            "name": self.user.name,
            "team_id": self.team_id,
        }

    def team_object(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": self.ws.team_domain}

    def post(
        self, body: str, content_type: str = "application/x-www-form-urlencoded"
    ) -> tuple[int, bytes, float] | str:
        """POST a signed Slack request; (status, body, seconds taken) or an error text."""
        # Signed at the bot's time, which is the machine's unless SRE_BOT_NOW moved it.
        timestamp = str(int(self.clock.now().timestamp()))
        signature = self.verifier.generate_signature(timestamp=timestamp, body=body) or ""
        request = urllib.request.Request(
            self.events_url,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature,
                "User-Agent": "Slackbot 1.0 (local)",
            },
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
                result: tuple[int, bytes, float] | str = (
                    response.status,
                    response.read(),
                    time.monotonic() - started,
                )
        except urllib.error.HTTPError as e:
            result = e.code, e.read(), time.monotonic() - started
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            result = f"could not reach the bot at {self.events_url}: {reason}"
        # Show what the bot posted while handling the request before its answer.
        self.ws.flush()
        return result

    def post_payload(self, payload: dict[str, Any]) -> tuple[int, bytes, float] | None:
        result = self.post(urlencode({"payload": json.dumps(payload, ensure_ascii=False)}))
        return self._check(result, payload.get("type", "interaction"))

    def _check(
        self, result: tuple[int, bytes, float] | str, what: str
    ) -> tuple[int, bytes, float] | None:
        s = self.style
        if isinstance(result, str):
            self.out(s.red(f"! {result}"))
            return None
        status, body, took = result
        if took > SLACK_ACK_DEADLINE:
            self.out(s.red(f"! the bot took {took:.1f} s to answer {what}; Slack waits 3 s"))
        if not 200 <= status < 300:
            text = body.decode("utf-8", "replace").strip()
            self.out(s.red(f"! {what} → HTTP {status}" + (f": {text}" if text else "")))
            return None
        return result

    def await_view(self, trigger_id: str, answered: float) -> View | None:
        """The modal the bot opens with `trigger_id`, if it does: wait until it appears, the bot has
        been quiet for QUIET seconds, or `modal_wait` seconds passed."""
        deadline = answered + self.modal_wait
        with self.ws.condition:
            while True:
                view = self.ws.view_for_trigger(trigger_id)
                now = time.monotonic()
                if view is not None or now >= deadline:
                    return view
                busy, last = self.server.activity()
                idle = now - max(last, answered)
                if not busy and idle >= QUIET:
                    return None
                wait = deadline - now if busy else min(deadline - now, QUIET - idle)
                self.ws.condition.wait(wait)

    def action(self, element: dict[str, Any], block_id: str | None) -> dict[str, Any]:
        action = {
            "type": element.get("type", "button"),
            "action_id": element.get("action_id"),
            "block_id": block_id,
            "text": element.get("text"),
            "action_ts": self.ws.new_ts(),
        }
        for key in ("value", "style", "url"):
            if key in element:
                action[key] = element[key]
        return action

    def confirm(self, element: dict[str, Any]) -> bool:
        dialog = element.get("confirm")
        if not isinstance(dialog, dict):
            return True
        self.out(f"{text_of(dialog.get('title'))}: {text_of(dialog.get('text'), self.names)}")
        yes = text_of(dialog.get("confirm")) or "yes"
        no = text_of(dialog.get("deny")) or "no"
        answer = self.read(f"{yes}? [y/N] ").strip().lower()
        if answer in ("y", "yes", yes.lower()):
            return True
        self.out(f"({no})")
        return False
