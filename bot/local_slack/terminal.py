"""A terminal in which a person plays Slack against the running bot (`sre-bot dev`).

What the bot posts to the local Slack is printed as it arrives. Slash commands, button presses and
modal forms are sent to the bot's HTTP endpoint as Slack sends them: same bodies, same signature.
Works on a plain pipe too (no prompts, input echoed), which is how the tests drive it.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any, TextIO
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.local_slack.api import LocalSlackServer
from bot.local_slack.objects import (
    Channel,
    User,
    View,
)
from bot.local_slack.terminal_commands import TerminalCommands
from bot.local_slack.terminal_modals import ModalFilling
from bot.local_slack.terminal_output import (
    HTTP_TIMEOUT,
    QUIET,
    SLACK_ACK_DEADLINE,
    Button,
    EndOfInput,
    TerminalOutput,
)
from bot.local_slack.workspace import Workspace
from commands.clock import Clock, SystemClock

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


class _Terminal(TerminalOutput, TerminalCommands, ModalFilling):
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
        self.buttons: dict[int, Button] = {}
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
        except EndOfInput:
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
