"""A terminal in which a person plays Slack against the running bot (`sre-bot dev`).

What the bot posts to the local Slack is printed as it arrives. Slash commands, button presses and
modal forms are sent to the bot's HTTP endpoint as Slack sends them: same bodies, same signature.
Works on a plain pipe too (no prompts, input echoed), which is how the tests drive it.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.local_slack import workspace as ws_events
from bot.local_slack.api import LocalSlackServer
from bot.local_slack.render import render_blocks, render_message, text_of
from bot.local_slack.workspace import (
    Channel,
    Ephemeral,
    Event,
    Message,
    ResponseDelivery,
    SlackError,
    User,
    View,
    Workspace,
)
from commands.clock import Clock, SystemClock

HTTP_TIMEOUT = 10.0
SLACK_ACK_DEADLINE = 3.0  # Slack gives up on a slash command or interaction after 3 s
QUIET = 0.5  # no Slack API activity for this long after the bot answered: no modal is coming
VERIFICATION_TOKEN = "local-verification-token"  # the deprecated `token` field Slack still sends

HELP = """\
  /command text   run a slash command in the current channel, e.g. /incident create sev2 ...
  N               press button [N]
  as NAME         act as user NAME (created if new)
  channel NAME    switch to channel NAME (created if new)
  history         print the current channel again
  thread TS       print a thread again
  modal [ID]      fill in an open modal (the latest one by default)
  help            this help
  quit            leave the terminal
  In a modal: answer each field (empty keeps the default shown, '-' clears an optional one),
  then 'submit', 'cancel', 'edit' or a button number."""


class _EndOfInput(Exception):
    pass


@dataclass(frozen=True)
class _Button:
    kind: str  # message | ephemeral | view
    where: str  # channel ID, or view ID
    ts: str | None
    block_id: str | None
    action_id: str | None


def _find_element(blocks: list[dict[str, Any]], button: _Button) -> dict[str, Any] | None:
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


class _Style:
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


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _Terminal:
    def __init__(
        self,
        workspace: Workspace,
        server: LocalSlackServer,
        events_url: str,
        signing_secret: str,
        *,
        stdin: TextIO,
        stdout: TextIO,
        user_name: str,
        team_id: str,
        api_app_id: str,
        channel: str | None,
        modal_wait: float,
        clock: Clock,
    ) -> None:
        self.ws = workspace
        self.clock = clock
        self.server = server
        self.events_url = events_url
        self.verifier = SignatureVerifier(signing_secret)
        self.stdin = stdin
        self.stdout = stdout
        self.team_id = team_id
        self.api_app_id = api_app_id
        self.modal_wait = modal_wait
        self.interactive = _isatty(stdin) and _isatty(stdout)
        self.style = _Style(_isatty(stdout))
        self.lock = threading.RLock()
        self.prompt: str | None = None
        self.buttons: dict[int, _Button] = {}
        self.awaiting: set[str] = set()
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

    def _line_buffer(self) -> str:
        readline = sys.modules.get("readline")
        if readline is not None and self.stdin is sys.stdin:
            return str(readline.get_line_buffer())
        return ""

    def read(self, prompt: str) -> str:
        """One line of input without its newline; raises _EndOfInput at EOF."""
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
                raise _EndOfInput from None
            finally:
                with self.lock:
                    self.prompt = None
            return line.rstrip("\r\n")
        line = self.stdin.readline()
        if not line:
            raise _EndOfInput
        line = line.rstrip("\r\n")
        self.out(f"{prompt}{line}")
        return line

    def names(self, object_id: str) -> str | None:
        return self.ws.name_of(object_id)

    def _numberer(self, kind: str, where: str, ts: str | None) -> Callable[..., int]:
        def number(block_id: str | None, element: dict[str, Any]) -> int:
            with self.lock:
                n = len(self.buttons) + 1
                self.buttons[n] = _Button(kind, where, ts, block_id, element.get("action_id"))
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
        if event.kind == ws_events.MESSAGE_POSTED:
            return self.message_lines(item)
        if event.kind == ws_events.MESSAGE_UPDATED:
            return self.message_lines(item, self.style.dim(" (edited)"))
        if event.kind == ws_events.MESSAGE_DELETED:
            return [f"{self.style.cyan(self.channel_label(item.channel))}  (deleted {item.ts})"]
        if event.kind == ws_events.EPHEMERAL_POSTED:
            return self.ephemeral_lines(item)
        if event.kind == ws_events.EPHEMERAL_UPDATED:
            return self.ephemeral_lines(item, edited=True)
        if event.kind == ws_events.EPHEMERAL_DELETED:
            return [f"{self.style.cyan(self.channel_label(item.channel))}  (removed {item.ts})"]
        if event.kind in (ws_events.VIEW_OPENED, ws_events.VIEW_PUSHED):
            view: View = item
            if view.trigger_id in self.awaiting:
                return []
            title = text_of(view.view.get("title"))
            return [f"(modal {view.id} “{title}” opened — type `modal {view.id}` to fill it in)"]
        if event.kind == ws_events.RESPONSE_POSTED:
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

    def post(self, body: str) -> tuple[int, bytes, float] | str:
        """POST a signed Slack request; (status, body, seconds taken) or an error text."""
        # Signed at the bot's time, which is the machine's unless SRE_BOT_NOW moved it.
        timestamp = str(int(self.clock.now().timestamp()))
        signature = self.verifier.generate_signature(timestamp=timestamp, body=body) or ""
        request = urllib.request.Request(
            self.events_url,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
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

    def _after_request(self, trigger_id: str) -> None:
        """Show the modal the bot opens in answer to a request (`trigger_id` is awaited)."""
        view = self.await_view(trigger_id, time.monotonic())
        self.ws.flush()  # while the trigger is still awaited, so the view is not announced
        self.awaiting.discard(trigger_id)
        if view is not None and not view.closed:
            self.run_modal(view)

    # ---- commands

    def slash_command(self, line: str) -> None:
        command, _, text = line.partition(" ")
        channel, user = self.channel, self.user
        key = secrets.token_hex(8)
        self.ws.register_response_url(key, channel=channel.id, user=user.id)
        trigger_id = self.ws.issue_trigger(user.id)
        self.awaiting.add(trigger_id)
        form = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "team_domain": self.ws.team_domain,
            "channel_id": channel.id,
            "channel_name": "directmessage" if channel.is_im else channel.name,
            "user_id": user.id,
            "user_name": user.name,
            "command": command,
            "text": text.strip(),
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self.server.response_url(key),
            "trigger_id": trigger_id,
        }
        result = self._check(self.post(urlencode(form)), command)
        if result is not None:
            self._show_command_answer(line, result[1])
            self._after_request(trigger_id)
        self.awaiting.discard(trigger_id)

    def _show_command_answer(self, line: str, body: bytes) -> None:
        raw = body.decode("utf-8", "replace").strip()
        if not raw:
            return
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = {"text": raw}
        if not isinstance(answer, dict):
            answer = {"text": raw}
        text, blocks = str(answer.get("text") or ""), answer.get("blocks")
        if not text and not blocks:
            return
        try:
            if answer.get("response_type") == "in_channel":
                self.ws.post_message(self.channel.id, line, user=self.user.id)
                self.ws.post_message(self.channel.id, text, blocks=blocks)
            else:
                self.ws.post_ephemeral(self.channel.id, self.user.id, text, blocks=blocks)
        except SlackError as e:
            self.out(self.style.red(f"! the bot's answer could not be shown: {e.error}"))

    def press(self, number: int) -> None:
        with self.lock:
            button = self.buttons.get(number)
        if button is None:
            self.out(f"no button [{number}]")
            return
        if button.kind == "view":
            self.out(f"[{number}] is in modal {button.where}: type `modal {button.where}`")
            return
        ephemeral = button.kind == "ephemeral"
        found: Message | Ephemeral | None
        if ephemeral:
            found = self.ws.ephemeral(button.ts or "")
        else:
            found = self.ws.message(button.where, button.ts or "")
        element = _find_element(found.blocks, button) if found is not None else None
        if found is None or element is None:
            self.out(f"button [{number}] is gone (its message changed); press a newer number")
            return
        if not self.confirm(element):
            return
        channel = self.ws.channel(found.channel, create=False)
        thread_ts = found.thread_ts if ephemeral or found.is_reply else None  # type: ignore[union-attr]
        key = secrets.token_hex(8)
        self.ws.register_response_url(
            key,
            channel=found.channel,
            user=self.user.id,
            message_ts=found.ts,
            is_ephemeral=ephemeral,
            thread_ts=thread_ts,
        )
        trigger_id = self.ws.issue_trigger(self.user.id)
        self.awaiting.add(trigger_id)
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self.user_object(),
            "api_app_id": self.api_app_id,
            "token": VERIFICATION_TOKEN,
            "container": {
                "type": "message",
                "message_ts": found.ts,
                "channel_id": found.channel,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": trigger_id,
            "team": self.team_object(),
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": found.channel, "name": channel.name if channel else found.channel},
            "state": {"values": {}},
            "response_url": self.server.response_url(key),
            "actions": [self.action(element, button.block_id)],
        }
        if isinstance(found, Message):
            # Slack leaves `message` out for ephemeral messages, which are not stored.
            payload["message"] = self.ws.message_payload(found)
        if self.post_payload(payload) is not None:
            self._after_request(trigger_id)
        self.awaiting.discard(trigger_id)

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

    def switch_user(self, name: str) -> None:
        user = self.ws.user(name) if name else None
        if user is None:
            self.out(f"no such user {name!r}")
            return
        self.user = user
        self.out(f"you are now @{user.name} ({user.id})")

    def switch_channel(self, name: str) -> None:
        channel = self.ws.channel(name) if name else None
        if channel is None:
            self.out(f"no such channel {name!r}")
            return
        self.channel = channel
        self.out(f"now in {self.channel_label(channel.id)} ({channel.id})")

    def history(self) -> None:
        messages = self.ws.messages(self.channel.id)
        if not messages:
            self.out(f"{self.channel_label(self.channel.id)} has no messages yet")
            return
        with self.lock:
            for message in messages:
                lines = self.message_lines(message)
                replies = len(self.ws.thread(message.channel, message.ts)) - 1
                if replies > 0:
                    lines.append(f"  ↳ {replies} replies: `thread {message.ts}`")
                self.out("", *lines)

    def thread(self, ts: str) -> None:
        channels = [self.channel] + [c for c in self.ws.channels() if c.id != self.channel.id]
        for channel in channels:
            thread = self.ws.thread(channel.id, ts)
            if thread:
                with self.lock:
                    for message in thread:
                        self.out("", *self.message_lines(message))
                return
        self.out(f"no message {ts!r}")

    def open_modal(self, view_id: str) -> None:
        views = [v for v in self.ws.views(open_only=True) if v.user in (self.user.id, None)]
        if view_id:
            views = [v for v in views if v.id == view_id]
        if not views:
            self.out("no open modal" + (f" {view_id}" if view_id else ""))
            return
        self.run_modal(views[-1])

    # ---- modals

    def run_modal(self, view: View) -> None:
        values: dict[tuple[str, str], dict[str, Any]] = {}
        current: View | None = view
        while current is not None:
            current = self.modal_step(current, values)
        self.out("(modal closed)")

    def _inputs(self, view: View) -> list[dict[str, Any]]:
        return [
            b
            for b in view.view.get("blocks", [])
            if b.get("type") == "input" and isinstance(b.get("element"), dict)
        ]

    def _show_modal(self, view: View) -> None:
        title = text_of(view.view.get("title"))
        shown = [b for b in view.view.get("blocks", []) if b.get("type") != "input"]
        body = render_blocks(shown, names=self.names, number=self._numberer("view", view.id, None))
        self.out("", self.style.bold(f"┌ modal “{title}” ({view.id})"))
        self.out(*(f"│ {self.style.numbers(line)}" for line in body))

    def modal_step(self, view: View, values: dict[tuple[str, str], dict[str, Any]]) -> View | None:
        """Show `view`, fill it in, and submit or cancel it; returns the view to continue with."""
        self._show_modal(view)
        pending = [b for b in self._inputs(view) if self._key(b) not in values]
        while True:
            for block in pending:
                values[self._key(block)] = self.ask(block, values.get(self._key(block)))
            pending = []
            latest = self.ws.view(view.id)
            if latest is not None and latest.version != view.version and not latest.closed:
                self.out("(the bot updated the modal)")
                return latest
            submit = text_of(view.view.get("submit")) or "Submit"
            answer = self.read(f"└ {submit}? [submit / cancel / edit / N] ").strip().lower()
            if answer in ("", "s", "y", "submit", submit.lower()):
                outcome = self.submit(view, values)
                if isinstance(outcome, list):
                    pending = outcome
                    continue
                return outcome
            if answer in ("c", "n", "cancel", "close"):
                self.cancel(view, values)
                return None
            if answer in ("e", "edit"):
                pending = self._inputs(view)
                continue
            if answer.isdigit():
                updated = self.press_in_modal(view, int(answer), values)
                if updated is not None:
                    return updated
                continue
            self.out("answer submit, cancel, edit or a button number")

    @staticmethod
    def _key(block: dict[str, Any]) -> tuple[str, str]:
        return str(block.get("block_id")), str(block["element"].get("action_id"))

    def state(self, view: View, values: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
        state: dict[str, dict[str, Any]] = {}
        for block in self._inputs(view):
            block_id, action_id = self._key(block)
            entry = values.get((block_id, action_id)) or self.empty_value(block["element"])
            state.setdefault(block_id, {})[action_id] = entry
        return {"values": state}

    def view_payload(
        self, kind: str, view: View, values: dict[tuple[str, str], dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "type": kind,
            "team": self.team_object(),
            "user": self.user_object(),
            "api_app_id": self.api_app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.ws.issue_trigger(self.user.id, view.id),
            "view": {**view.view, "state": self.state(view, values)},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def submit(
        self, view: View, values: dict[tuple[str, str], dict[str, Any]]
    ) -> View | list[dict[str, Any]] | None:
        """Send view_submission. Returns the next view, None when done, or the inputs to re-ask."""
        payload = {**self.view_payload("view_submission", view, values), "response_urls": []}
        result = self.post_payload(payload)
        if result is None:
            return []  # Slack keeps the modal open when the app fails
        raw = result[1].decode("utf-8", "replace").strip()
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        action = answer.get("response_action")
        try:
            if action == "errors":
                return self._show_errors(view, answer.get("errors") or {})
            if action == "update":
                return self.ws.update_view(answer.get("view"), view_id=view.id)
            if action == "push":
                return self.ws.push_view(answer.get("view"), trigger_id=payload["trigger_id"])
            if action == "clear":
                self.ws.close_view(view.id, clear=True)
                return None
        except SlackError as e:
            self.out(self.style.red(f"! the bot's response_action {action!r} failed: {e.error}"))
            return []
        previous = view.previous_id
        self.ws.close_view(view.id)
        back = self.ws.view(previous) if previous else None
        return back if back is not None and not back.closed else None

    def _show_errors(self, view: View, errors: dict[str, Any]) -> list[dict[str, Any]]:
        blocks = [b for b in self._inputs(view) if b.get("block_id") in errors]
        for block_id, message in errors.items():
            label = next(
                (text_of(b.get("label")) for b in blocks if b.get("block_id") == block_id), block_id
            )
            self.out(self.style.red(f"! {label}: {message}"))
        return blocks

    def cancel(self, view: View, values: dict[tuple[str, str], dict[str, Any]]) -> None:
        stack = self.ws.stack(view.id)
        self.ws.close_view(view.id, clear=True)
        if view.view.get("notify_on_close"):
            payload = {
                **self.view_payload("view_closed", view, values),
                "is_cleared": len(stack) > 1,
            }
            self.post_payload(payload)

    def press_in_modal(
        self, view: View, number: int, values: dict[tuple[str, str], dict[str, Any]]
    ) -> View | None:
        with self.lock:
            button = self.buttons.get(number)
        element = None
        if button is not None and button.kind == "view" and button.where == view.id:
            element = _find_element(view.view.get("blocks", []), button)
        if button is None or element is None:
            self.out(f"no button [{number}] in this modal")
            return None
        if not self.confirm(element):
            return None
        payload = self.view_payload("block_actions", view, values)
        trigger_id = payload["trigger_id"]
        self.awaiting.add(trigger_id)
        payload.update(
            container={"type": "view", "view_id": view.id},
            actions=[self.action(element, button.block_id)],
        )
        result = self.post_payload(payload)
        answered = time.monotonic()
        pushed = self.await_view(trigger_id, answered) if result is not None else None
        self.ws.flush()
        self.awaiting.discard(trigger_id)
        if pushed is not None:
            return pushed
        latest = self.ws.view(view.id)
        if latest is not None and latest.version != view.version:
            return None if latest.closed else latest
        return None

    # ---- asking one input

    def empty_value(self, element: dict[str, Any]) -> dict[str, Any]:
        kind = element.get("type", "")
        entry: dict[str, Any] = {"type": kind}
        field = self._value_field(kind)
        entry[field] = [] if field.endswith("s") and kind.startswith("multi") else None
        if kind == "checkboxes":
            entry["selected_options"] = []
        return entry

    @staticmethod
    def _value_field(kind: str) -> str:
        return {
            "static_select": "selected_option",
            "external_select": "selected_option",
            "radio_buttons": "selected_option",
            "multi_static_select": "selected_options",
            "multi_external_select": "selected_options",
            "checkboxes": "selected_options",
            "users_select": "selected_user",
            "multi_users_select": "selected_users",
            "conversations_select": "selected_conversation",
            "multi_conversations_select": "selected_conversations",
            "channels_select": "selected_channel",
            "multi_channels_select": "selected_channels",
            "datepicker": "selected_date",
            "timepicker": "selected_time",
        }.get(kind, "value")

    def ask(self, block: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
        element = block["element"]
        kind = element.get("type", "")
        optional = bool(block.get("optional"))
        label = text_of(block.get("label")) + (" (optional)" if optional else "")
        hint = text_of(block.get("hint"))
        if hint:
            self.out(self.style.dim(f"│ {hint}"))
        if kind in ("static_select", "radio_buttons", "multi_static_select", "checkboxes"):
            return self._ask_options(element, label, optional, previous)
        if kind in (
            "users_select",
            "multi_users_select",
            "conversations_select",
            "multi_conversations_select",
            "channels_select",
            "multi_channels_select",
        ):
            return self._ask_lookup(element, label, optional, previous)
        if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
            return self._ask_text(element, label, optional, previous)
        if kind in ("datepicker", "timepicker"):
            return self._ask_text(element, label, optional, previous)
        self.out(f"│ {label}: [{kind}] cannot be filled in here; it is sent empty")
        return self.empty_value(element)

    def _ask_text(
        self, element: dict[str, Any], label: str, optional: bool, previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        kind = element.get("type", "")
        field = self._value_field(kind)
        initial = {"datepicker": "initial_date", "timepicker": "initial_time"}.get(
            kind, "initial_value"
        )
        default = (previous or {}).get(field) if previous else element.get(initial)
        placeholder = text_of(element.get("placeholder"))
        shape = {"datepicker": "YYYY-MM-DD", "timepicker": "HH:MM"}.get(kind, placeholder)
        multiline = kind == "plain_text_input" and element.get("multiline")
        while True:
            shown = f" [{default}]" if default else (f" ({shape})" if shape else "")
            extra = " (several lines; end with a line '.')" if multiline else ""
            first = self.read(f"│ {label}{shown}{extra}: ")
            answer = first
            if multiline and first.strip() not in ("", "-", "."):
                lines = [first]
                while (line := self.read("│ … ")) != ".":
                    lines.append(line)
                answer = "\n".join(lines)
            if answer.strip() in ("", "."):
                answer = str(default) if default else ""
            elif answer.strip() == "-":
                answer = ""
            problem = self._text_problem(element, answer, optional)
            if problem is None:
                return {"type": kind, field: answer or None}
            self.out(self.style.red(f"! {problem}"))

    @staticmethod
    def _text_problem(element: dict[str, Any], answer: str, optional: bool) -> str | None:
        kind = element.get("type")
        if not answer:
            return None if optional else "this field is required"
        if element.get("min_length") and len(answer) < int(element["min_length"]):
            return f"at least {element['min_length']} characters"
        if element.get("max_length") and len(answer) > int(element["max_length"]):
            return f"at most {element['max_length']} characters"
        if kind == "number_input":
            pattern = r"-?\d+(\.\d+)?" if element.get("is_decimal_allowed") else r"-?\d+"
            if not re.fullmatch(pattern, answer):
                return "a number, please"
            value = float(answer)
            if element.get("min_value") is not None and value < float(element["min_value"]):
                return f"at least {element['min_value']}"
            if element.get("max_value") is not None and value > float(element["max_value"]):
                return f"at most {element['max_value']}"
        if kind == "datepicker":
            try:
                datetime.strptime(answer, "%Y-%m-%d")
            except ValueError:
                return "a date like 2025-01-31, please"
        if kind == "timepicker" and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", answer):
            return "a time like 09:30, please"
        if kind == "email_text_input" and not re.fullmatch(r"[^@\s]+@[^@\s]+", answer):
            return "an email address, please"
        return None

    @staticmethod
    def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
        options = list(element.get("options") or [])
        for group in element.get("option_groups") or []:
            options.extend(group.get("options") or [])
        return options

    def _ask_options(
        self, element: dict[str, Any], label: str, optional: bool, previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        kind = element.get("type", "")
        field = self._value_field(kind)
        multi = field == "selected_options"
        options = self._options(element)
        if previous is not None:
            chosen = previous.get(field)
            default = (chosen or []) if multi else ([chosen] if chosen else [])
        elif multi:
            default = list(element.get("initial_options") or [])
        else:
            default = [element["initial_option"]] if element.get("initial_option") else []
        listing = "  ".join(f"{i}) {text_of(o.get('text'))}" for i, o in enumerate(options, 1))
        self.out(f"│ {label}: {listing}")
        while True:
            shown = ", ".join(text_of(o.get("text")) for o in default)
            how = "numbers, comma-separated" if multi else "a number"
            answer = self.read(f"│ {label} ({how})" + (f" [{shown}]" if shown else "") + ": ")
            answer = answer.strip()
            if not answer:
                picked: list[dict[str, Any]] | None = default
            elif answer == "-":
                picked = []
            else:
                picked = self._pick(options, answer, multi)
            if picked is None:
                self.out(self.style.red("! pick from the numbers shown"))
            elif not picked and not optional:
                self.out(self.style.red("! this field is required"))
            else:
                return {"type": kind, field: picked if multi else (picked[0] if picked else None)}

    @staticmethod
    def _pick(
        options: list[dict[str, Any]], answer: str, multi: bool
    ) -> list[dict[str, Any]] | None:
        picked = []
        for part in answer.split(",") if multi else [answer]:
            part = part.strip()
            if part.isdigit() and 1 <= int(part) <= len(options):
                picked.append(options[int(part) - 1])
                continue
            match = [
                o
                for o in options
                if part.lower() in (text_of(o.get("text")).lower(), str(o.get("value")).lower())
            ]
            if not match:
                return None
            picked.append(match[0])
        return picked

    def _ask_lookup(
        self, element: dict[str, Any], label: str, optional: bool, previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        kind = element.get("type", "")
        field = self._value_field(kind)
        multi = kind.startswith("multi_")
        users = "users" in kind
        if previous is not None:
            value = previous.get(field)
            default = list(value or []) if multi else ([value] if value else [])
        else:
            initial = element.get(
                {
                    "users_select": "initial_user",
                    "multi_users_select": "initial_users",
                    "conversations_select": "initial_conversation",
                    "multi_conversations_select": "initial_conversations",
                    "channels_select": "initial_channel",
                    "multi_channels_select": "initial_channels",
                }[kind]
            )
            default = list(initial or []) if multi else ([initial] if initial else [])
            if not default and element.get("default_to_current_conversation") and not users:
                default = [self.channel.id]
        what = "user" if users else "channel"
        while True:
            shown = ", ".join(self.names(i) or i for i in default)
            how = f"{what} names or IDs, comma-separated" if multi else f"a {what} name or ID"
            answer = self.read(f"│ {label} ({how})" + (f" [{shown}]" if shown else "") + ": ")
            answer = answer.strip()
            ids: list[str] | None
            if not answer:
                ids = default
            elif answer == "-":
                ids = []
            else:
                ids = []
                for part in answer.split(",") if multi else [answer]:
                    found = self.ws.user(part.strip()) if users else self.ws.channel(part.strip())
                    if found is None:
                        self.out(self.style.red(f"! no {what} {part.strip()!r}"))
                        ids = None
                        break
                    ids.append(found.id)
            if ids is None:
                continue
            if not ids and not optional:
                self.out(self.style.red("! this field is required"))
                continue
            return {"type": kind, field: ids if multi else (ids[0] if ids else None)}

    # ---- the loop

    def banner(self) -> None:
        s = self.style
        self.out(
            s.bold("Local Slack")
            + f" · workspace {self.ws.team_name} ({self.team_id}) · app @{self.ws.bot.name}"
            + f" · events → {self.events_url}",
            f"You are @{self.user.name} in {self.channel_label(self.channel.id)}. "
            "Type /command text to run a slash command, a number to press a button, help for more.",
        )

    def handle(self, line: str) -> bool:
        """Act on one line; False when the person wants to leave."""
        line = line.strip()
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if not line:
            return True
        if line.startswith("/"):
            self.slash_command(line)
        elif line.isdigit():
            self.press(int(line))
        elif word in ("quit", "exit"):
            return False
        elif word == "help":
            self.out(HELP)
        elif word == "as":
            self.switch_user(rest)
        elif word == "channel":
            self.switch_channel(rest)
        elif word == "history":
            self.history()
        elif word == "thread" and rest:
            self.thread(rest)
        elif word == "modal":
            self.open_modal(rest)
        else:
            self.out(f"unknown input {line!r}: type /command, a button number or help")
        return True

    def prompt_text(self) -> str:
        return f"{self.channel_label(self.channel.id)} @{self.user.name}> "

    def loop(self) -> bool:
        """Read and act until quit (returns False) or end of input (returns True)."""
        try:
            while True:
                if not self.handle(self.read(self.prompt_text() if self.interactive else "> ")):
                    return False
        except _EndOfInput:
            return True


def run_terminal(
    workspace: Workspace,
    server: LocalSlackServer,
    events_url: str,
    signing_secret: str,
    *,
    stdin: TextIO,
    stdout: TextIO,
    user_name: str,
    team_id: str = "T0LOCAL",
    api_app_id: str = "A0LOCAL",
    stop_event: threading.Event | None = None,
    channel: str | None = None,
    modal_wait: float = 3.0,
    clock: Clock | None = None,
) -> None:
    """Let a person play Slack against the bot whose Slack endpoint is `events_url`.

    Prints what the bot posts to `workspace` as it arrives, and sends slash commands, button
    presses and modal submissions typed on `stdin`, signed with `signing_secret`. `channel` is the
    starting channel (default: the workspace's first). After `quit` it returns at once; at the end
    of `stdin` it says so and returns when `stop_event` is set (at once if there is none).
    """
    terminal = _Terminal(
        workspace,
        server,
        events_url,
        signing_secret,
        stdin=stdin,
        stdout=stdout,
        user_name=user_name,
        team_id=team_id,
        api_app_id=api_app_id,
        channel=channel,
        modal_wait=modal_wait,
        clock=clock or SystemClock(),
    )
    if terminal.interactive and stdin is sys.stdin:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    unsubscribe = workspace.subscribe(terminal.on_event)
    try:
        terminal.banner()
        if not terminal.loop():
            terminal.out("bye")
            return
        terminal.out("(terminal closed; the bot and the local Slack keep running: Ctrl-C to stop)")
    finally:
        unsubscribe()
    if stop_event is not None:
        stop_event.wait()
