"""The local Slack in a browser, at `/local/` of the bot's port (`sre-bot dev`, `make run`).

One page of plain HTML, CSS and JavaScript (in `static/`), over a small JSON API here. The page
is a Slack client: it reads the workspace, and what a person does (a slash command, a message, a
button, a modal's form) is sent to the bot by `PageClient`, which signs each request as Slack
does and posts it to the bot's `/slack/events`, exactly as the terminal does. The page learns of
changes by long polling `/local/api/changes`, so new messages and edits appear without reloading.
Served on the bot's own port, which `sre-bot dev` keeps on loopback unless told otherwise.
"""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from bot.local_slack.mentions import slash_commands
from bot.local_slack.objects import Ephemeral, Message, User, View
from bot.local_slack.terminal_base import BotLink, Button
from bot.local_slack.terminal_commands import TerminalCommands
from bot.local_slack.workspace import Workspace

STATIC = Path(__file__).with_name("static")
LONG_POLL_SECONDS = 15.0
_PAGES = {"": "index.html", "app.js": "app.js", "app.css": "app.css"}


class PageClient(TerminalCommands):
    """What one person does on the page, sent to the bot as the terminal sends it. Problems the
    terminal would print (`! …`) are collected in `problems` for the page to show."""

    def __init__(self, link: BotLink, user: User, channel_id: str) -> None:
        self.output = io.StringIO()
        super().__init__(
            link, stdin=io.StringIO(), stdout=self.output, user_name=user.id, channel=channel_id
        )
        self.errors: dict[str, str] = {}

    @property
    def problems(self) -> list[str]:
        lines = self.output.getvalue().splitlines()
        return [line.removeprefix("! ") for line in lines if line.startswith("! ")]

    def out(self, *lines: str) -> None:
        self.output.write("\n".join(lines) + "\n")

    def confirm(self, element: dict[str, Any]) -> bool:
        return True  # the page asked already, with the element's own confirm dialog

    def _after_request(self, trigger_id: str) -> None:
        # A modal the bot opens shows up on the page through the changes feed.
        self.await_view(trigger_id, time.monotonic())
        self.ws.flush()

    def _show_errors(self, view: View, errors: dict[str, Any]) -> list[dict[str, Any]]:
        self.errors = {str(k): str(v) for k, v in errors.items()}
        return [b for b in self._inputs(view) if b.get("block_id") in errors]

    def press_element(self, kind: str, where: str, ts: str | None, block: str, action: str) -> None:
        with self.lock:
            self.buttons = {1: Button(kind, where, ts, block or None, action or None)}
        if kind == "view":
            view = self.ws.view(where)
            if view is None or view.closed:
                self.out("! that modal is closed")
                return
            self.press_in_modal(view, 1, {})
            return
        self.press(1)


class Person(BaseModel):
    user: str = Field(min_length=1, max_length=80)
    channel: str = Field(default="", max_length=80)


class Typed(Person):
    text: str = Field(max_length=40_000)
    thread_ts: str | None = None


class Press(Person):
    kind: str = Field(pattern="^(message|ephemeral|view)$")
    where: str = Field(min_length=1, max_length=80)
    ts: str | None = None
    block_id: str = ""
    action_id: str = ""


class Submit(Person):
    view_id: str = Field(min_length=1, max_length=80)
    values: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


def mount_browser(api: FastAPI, link: BotLink) -> None:
    """Serve the page and its API under `/local/` of the bot's HTTP app."""
    workspace = link.workspace
    router = APIRouter(prefix="/local")
    acting = threading.Lock()  # one person's action at a time, as one Slack client would

    def person(ref: str) -> User:
        user = workspace.user(ref, create=not ref.startswith(("U", "W")))
        if user is None or user.is_bot:
            raise HTTPException(404, f"no such person {ref!r}")
        return user

    def client(body: Person) -> PageClient:
        user = person(body.user)
        channel = workspace.channel(body.channel or "", create=False) if body.channel else None
        first = channel.id if channel else _first_channel(workspace)
        return PageClient(link, user, first)

    def answer(page: PageClient, **extra: Any) -> dict[str, Any]:
        return {"ok": not page.problems, "problems": page.problems, **extra}

    @router.get("", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/local/")

    @router.get("/{name:path}", include_in_schema=False)
    def page(name: str) -> Response:
        if name.startswith("api/") or name.startswith("files/"):
            raise HTTPException(404)
        if name not in _PAGES:
            raise HTTPException(404)
        return FileResponse(STATIC / _PAGES[name], headers={"Cache-Control": "no-store"})

    api_router = APIRouter(prefix="/local/api")
    files_router = APIRouter(prefix="/local/files")

    @api_router.get("/workspace")
    def describe() -> dict[str, Any]:
        return {
            "team": {"id": workspace.team_id, "name": workspace.team_name},
            "bot": {"id": workspace.bot.id, "name": workspace.bot.name},
            "users": [_user(u) for u in workspace.users()],
            "channels": [
                {"id": c.id, "name": c.name, "is_im": c.is_im, "user": c.user}
                for c in workspace.channels()
            ],
            "groups": _groups(workspace),
            "commands": slash_commands(),
            "seq": workspace.event_count(),
        }

    @api_router.post("/people")
    def people(body: Person) -> dict[str, Any]:
        """Act as someone: an existing person by ID or name, or a new one by name."""
        return _user(person(body.user))

    @api_router.get("/channels/{channel_id}")
    def channel(channel_id: str, user: str, thread: str | None = None) -> dict[str, Any]:
        found = workspace.channel(channel_id, create=False)
        if found is None:
            raise HTTPException(404, "channel_not_found")
        me = person(user)
        top = [m for m in workspace.messages(found.id) if not m.is_reply or m.reply_broadcast]
        replies = workspace.thread(found.id, thread) if thread else []
        ephemerals = [e for e in workspace.ephemerals(found.id, me.id)]
        return {
            "channel": {"id": found.id, "name": found.name, "is_im": found.is_im},
            "messages": [_message(workspace, m) for m in top],
            "thread": [_message(workspace, m) for m in replies],
            "ephemerals": [_ephemeral(e) for e in ephemerals if e.thread_ts is None],
            "thread_ephemerals": [
                _ephemeral(e) for e in ephemerals if thread and e.thread_ts == thread
            ],
        }

    @api_router.get("/views")
    def views(user: str) -> dict[str, Any]:
        me = person(user)
        open_views = [v for v in workspace.views(open_only=True) if v.user in (me.id, None)]
        top = open_views[-1] if open_views else None
        return {"view": {"id": top.id, **top.view} if top else None}

    @api_router.get("/changes")
    def changes(after: int) -> dict[str, Any]:
        """Wait until something changed after event `after` (or time passed); the page then
        reads again what it shows."""
        latest = workspace.wait_for(
            lambda: n if (n := workspace.event_count()) > after else 0, LONG_POLL_SECONDS
        )
        return {"seq": latest or workspace.event_count()}

    @api_router.post("/command")
    def command(body: Typed) -> dict[str, Any]:
        if not body.text.startswith("/") or len(body.text.split()[0]) < 2:
            raise HTTPException(422, "a slash command starts with / and its name")
        with acting:
            page = client(body)
            page.slash_command(body.text.strip())
            return answer(page)

    @api_router.post("/message")
    def message(body: Typed) -> dict[str, Any]:
        with acting:
            page = client(body)
            page.say(body.text, thread_ts=body.thread_ts)
            return answer(page)

    @api_router.post("/press")
    def press(body: Press) -> dict[str, Any]:
        with acting:
            page = client(body)
            page.press_element(body.kind, body.where, body.ts, body.block_id, body.action_id)
            return answer(page)

    @api_router.post("/submit")
    def submit(body: Submit) -> dict[str, Any]:
        with acting:
            page = client(body)
            view = workspace.view(body.view_id)
            if view is None or view.closed:
                raise HTTPException(409, "that modal is closed")
            values = {
                (block_id, action_id): entry
                for block_id, actions in body.values.items()
                for action_id, entry in actions.items()
            }
            outcome = page.submit(view, values)
            return answer(page, errors=page.errors, kept_open=isinstance(outcome, list))

    @api_router.post("/cancel")
    def cancel(body: Submit) -> dict[str, Any]:
        with acting:
            page = client(body)
            view = workspace.view(body.view_id)
            if view is not None and not view.closed:
                page.cancel(view, {})
            return answer(page)

    @files_router.get("/{file_id}")
    def file(file_id: str) -> Response:
        upload = workspace.upload(file_id)
        if upload is None or upload.content is None:
            raise HTTPException(404)
        kind = "image/png" if upload.filename.endswith(".png") else "application/octet-stream"
        return Response(upload.content, media_type=kind)

    api.include_router(api_router)
    api.include_router(files_router)
    api.include_router(router)


def _first_channel(workspace: Workspace) -> str:
    return next((c.id for c in workspace.channels() if not c.is_im), "general")


def _user(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.name, "real_name": user.real_name, "is_bot": user.is_bot}


def _groups(workspace: Workspace) -> dict[str, str]:
    return {
        group: handle
        for group in workspace.usergroups()
        if (handle := workspace.usergroup_handle(group))
    }


def _message(workspace: Workspace, message: Message) -> dict[str, Any]:
    return {**workspace.message_payload(message, metadata=False), "channel": message.channel}


def _ephemeral(ephemeral: Ephemeral) -> dict[str, Any]:
    return {
        "ts": ephemeral.ts,
        "channel": ephemeral.channel,
        "text": ephemeral.text,
        "blocks": ephemeral.blocks,
        "thread_ts": ephemeral.thread_ts,
        "ephemeral": True,
    }
