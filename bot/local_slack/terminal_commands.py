"""What a person types in the terminal: slash commands, button numbers, `as`, `channel`,
`thread` (a part of the terminal)."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlencode

from bot.local_slack.blockkit import check_answer
from bot.local_slack.mentions import escape_mentions
from bot.local_slack.objects import Ephemeral, Message, SlackError
from bot.local_slack.terminal_base import VERIFICATION_TOKEN, find_element
from bot.local_slack.terminal_modals import ModalFilling


class TerminalCommands(ModalFilling):
    """What a person types: slash commands, button numbers, `as`, `channel`, `thread`."""

    # ---- commands

    def slash_command(self, line: str) -> None:
        command, _, text = line.partition(" ")
        if command in self.escaped:
            text = escape_mentions(text, self.ws)
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
            check_answer(answer)
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
        element = find_element(found.blocks, button) if found is not None else None
        if found is None or element is None:
            self.out(f"button [{number}] is gone (its message changed); press a newer number")
            return
        if not self.confirm(element):
            return
        channel = self.ws.channel(found.channel, create=False)
        thread_ts = found.thread_ts if isinstance(found, Ephemeral) or found.is_reply else None
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

    def say(self, text: str, thread_ts: str | None = None) -> None:
        """Post `text` as the person in the current channel (in `thread_ts`'s thread if given);
        a mention of the app reaches the bot as an `app_mention` event, as the Events API
        delivers it."""
        text = escape_mentions(text.strip(), self.ws, labels=False)
        if not text:
            self.out("say what? e.g. say @" + self.ws.bot.name + " help")
            return
        try:
            message = self.ws.post_message(
                self.channel.id, text, user=self.user.id, thread_ts=thread_ts
            )
        except SlackError as e:
            self.out(self.style.red(f"! could not post: {e.error}"))
            return
        if f"<@{self.ws.bot.id}>" not in text:
            return
        event = {
            "type": "app_mention",
            "user": self.user.id,
            "text": text,
            "ts": message.ts,
            "channel": message.channel,
            "event_ts": message.ts,
            "team": self.team_id,
        }
        if message.thread_ts:
            event["thread_ts"] = message.thread_ts
        body = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": "Ev" + secrets.token_hex(6).upper(),
            "event_time": int(float(message.ts)),
            "authorizations": [
                {"team_id": self.team_id, "user_id": self.ws.bot.id, "is_bot": True}
            ],
            "is_ext_shared_channel": False,
        }
        result = self.post(json.dumps(body, ensure_ascii=False), "application/json")
        self._check(result, "app_mention")

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
