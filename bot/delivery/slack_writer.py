"""How one outbox message reaches Slack: posted, edited or uploaded, in plain text when Slack
refuses its shape, and found again when an earlier attempt may already have landed.

A post carries its outbox ID in Slack message metadata, an upload in its file name: if the
process dies after Slack took the message but before it was recorded, or the call timed out
after Slack took it, the next attempt finds the message there instead of sending it again.
"""

import json
import logging
import urllib.error
import urllib.request

from slack_sdk import WebClient

from bot.slack.api import SlackFailure, call
from bot.slack.blocks import plain_fallback
from bot.slack.channels import ChannelDirectory
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

METADATA_EVENT = "sre_bot_outbox"
# A file upload is three calls: files.getUploadURLExternal, the bytes to the URL it returns,
# files.completeUploadExternal (which shares the file).
UPLOAD_METHOD = "files.completeUploadExternal"
# Slack stamps messages with its own clock: look this far back for an earlier post.
CLOCK_SKEW_MARGIN = 120.0


class Refused(Exception):
    """Slack will not take the message, not even as plain text: set it aside, say so."""

    def __init__(self, failure: SlackFailure) -> None:
        super().__init__(str(failure))
        self.failure = failure


class SlackWriter:
    def __init__(self, client: WebClient, channels: ChannelDirectory) -> None:
        self.client = client
        self.channels = channels

    def post(
        self, message: OutboxMessage, channel: str, thread_ts: str | None, payload: dict
    ) -> dict:
        """chat.postMessage (joining a public channel the bot is not in, once)."""
        where = {
            "channel": channel,
            "unfurl_links": False,
            "unfurl_media": False,
            "metadata": {"event_type": METADATA_EVENT, "event_payload": {"outbox_id": message.id}},
        }
        if thread_ts:
            where["thread_ts"] = thread_ts
        try:
            return self._call_or_plain(message, "chat.postMessage", where, payload)
        except SlackFailure as failure:
            if failure.kind != "not_in_channel":
                raise
            channel_id = self.channels.resolve(channel)
            if channel_id is None:
                raise
            call(self.client, "conversations.join", channel=channel_id)
            return self._call_or_plain(message, "chat.postMessage", where, payload)

    def update(self, message: OutboxMessage, channel: str, ts: str, payload: dict) -> None:
        where = {"channel": channel, "ts": ts}
        self._call_or_plain(message, "chat.update", where, payload, replace_blocks=True)

    def upload(self, channel_id: str, thread_ts: str | None, filename: str, upload: dict) -> str:
        """Upload a file into the thread (or the channel); the file's ID."""
        content: bytes = upload["content"]
        slot = call(
            self.client,
            "files.getUploadURLExternal",
            filename=filename,
            length=len(content),
            alt_txt=str(upload.get("alt_txt") or "")[:1000],
        )
        self._put(str(slot["upload_url"]), content)
        params: dict = {
            "files": json.dumps([{"id": slot["file_id"], "title": upload.get("title")}]),
            "channel_id": channel_id,
        }
        if thread_ts:
            params["thread_ts"] = thread_ts
        call(self.client, UPLOAD_METHOD, **params)
        return str(slot["file_id"])

    def find_post(self, message: OutboxMessage, channel: str, thread_ts: str | None) -> str | None:
        """After a crash mid-send or a timeout: the ts of our earlier post of this message, if
        Slack has it; None when the look-up worked and found none. SlackFailure otherwise."""
        channel_id = self.channels.resolve(channel)
        if channel_id is None:
            raise SlackFailure("conversations.info", "unavailable", f"cannot resolve {channel}")
        # A failed look-up raises: the caller decides whether to wait or to post.
        recent = self._recent(channel_id, thread_ts, message, include_all_metadata=True)
        for item in recent:
            meta = item.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == METADATA_EVENT and payload.get("outbox_id") == message.id:
                return str(item.get("ts"))
        return None

    def find_upload(
        self, message: OutboxMessage, channel_id: str, thread_ts: str | None, filename: str
    ) -> str | None:
        """After a crash or timeout mid-upload: the file's ID, if Slack already shared it;
        None when the look-up worked and found none. SlackFailure otherwise."""
        for item in self._recent(channel_id, thread_ts, message):
            for file in item.get("files") or []:
                if file.get("name") == filename:
                    return str(file.get("id"))
        return None

    def _call_or_plain(
        self,
        message: OutboxMessage,
        method: str,
        where: dict,
        payload: dict,
        *,
        replace_blocks: bool = False,
    ) -> dict:
        """Send the message; if Slack refuses its shape (its blocks, its length), send the
        same words as plain text. Refused again: `Refused`."""
        try:
            return call(self.client, method, **where, **payload)
        except SlackFailure as failure:
            if failure.kind != "shape":
                raise
            log.warning(
                "outbox: Slack refused message %s (%s, %s); sending it as plain text",
                message.id,
                message.template,
                failure.error,
            )
        plain = plain_fallback(payload, replace_blocks=replace_blocks)
        try:
            return call(self.client, method, **where, **plain)
        except SlackFailure as again:
            if again.kind in ("shape", "permanent", "unknown"):
                raise Refused(again) from again
            raise

    def _put(self, url: str, content: bytes) -> None:
        request = urllib.request.Request(
            url,
            data=content,
            method="POST",
            headers={"Content-Type": "application/octet-stream"},
        )
        try:
            with urllib.request.urlopen(request, timeout=float(self.client.timeout)) as answer:
                answer.read()
        except urllib.error.HTTPError as exc:
            raise SlackFailure("files.upload", "unavailable", f"http_{exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            error = "timeout" if isinstance(reason, TimeoutError) else f"connection: {reason}"
            raise SlackFailure("files.upload", "unavailable", error[:200]) from exc

    def _recent(
        self, channel: str, thread_ts: str | None, message: OutboxMessage, **options: object
    ) -> list[dict]:
        """The messages of the thread (or channel) since the outbox message was owed (and a
        margin before, for a bot host whose clock runs behind Slack's)."""
        oldest = f"{message.created_at.timestamp() - CLOCK_SKEW_MARGIN:.6f}"
        method, where = (
            ("conversations.replies", {"ts": thread_ts})
            if thread_ts
            else ("conversations.history", {})
        )
        data = call(
            self.client, method, channel=channel, oldest=oldest, limit=200, **where, **options
        )
        return list(data.get("messages") or [])
