"""Filling in a modal in the terminal, one input at a time (a part of the terminal)."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime
from typing import Any

from bot.local_slack.blockkit import check_answer
from bot.local_slack.objects import SlackError, View
from bot.local_slack.render import render_blocks, text_of
from bot.local_slack.terminal_base import VERIFICATION_TOKEN, TerminalBase, find_element


class ModalFilling(TerminalBase):
    """Filling in a modal, one input at a time."""

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
            check_answer(answer)
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
            element = find_element(view.view.get("blocks", []), button)
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

    def _after_request(self, trigger_id: str) -> None:
        """Show the modal the bot opens in answer to a request (`trigger_id` is awaited)."""
        view = self.await_view(trigger_id, time.monotonic())
        self.ws.flush()  # while the trigger is still awaited, so the view is not announced
        self.awaiting.discard(trigger_id)
        if view is not None and not view.closed:
            self.run_modal(view)
