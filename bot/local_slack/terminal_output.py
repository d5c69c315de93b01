"""How the terminal shows the workspace: messages, ephemerals and modals as they arrive
(a part of the terminal)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.local_slack import objects
from bot.local_slack.objects import (
    Ephemeral,
    Event,
    Message,
    ResponseDelivery,
    View,
)
from bot.local_slack.render import render_message, text_of

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


class TerminalOutput:
    """Mixed into the terminal: uses its workspace, its user and its output."""

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
