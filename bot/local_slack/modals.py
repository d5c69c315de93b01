"""The workspace's modals (views.open, push, update) and response_url deliveries (a part of
`Workspace`)."""

from __future__ import annotations

import copy
import logging
import secrets
import time
from dataclasses import replace
from typing import Any

from bot.local_slack import objects
from bot.local_slack.messages import Messages
from bot.local_slack.objects import (
    MAX_VIEW_STACK,
    RESPONSE_POSTED,
    VIEW_CLOSED,
    VIEW_OPENED,
    VIEW_PUSHED,
    VIEW_UPDATED,
    ResponseContext,
    ResponseDelivery,
    SlackError,
    View,
    _mutator,
    _Trigger,
)

log = logging.getLogger(__name__)


class Modals(Messages):
    """Modals and response_url deliveries, over the workspace's messages."""

    # ---- modals

    @_mutator
    def issue_trigger(self, user: str | None, view_id: str | None = None) -> str:
        """A trigger_id for an interaction by `user` (from inside modal `view_id`, if any).

        Like Slack's, it can open one modal within TRIGGER_TTL seconds. Trigger ids that were not
        issued here (handy in tests) are accepted without those checks.
        """
        trigger_id = f"{int(self._clock())}.{self._next_id('')}.{secrets.token_hex(8)}"
        self._triggers[trigger_id] = _Trigger(user=user, view_id=view_id, issued=time.monotonic())
        return trigger_id

    def _exchange_trigger(self, trigger_id: str | None) -> _Trigger | None:
        if not trigger_id:
            raise SlackError("invalid_trigger_id")
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            return None
        if trigger.exchanged:
            raise SlackError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued > objects.TRIGGER_TTL:
            raise SlackError("expired_trigger_id")
        trigger.exchanged = True
        return trigger

    def _complete_view(
        self, view: Any, *, view_id: str, root_id: str, previous_id: str | None
    ) -> dict[str, Any]:
        if not isinstance(view, dict) or not view.get("type"):
            raise SlackError("invalid_arguments")
        if view["type"] == "modal" and not view.get("title"):
            raise SlackError("invalid_arguments")
        full = copy.deepcopy(view)
        blocks = full.setdefault("blocks", [])
        if not isinstance(blocks, list) or len(blocks) > 100:
            raise SlackError("invalid_arguments")
        for block in blocks:
            if not isinstance(block, dict):
                raise SlackError("invalid_arguments")
            block.setdefault("block_id", secrets.token_hex(3))
            elements = [block["element"]] if isinstance(block.get("element"), dict) else []
            if isinstance(block.get("accessory"), dict):
                elements.append(block["accessory"])
            if block.get("type") == "actions":
                elements.extend(e for e in block.get("elements", []) if isinstance(e, dict))
            for element in elements:
                element.setdefault("action_id", secrets.token_hex(3))
        full.update(
            id=view_id,
            team_id=self.team_id,
            app_id=self.app_id,
            bot_id=self.bot.bot_id,
            app_installed_team_id=self.team_id,
            root_view_id=root_id,
            previous_view_id=previous_id,
            hash=f"{int(self._clock())}.{secrets.token_hex(4)}",
            state={"values": {}},
        )
        for key, default in (
            ("private_metadata", ""),
            ("callback_id", ""),
            ("external_id", ""),
            ("clear_on_close", False),
            ("notify_on_close", False),
        ):
            full.setdefault(key, default)
        return full

    def _open_view(self, view: Any, *, trigger_id: str | None, user: str | None, kind: str) -> View:
        trigger = self._exchange_trigger(trigger_id)
        user = user or (trigger.user if trigger else None)
        previous: View | None = None
        if kind == VIEW_PUSHED and trigger is not None and trigger.view_id:
            stack = self._stack(trigger.view_id)
            if stack:
                previous = stack[-1]
                if len(stack) >= MAX_VIEW_STACK:
                    raise SlackError("push_limit_reached")
        view_id = self._next_id("V")
        root_id = previous.root_id if previous else view_id
        full = self._complete_view(
            view, view_id=view_id, root_id=root_id, previous_id=previous.id if previous else None
        )
        opened = View(
            id=view_id,
            view=full,
            trigger_id=trigger_id,
            user=user,
            root_id=root_id,
            previous_id=previous.id if previous else None,
        )
        self._views[view_id] = opened
        if trigger_id:
            self._view_by_trigger[trigger_id] = view_id
        self._emit(kind if previous else VIEW_OPENED, opened)
        return opened

    @_mutator
    def open_view(self, view: Any, *, trigger_id: str | None, user: str | None = None) -> View:
        """views.open: open a modal for the interaction that issued `trigger_id`."""
        return self._open_view(view, trigger_id=trigger_id, user=user, kind=VIEW_OPENED)

    @_mutator
    def push_view(self, view: Any, *, trigger_id: str | None) -> View:
        """views.push: push a modal onto the stack the trigger came from (else open one)."""
        return self._open_view(view, trigger_id=trigger_id, user=None, kind=VIEW_PUSHED)

    @_mutator
    def update_view(
        self,
        view: Any,
        *,
        view_id: str | None = None,
        external_id: str | None = None,
        hash: str | None = None,
    ) -> View:
        """views.update: replace an open modal's content (by id or external_id)."""
        current = self._views.get(view_id) if view_id else None
        if current is None and external_id:
            current = next(
                (v for v in self._views.values() if v.view.get("external_id") == external_id),
                None,
            )
        if current is None or current.closed:
            raise SlackError("not_found")
        if hash and hash != current.view.get("hash"):
            raise SlackError("hash_conflict")
        full = self._complete_view(
            view, view_id=current.id, root_id=current.root_id, previous_id=current.previous_id
        )
        updated = replace(current, view=full, version=current.version + 1)
        self._views[current.id] = updated
        self._emit(VIEW_UPDATED, updated)
        return updated

    def _stack(self, view_id: str) -> list[View]:
        view = self._views.get(view_id)
        if view is None:
            return []
        return [v for v in self._views.values() if v.root_id == view.root_id and not v.closed]

    def stack(self, view_id: str) -> list[View]:
        """The open modals stacked with `view_id`, root first."""
        with self.condition:
            return self._stack(view_id)

    @_mutator
    def close_view(self, view_id: str, *, clear: bool = False) -> list[View]:
        """Close a modal (and the ones pushed over it), or its whole stack if `clear`."""
        view = self._views.get(view_id)
        if view is None:
            raise SlackError("not_found")
        stack = self._stack(view_id)
        if clear:
            closing = stack
        else:
            closing = [v for v in stack if v.id == view_id or int(v.id[1:]) > int(view_id[1:])]
        for v in reversed(closing):
            closed = replace(v, closed=True)
            self._views[v.id] = closed
            self._emit(VIEW_CLOSED, closed)
        return [self._views[v.id] for v in closing]

    def view(self, view_id: str) -> View | None:
        with self.condition:
            return self._views.get(view_id)

    def views(self, *, open_only: bool = False) -> list[View]:
        with self.condition:
            return [v for v in self._views.values() if not (open_only and v.closed)]

    def view_for_trigger(self, trigger_id: str) -> View | None:
        """The modal opened or pushed with `trigger_id`, if any."""
        with self.condition:
            view_id = self._view_by_trigger.get(trigger_id)
            return self._views.get(view_id) if view_id else None

    # ---- response_url

    @_mutator
    def register_response_url(
        self,
        key: str,
        *,
        channel: str,
        user: str,
        message_ts: str | None = None,
        is_ephemeral: bool = False,
        thread_ts: str | None = None,
    ) -> None:
        """Tell the workspace what a response_url key answers, so deliveries take effect."""
        self._response_contexts[key] = ResponseContext(
            channel=channel,
            user=user,
            message_ts=message_ts,
            is_ephemeral=is_ephemeral,
            thread_ts=thread_ts,
        )

    @_mutator
    def deliver_response(self, key: str, payload: dict[str, Any]) -> ResponseDelivery:
        """A POST to a response_url: applied like Slack does when the key is registered."""
        context = self._response_contexts.get(key)
        effect = "recorded"
        if context is not None:
            try:
                effect = self._apply_response(context, payload)
            except SlackError as e:
                effect = f"failed:{e.error}"
        delivery = ResponseDelivery(
            key=key, payload=payload, at=self._clock(), context=context, effect=effect
        )
        self._responses.append(delivery)
        self._emit(RESPONSE_POSTED, delivery)
        return delivery

    def _apply_response(self, context: ResponseContext, payload: dict[str, Any]) -> str:
        text = payload.get("text") or ""
        blocks = payload.get("blocks")
        original = context.message_ts
        if payload.get("delete_original") and original:
            if context.is_ephemeral:
                self._delete_ephemeral(original)
            else:
                self._delete_message(context.channel, original)
            return "deleted"
        if payload.get("replace_original") and original:
            if context.is_ephemeral:
                self._replace_ephemeral(original, text=text, blocks=blocks or [])
            else:
                self._update_message(
                    context.channel, original, text=text, blocks=blocks or [], as_app=False
                )
            return "replaced"
        if payload.get("response_type") == "in_channel":
            self._post_message(
                context.channel, text=text, blocks=blocks, thread_ts=context.thread_ts
            )
            return "in_channel"
        self._post_ephemeral(
            context.channel, context.user, text=text, blocks=blocks, thread_ts=context.thread_ts
        )
        return "ephemeral"

    def responses(self, key: str | None = None) -> list[ResponseDelivery]:
        with self.condition:
            return [r for r in self._responses if key is None or r.key == key]
