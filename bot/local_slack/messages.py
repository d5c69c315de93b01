"""The workspace's messages, ephemeral messages and file uploads (a part of `Workspace`)."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import replace
from typing import Any, TypedDict, Unpack

from bot.local_slack.objects import (
    EPHEMERAL_DELETED,
    EPHEMERAL_POSTED,
    EPHEMERAL_UPDATED,
    MESSAGE_DELETED,
    MESSAGE_POSTED,
    MESSAGE_UPDATED,
    Channel,
    Ephemeral,
    FileUpload,
    Message,
    SlackError,
    _mutator,
)
from bot.local_slack.state import WorkspaceState

log = logging.getLogger(__name__)


class PostFields(TypedDict, total=False):
    """What a posted message may carry besides its text."""

    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    metadata: dict[str, Any] | None
    user: str | None  # the author's ID; the bot when left out
    username: str | None
    files: list[dict[str, Any]] | None
    attachments: list[dict[str, Any]] | None
    reply_broadcast: bool


class Messages(WorkspaceState):
    """Messages, ephemeral messages and file uploads, over the workspace's state."""

    # ---- messages

    def _post_message(
        self, channel_ref: str, text: str = "", **fields: Unpack[PostFields]
    ) -> Message:
        channel = self._require_channel(channel_ref)
        blocks, files = fields.get("blocks"), fields.get("files")
        attachments = fields.get("attachments")
        if not text and not blocks and not files and not attachments:
            raise SlackError("no_text")
        history = self._messages[channel.id]
        thread_ts = fields.get("thread_ts")
        if thread_ts:
            parent = history.get(thread_ts)
            if parent is not None:
                if parent.is_reply and parent.thread_ts:
                    thread_ts = parent.thread_ts
                    parent = history.get(thread_ts)
                if parent is not None and parent.thread_ts is None:
                    history[parent.ts] = replace(parent, thread_ts=parent.ts)
        user = fields.get("user")
        author = self._users.get(user) if user else self.bot
        if author is None:
            raise SlackError("user_not_found")
        message = Message(
            channel=channel.id,
            ts=self._next_ts(),
            text=text or "",
            blocks=list(blocks or []),
            thread_ts=thread_ts or None,
            metadata=fields.get("metadata") or None,
            user=author.id,
            bot_id=author.bot_id,
            username=fields.get("username"),
            files=list(files or []),
            attachments=list(attachments or []),
            reply_broadcast=fields.get("reply_broadcast", False),
        )
        history[message.ts] = message
        self._emit(MESSAGE_POSTED, message)
        return message

    @_mutator
    def post_message(self, channel: str, text: str = "", **fields: Unpack[PostFields]) -> Message:
        """Post a message; by the bot unless `user` (an ID) is given."""
        return self._post_message(channel, text, **fields)

    def _find_message(self, channel_ref: str, ts: str) -> Message:
        channel = self._channel(channel_ref, create=False)
        if channel is None:
            raise SlackError("channel_not_found")
        message = self._messages[channel.id].get(ts)
        if message is None:
            raise SlackError("message_not_found")
        return message

    def _update_message(
        self,
        channel_ref: str,
        ts: str,
        *,
        text: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
        as_app: bool = True,
    ) -> Message:
        message = self._find_message(channel_ref, ts)
        if as_app and message.bot_id is None:
            raise SlackError("cant_update_message")
        changes: dict[str, Any] = {"edited": message.edited + 1}
        if text is not None:
            changes["text"] = text
        if blocks is not None:
            changes["blocks"] = list(blocks)
        if metadata is not None:
            changes["metadata"] = metadata or None
        message = replace(message, **changes)
        self._messages[message.channel][ts] = message
        self._emit(MESSAGE_UPDATED, message)
        return message

    @_mutator
    def update_message(
        self,
        channel: str,
        ts: str,
        *,
        text: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Message:
        """Edit a message the app posted; fields left None keep their value."""
        return self._update_message(channel, ts, text=text, blocks=blocks, metadata=metadata)

    def _delete_message(self, channel_ref: str, ts: str) -> Message:
        message = self._find_message(channel_ref, ts)
        del self._messages[message.channel][ts]
        self._emit(MESSAGE_DELETED, message)
        return message

    @_mutator
    def delete_message(self, channel: str, ts: str) -> Message:
        return self._delete_message(channel, ts)

    def message(self, channel: str, ts: str) -> Message | None:
        with self.condition:
            try:
                return self._find_message(channel, ts)
            except SlackError:
                return None

    def messages(self, channel: str, *, include_replies: bool = False) -> list[Message]:
        """A channel's messages, oldest first: top-level ones only unless `include_replies`."""
        with self.condition:
            found = self._channel(channel, create=False)
            if found is None:
                return []
            return [
                m
                for m in self._messages[found.id].values()
                if include_replies or not m.is_reply or m.reply_broadcast
            ]

    def thread(self, channel: str, ts: str) -> list[Message]:
        """A thread, parent first then replies oldest first ([] if there is no such message)."""
        with self.condition:
            found = self._channel(channel, create=False)
            if found is None:
                return []
            history = self._messages[found.id]
            parent = history.get(ts)
            if parent is None:
                return []
            if parent.is_reply:
                return [parent]
            return [parent, *(m for m in history.values() if m.is_reply and m.thread_ts == ts)]

    def message_payload(self, message: Message, *, metadata: bool = True) -> dict[str, Any]:
        """The message as the Web API returns it."""
        with self.condition:
            payload: dict[str, Any] = {"type": "message", "ts": message.ts, "text": message.text}
            payload["user"] = message.user
            if message.bot_id:
                payload["bot_id"] = message.bot_id
                payload["app_id"] = self.app_id
            if message.username:
                payload["username"] = message.username
            payload["team"] = self.team_id
            if message.blocks:
                payload["blocks"] = message.blocks
            if message.attachments:
                payload["attachments"] = message.attachments
            if message.files:
                payload["files"] = message.files
                payload["upload"] = True
            if message.thread_ts:
                payload["thread_ts"] = message.thread_ts
                if not message.is_reply:
                    replies = [
                        m
                        for m in self._messages.get(message.channel, {}).values()
                        if m.is_reply and m.thread_ts == message.ts
                    ]
                    payload["reply_count"] = len(replies)
                    payload["reply_users"] = sorted({m.user for m in replies if m.user})
                    payload["reply_users_count"] = len(payload["reply_users"])
                    if replies:
                        payload["latest_reply"] = replies[-1].ts
                elif message.reply_broadcast:
                    payload["subtype"] = "thread_broadcast"
            if message.edited:
                payload["edited"] = {"user": message.user, "ts": message.ts}
            if metadata and message.metadata:
                payload["metadata"] = message.metadata
            return payload

    # ---- ephemeral messages

    def _post_ephemeral(
        self,
        channel_ref: str,
        user_ref: str,
        *,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> Ephemeral:
        channel = self._require_channel(channel_ref)
        user = self._user(user_ref, create=False) if user_ref else None
        if user is None:
            raise SlackError("user_not_found")
        if not text and not blocks:
            raise SlackError("no_text")
        ephemeral = Ephemeral(
            channel=channel.id,
            user=user.id,
            ts=self._next_ts(),
            text=text or "",
            blocks=list(blocks or []),
            thread_ts=thread_ts or None,
            bot_id=self.bot.bot_id,
        )
        self._ephemerals[ephemeral.ts] = ephemeral
        self._emit(EPHEMERAL_POSTED, ephemeral)
        return ephemeral

    @_mutator
    def post_ephemeral(
        self,
        channel: str,
        user: str,
        text: str = "",
        *,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> Ephemeral:
        return self._post_ephemeral(channel, user, text=text, blocks=blocks, thread_ts=thread_ts)

    def _replace_ephemeral(
        self, ts: str, *, text: str | None, blocks: list[dict[str, Any]] | None
    ) -> Ephemeral:
        ephemeral = self._ephemerals.get(ts)
        if ephemeral is None:
            raise SlackError("message_not_found")
        ephemeral = replace(
            ephemeral,
            text=text if text is not None else ephemeral.text,
            blocks=list(blocks) if blocks is not None else ephemeral.blocks,
            replaced=ephemeral.replaced + 1,
        )
        self._ephemerals[ts] = ephemeral
        self._emit(EPHEMERAL_UPDATED, ephemeral)
        return ephemeral

    def _delete_ephemeral(self, ts: str) -> Ephemeral:
        ephemeral = self._ephemerals.pop(ts, None)
        if ephemeral is None:
            raise SlackError("message_not_found")
        self._emit(EPHEMERAL_DELETED, ephemeral)
        return ephemeral

    def ephemeral(self, ts: str) -> Ephemeral | None:
        with self.condition:
            return self._ephemerals.get(ts)

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[Ephemeral]:
        """Ephemeral messages still shown, oldest first, optionally for one channel and/or user."""
        with self.condition:
            channel_id = None
            if channel is not None:
                found = self._channel(channel, create=False)
                if found is None:
                    return []
                channel_id = found.id
            user_id = None
            if user is not None:
                found_user = self._user(user, create=False)
                if found_user is None:
                    return []
                user_id = found_user.id
            return [
                e
                for e in self._ephemerals.values()
                if (channel_id is None or e.channel == channel_id)
                and (user_id is None or e.user == user_id)
            ]

    # ---- files

    @_mutator
    def reserve_upload(
        self,
        filename: str,
        length: int,
        *,
        alt_txt: str | None = None,
        snippet_type: str | None = None,
    ) -> FileUpload:
        """files.getUploadURLExternal: a file id whose content is POSTed next."""
        if not filename or length <= 0:
            raise SlackError("invalid_arguments")
        upload = FileUpload(
            id=self._next_id("F"),
            filename=filename,
            length=length,
            alt_txt=alt_txt,
            snippet_type=snippet_type,
        )
        self._uploads[upload.id] = upload
        return upload

    @_mutator
    def store_upload(self, file_id: str, content: bytes) -> FileUpload:
        upload = self._uploads.get(file_id)
        if upload is None:
            raise SlackError("file_not_found")
        upload = replace(upload, content=content)
        self._uploads[file_id] = upload
        return upload

    def upload(self, file_id: str) -> FileUpload | None:
        with self.condition:
            return self._uploads.get(file_id)

    @_mutator
    def complete_uploads(
        self,
        files: list[dict[str, Any]],
        *,
        channel: str | None = None,
        initial_comment: str | None = None,
        thread_ts: str | None = None,
    ) -> tuple[list[dict[str, Any]], Message | None]:
        """files.completeUploadExternal: finish uploads and share them in `channel` if given."""
        if not files:
            raise SlackError("invalid_arguments")
        target = self._require_channel(channel) if channel else None
        done: list[dict[str, Any]] = []
        for item in files:
            upload = self._uploads.get(str(item.get("id", "")))
            if upload is None or upload.content is None:
                raise SlackError("file_not_found")
            title = item.get("title") or upload.filename
            upload = replace(upload, title=title, completed=True)
            self._uploads[upload.id] = upload
            done.append(self._file_payload(upload, target))
        message = None
        if target is not None:
            message = self._post_message(
                target.id, text=initial_comment or "", thread_ts=thread_ts, files=done
            )
        return done, message

    def _file_payload(self, upload: FileUpload, channel: Channel | None) -> dict[str, Any]:
        mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        return {
            "id": upload.id,
            "created": int(self._clock()),
            "name": upload.filename,
            "title": upload.title or upload.filename,
            "mimetype": mimetype,
            "filetype": upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "",
            "user": self.bot.id,
            "size": len(upload.content or b""),
            "alt_txt": upload.alt_txt,
            "channels": [channel.id] if channel else [],
        }
