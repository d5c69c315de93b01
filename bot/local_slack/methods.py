"""The Web API methods the local Slack answers (a part of `LocalSlackServer`), and how it reads
their parameters."""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, quote
from zoneinfo import ZoneInfo

from bot.local_slack.blockkit import check_message, check_view
from bot.local_slack.objects import Channel, Message, SlackError, User
from bot.local_slack.socket_mode import SocketMode
from bot.local_slack.workspace import Workspace

log = logging.getLogger(__name__)
_JSON_FIELDS = {"attachments", "blocks", "files", "metadata", "unfurls", "user_auth_blocks", "view"}
_BOOL_FIELDS = {
    "as_user",
    "exclude_archived",
    "include_all_metadata",
    "include_locale",
    "include_num_members",
    "inclusive",
    "link_names",
    "mrkdwn",
    "reply_broadcast",
    "unfurl_links",
    "unfurl_media",
}


_INT_FIELDS = {"length", "limit"}


def decode_params(content_type: str, body: bytes, query: str = "") -> dict[str, Any]:
    """Request parameters as the Web API reads them: query string, then a form or JSON body;
    JSON-encoded fields (blocks, metadata, view, ...) parsed, booleans and limits typed."""
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        try:
            data = json.loads(body or b"{}")
        except ValueError as e:
            raise SlackError("invalid_json") from e
        if not isinstance(data, dict):
            raise SlackError("invalid_json")
        params.update(data)
    elif kind.startswith("multipart/"):
        raise SlackError("invalid_form_data")
    elif body:
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        params.update({k: v[-1] for k, v in form.items()})
    for key, value in list(params.items()):
        if not isinstance(value, str):
            continue
        if key in _JSON_FIELDS and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
        elif key in _BOOL_FIELDS:
            params[key] = value.lower() in ("1", "true", "yes")
        elif key in _INT_FIELDS and value.strip().isdigit():
            params[key] = int(value)
    return params


def _page(items: list[Any], params: dict[str, Any], default_limit: int = 100) -> tuple[list, dict]:
    """Cursor pagination: the cursor is the offset of the next page."""
    try:
        limit = int(params.get("limit") or default_limit)
        start = int(str(params.get("cursor") or "0").removeprefix("next:"))
    except ValueError as e:
        raise SlackError("invalid_cursor") from e
    limit = max(1, min(limit, 1000))
    page = items[start : start + limit]
    more = start + limit < len(items)
    return page, {
        "has_more": more,
        "response_metadata": {"next_cursor": f"next:{start + limit}" if more else ""},
    }


def _in_range(ts: str, params: dict[str, Any]) -> bool:
    try:
        value = float(ts)
        oldest = float(params["oldest"]) if params.get("oldest") else None
        latest = float(params["latest"]) if params.get("latest") else None
    except (TypeError, ValueError) as e:
        raise SlackError("invalid_arguments") from e
    inclusive = bool(params.get("inclusive"))
    if oldest is not None and (value < oldest or (value == oldest and not inclusive)):
        return False
    return not (latest is not None and (value > latest or (value == latest and not inclusive)))


class Methods:
    """The Web API's methods, over the workspace the server serves (a base of
    `LocalSlackServer`, which sets these)."""

    workspace: Workspace
    socket_mode: SocketMode
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The Web API base URL, with its trailing slash, for `WebClient(base_url=...)`."""
        return f"{self.base_url}/api/"

    def response_url(self, key: str) -> str:
        return f"{self.base_url}/response/{quote(key, safe='')}"

    def upload_url(self, file_id: str) -> str:
        return f"{self.base_url}/upload/{quote(file_id, safe='')}"

    # ---- payloads

    def _channel_payload(self, channel: Channel) -> dict[str, Any]:
        if channel.is_im:
            return {
                "id": channel.id,
                "created": channel.created,
                "is_im": True,
                "user": channel.user,
            }
        return {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "created": channel.created,
            "creator": "",
            "is_channel": not channel.is_private,
            "is_group": channel.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel.is_private,
            "is_archived": False,
            "is_general": False,
            "is_member": self.workspace.bot.id in channel.members,
            "is_shared": False,
            "topic": {"value": channel.topic, "creator": "", "last_set": 0},
            "purpose": {"value": channel.purpose, "creator": "", "last_set": 0},
            "num_members": len(channel.members),
        }

    def _user_payload(self, user: User) -> dict[str, Any]:
        try:
            now = datetime.now(ZoneInfo(user.tz))
            offset = now.utcoffset()
            tz_offset = int(offset.total_seconds()) if offset else 0
            tz_label = now.tzname() or user.tz
        except (KeyError, ValueError):
            tz_offset, tz_label = 0, user.tz
        profile: dict[str, Any] = {
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "display_name": user.name,
            "display_name_normalized": user.name,
            "team": self.workspace.team_id,
        }
        if user.bot_id:
            profile["bot_id"] = user.bot_id
        if user.email:
            profile["email"] = user.email
        return {
            "id": user.id,
            "team_id": self.workspace.team_id,
            "name": user.name,
            "real_name": user.real_name,
            "deleted": False,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "tz": user.tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
        }

    def _message(self, message: Message, metadata: bool = True) -> dict[str, Any]:
        return self.workspace.message_payload(message, metadata=metadata)

    def _channel_param(self, params: dict[str, Any], name: str = "channel") -> Channel:
        channel = self.workspace.channel(str(params.get(name) or ""))
        if channel is None or not params.get(name):
            raise SlackError("channel_not_found")
        return channel

    @staticmethod
    def _list_param(params: dict[str, Any], name: str, error: str) -> list[dict[str, Any]] | None:
        value = params.get(name)
        if value in (None, ""):
            return None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise SlackError(error)
        return value

    @staticmethod
    def _dict_param(params: dict[str, Any], name: str, error: str) -> dict[str, Any] | None:
        value = params.get(name)
        if value in (None, ""):
            return None
        if not isinstance(value, dict):
            raise SlackError(error)
        return value

    # ---- methods

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        ws = self.workspace
        return {
            "url": f"{self.base_url}/",
            "team": ws.team_name,
            "user": ws.bot.name,
            "team_id": ws.team_id,
            "user_id": ws.bot.id,
            "bot_id": ws.bot.bot_id,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.socket_mode.issue_url(self.host, self.port)}

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_param(params)
        check_message(params.get("text"), params.get("blocks"))
        message = self.workspace.post_message(
            channel.id,
            str(params.get("text") or ""),
            blocks=self._list_param(params, "blocks", "invalid_blocks"),
            attachments=self._list_param(params, "attachments", "invalid_attachments"),
            thread_ts=str(params["thread_ts"]) if params.get("thread_ts") else None,
            metadata=self._dict_param(params, "metadata", "invalid_metadata_format"),
            username=params.get("username") or None,
            reply_broadcast=bool(params.get("reply_broadcast")),
        )
        return {"channel": channel.id, "ts": message.ts, "message": self._message(message)}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_param(params)
        check_message(params.get("text"), params.get("blocks"))
        text = params.get("text")
        message = self.workspace.update_message(
            channel.id,
            str(params.get("ts") or ""),
            text=str(text) if text is not None else None,
            blocks=self._list_param(params, "blocks", "invalid_blocks"),
            metadata=self._dict_param(params, "metadata", "invalid_metadata_format"),
        )
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": self._message(message),
        }

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_param(params)
        message = self.workspace.delete_message(channel.id, str(params.get("ts") or ""))
        return {"channel": channel.id, "ts": message.ts}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_param(params)
        check_message(params.get("text"), params.get("blocks"))
        ephemeral = self.workspace.post_ephemeral(
            channel.id,
            str(params.get("user") or ""),
            str(params.get("text") or ""),
            blocks=self._list_param(params, "blocks", "invalid_blocks"),
            thread_ts=str(params["thread_ts"]) if params.get("thread_ts") else None,
        )
        return {"message_ts": ephemeral.ts}

    def _chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_param(params)
        message = self.workspace.message(channel.id, str(params.get("message_ts") or ""))
        if message is None:
            raise SlackError("message_not_found")
        link = f"{self.base_url}/archives/{channel.id}/p{message.ts.replace('.', '')}"
        if message.is_reply:
            link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    def _usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        members = self.workspace.usergroup_members(str(params.get("usergroup") or ""))
        if members is None:
            raise SlackError("no_such_subteam")
        return {"users": members}

    def _conversations_join(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.workspace.join(self._channel_param(params).id)
        return {"channel": self._channel_payload(channel)}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel_payload(self._channel_param(params))}

    def _conversations_list(self, params: dict[str, Any]) -> dict[str, Any]:
        types = str(params.get("types") or "public_channel").split(",")
        wanted = [
            c
            for c in self.workspace.channels()
            if ("im" in types and c.is_im)
            or ("private_channel" in types and c.is_private)
            or ("public_channel" in types and not c.is_im and not c.is_private)
        ]
        page, meta = _page([self._channel_payload(c) for c in wanted], params)
        meta.pop("has_more")
        return {"channels": page, **meta}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if len(users) != 1 or self.workspace.user(users[0], create=False) is None:
            raise SlackError("user_not_found")
        channel = self.workspace.channel(users[0])
        if channel is None:
            raise SlackError("user_not_found")
        return {"channel": {"id": channel.id}}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_param(params)
        metadata = bool(params.get("include_all_metadata"))
        messages = [
            self._message(m, metadata)
            for m in reversed(self.workspace.messages(channel.id))
            if _in_range(m.ts, params)
        ]
        page, meta = _page(messages, params)
        return {"messages": page, "pin_count": 0, **meta}

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_param(params)
        thread = self.workspace.thread(channel.id, str(params.get("ts") or ""))
        if not thread:
            raise SlackError("thread_not_found")
        metadata = bool(params.get("include_all_metadata"))
        parent, replies = thread[0], [m for m in thread[1:] if _in_range(m.ts, params)]
        page, meta = _page([self._message(m, metadata) for m in [parent, *replies]], params)
        return {"messages": page, **meta}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.workspace.user(str(params.get("user") or ""), create=False)
        if user is None or not params.get("user"):
            raise SlackError("user_not_found")
        return {"user": self._user_payload(user)}

    def _users_lookup_by_email(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.workspace.user_by_email(str(params.get("email") or ""))
        if user is None:
            raise SlackError("users_not_found")
        return {"user": self._user_payload(user)}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        check_view(params.get("view"))
        view = self.workspace.open_view(params.get("view"), trigger_id=params.get("trigger_id"))
        return {"view": view.view}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        check_view(params.get("view"))
        view = self.workspace.update_view(
            params.get("view"),
            view_id=params.get("view_id") or None,
            external_id=params.get("external_id") or None,
            hash=params.get("hash") or None,
        )
        return {"view": view.view}

    def _views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        check_view(params.get("view"))
        view = self.workspace.push_view(params.get("view"), trigger_id=params.get("trigger_id"))
        return {"view": view.view}

    def _files_get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(params.get("length") or 0)
        except (TypeError, ValueError) as e:
            raise SlackError("invalid_arguments") from e
        upload = self.workspace.reserve_upload(
            str(params.get("filename") or ""),
            length,
            alt_txt=params.get("alt_txt"),
            snippet_type=params.get("snippet_type"),
        )
        return {"upload_url": self.upload_url(upload.id), "file_id": upload.id}

    def _files_complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        files = self._list_param(params, "files", "invalid_arguments") or []
        channel = params.get("channel_id") or str(params.get("channels") or "").split(",")[0]
        if channel:
            channel = self._channel_param({"channel": channel}).id
        done, _ = self.workspace.complete_uploads(
            files,
            channel=channel or None,
            initial_comment=params.get("initial_comment") or None,
            thread_ts=str(params["thread_ts"]) if params.get("thread_ts") else None,
        )
        return {"files": done}
