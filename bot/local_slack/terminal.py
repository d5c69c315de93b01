"""A terminal in which a person plays Slack against the running bot (`sre-bot dev`).

What the bot posts to the local Slack is printed as it arrives. Slash commands, button presses and
modal forms are sent to the bot's HTTP endpoint as Slack sends them: same bodies, same signature.
Works on a plain pipe too (no prompts, input echoed), which is how the tests drive it.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from bot.local_slack.terminal_base import BotLink, EndOfInput
from bot.local_slack.terminal_commands import TerminalCommands

HELP = """\
  /command text   run a slash command in the current channel, e.g. /incident create sev2 ...
  N               press button [N]
  say TEXT        post a message here; a line starting with @ does too (@sre-bot help)
  as NAME         act as user NAME (created if new)
  channel NAME    switch to channel NAME (created if new)
  history         print the current channel again
  thread TS       print a thread again
  modal [ID]      fill in an open modal (the latest one by default)
  help            this help
  quit            leave the terminal
  In a modal: answer each field (empty keeps the default shown, '-' clears an optional one),
  then 'submit', 'cancel', 'edit' or a button number."""


class _Terminal(TerminalCommands):
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
        elif word == "say" or line.startswith("@"):
            self.say(rest if word == "say" else line)
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
            self.out(f"unknown input {line!r}: type /command, a button number, say TEXT or help")
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
    link: BotLink,
    *,
    stdin: TextIO,
    stdout: TextIO,
    user_name: str,
    stop_event: threading.Event | None = None,
    channel: str | None = None,
    modal_wait: float = 3.0,
    notices: Callable[[Callable[[str], None]], Callable[[], None]] | None = None,
) -> None:
    """Let a person play Slack against the bot whose Slack endpoint is `events_url`.

    Prints what the bot posts to the link's workspace as it arrives, and sends slash commands,
    button presses and modal submissions typed on `stdin` to the bot, signed. `channel` is the
    starting channel (default: the workspace's first). After `quit` it returns at once; at the end
    of `stdin` it says so and returns when `stop_event` is set (at once if there is none).
    `notices(listener)` subscribes to warnings worth a person's attention (and returns the
    unsubscribe); each is shown as one line above the prompt.
    """
    terminal = _Terminal(link, stdin=stdin, stdout=stdout, user_name=user_name, channel=channel)
    terminal.modal_wait = modal_wait
    if terminal.interactive and stdin is sys.stdin:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    unsubscribe = link.workspace.subscribe(terminal.on_event)
    stop_notices = notices(terminal.notice) if notices is not None else None
    try:
        terminal.banner()
        if not terminal.loop():
            terminal.out("bye")
            return
        terminal.out("(terminal closed; the bot and the local Slack keep running: Ctrl-C to stop)")
    finally:
        unsubscribe()
        if stop_notices is not None:
            stop_notices()
    if stop_event is not None:
        stop_event.wait()
