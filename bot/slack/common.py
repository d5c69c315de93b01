"""What every listener does the same way: answer a slash command, register a button or a
form, open a modal, tell a person something, read a payload, and turn a failure into words.

A listener answers Slack within its 3 seconds: only database work happens before `ack()`,
and anything that calls Slack runs after it (`runtime.later`). Failures never reach Bolt:
a person is told what went wrong, in the catalog's words.
"""

import logging
import uuid
from collections.abc import Callable

from slack_bolt import Ack, App, Respond

from bot.i18n import Translator, error_text
from bot.runtime import Runtime
from bot.slack.api import SlackFailure, call
from bot.slack.ids import Action, Block, Callback
from commands.errors import CommandError
from storage.db import DatabaseUnavailable

log = logging.getLogger(__name__)

# Text that is told to the person who pressed, or None to tell nothing.
Work = Callable[[dict, Translator], str | None]


# --- words --------------------------------------------------------------------------------


def failure_text(t: Translator, exc: BaseException) -> str:
    """What to tell a person when their request failed."""
    if isinstance(exc, CommandError):
        return error_text(t, exc)
    if isinstance(exc, DatabaseUnavailable):
        log.error("database unavailable: %s", exc)
        return t("error.database")
    if isinstance(exc, SlackFailure):
        log.warning("a Slack call for a person failed: %s", exc)
        return t("error.internal", ref=exc.error)
    reference = uuid.uuid4().hex[:8]
    log.error("request failed (reference %s)", reference, exc_info=exc)
    return t("error.internal", ref=reference)


def ephemeral(message: str | dict, blocks: list | None = None) -> dict:
    """An answer only the person who asked sees: words, or a built message."""
    answer: dict = {"response_type": "ephemeral"}
    answer.update({"text": message} if isinstance(message, str) else message)
    if blocks:
        answer["blocks"] = blocks
    return answer


# --- reading a payload --------------------------------------------------------------------


def user_id(body: dict) -> str:
    """The ID of the person behind an interaction payload ('' when absent)."""
    return str((body.get("user") or {}).get("id") or "")


def pressed_value(body: dict) -> str:
    """The `value` of the button that was pressed ('' when absent)."""
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def channel_of(body: dict) -> str | None:
    """The channel an interaction came from: the payload's channel, else its container's."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return str(channel) if channel else None


def _pressed_in_ephemeral(body: dict) -> bool:
    return bool((body.get("container") or {}).get("is_ephemeral"))


# --- telling ------------------------------------------------------------------------------


def tell(respond: Respond, text: str, *, replace: bool = False) -> None:
    """An ephemeral word to the person who pressed a button. What they did is already
    recorded, so Slack being down must not turn it into an error."""
    try:
        respond(response_type="ephemeral", text=text, replace_original=replace)
    except Exception as exc:  # a failed answer is logged; the change stands
        log.warning("could not answer through response_url: %s", exc)


def tell_in_channel(runtime: Runtime, channel: str | None, user: str, text: str) -> None:
    """An ephemeral message to `user` in `channel` (after a form, which has no response_url)."""
    if not channel:
        return
    try:
        call(runtime.client, "chat.postEphemeral", channel=channel, user=user, text=text)
    except SlackFailure as failure:
        log.info("could not tell %s in %s: %s", user, channel, failure)


def open_modal(runtime: Runtime, trigger_id: object, view: dict) -> None:
    """views.open for the interaction that issued `trigger_id` (a SlackFailure is the
    caller's to turn into words)."""
    call(runtime.client, "views.open", trigger_id=str(trigger_id or ""), view=view)


# --- registering --------------------------------------------------------------------------


def answer_command(
    ack: Ack,
    t: Translator,
    answer: Callable[[], dict],
    words: Callable[[Translator, BaseException], str] = failure_text,
) -> bool:
    """Acknowledge a slash command with `answer()`, or with what went wrong (`words`).
    True when the answer was given."""
    try:
        message = answer()
    except Exception as exc:  # every failure becomes words for the person
        ack(**ephemeral(words(t, exc)))
        return False
    ack(**message)
    return True


def answer_after_ack(
    runtime: Runtime,
    command: dict,
    respond: Respond,
    answer: Callable[[], dict],
    words: Callable[[Translator, BaseException], str] = failure_text,
) -> None:
    """For a slash command whose answer takes time (Prometheus, a report over a period): the
    caller has acked; `answer()` runs after and goes through the response_url, or as an
    ephemeral message when the response_url no longer takes it."""
    name = str(command.get("command") or "command")
    user = str(command.get("user_id") or "")
    channel = str(command.get("channel_id") or "")

    def run() -> None:
        try:
            message = answer()
        except Exception as exc:  # every failure becomes words for the person
            message = ephemeral(words(runtime.t, exc))
        try:
            respond(**message)
            return
        except Exception as exc:  # the response_url may have expired: post instead
            log.warning("%s: the response_url did not take the answer (%s); posting", name, exc)
        try:
            call(
                runtime.client,
                "chat.postEphemeral",
                channel=channel,
                user=user,
                text=message["text"],
                blocks=message.get("blocks") or [],
            )
        except SlackFailure as failure:
            log.warning("%s: could not answer %s: %s", name, user, failure)

    runtime.later(run)


def later(runtime: Runtime, work: Callable[[], str | None], respond: Respond, body: dict) -> None:
    """Run `work` after the ack; tell the person what it returns, or what went wrong."""

    def run() -> None:
        t = runtime.t
        try:
            text = work()
        except Exception as exc:  # every failure becomes words for the person
            text = failure_text(t, exc)
        else:
            runtime.changed()
        if text:
            tell(respond, text, replace=_pressed_in_ephemeral(body))

    runtime.later(run)


def on_button(app: App, runtime: Runtime, action: Action, work: Work) -> None:
    """A button: acknowledged at once; `work(body, t)` runs after the ack, and the text it
    returns is told to the person who pressed (replacing the message when that was theirs
    alone, such as a list of candidates)."""

    @app.action(action.value)
    def pressed(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        later(runtime, lambda: work(body, runtime.t), respond, body)


class FieldError(Exception):
    """A form's answer to show next to one of its fields."""

    def __init__(self, block: Block, text: str) -> None:
        super().__init__(text)
        self.block, self.text = block, text


FormWork = Callable[[dict, dict, Translator], Callable[[], object] | None]


def on_form(
    app: App,
    runtime: Runtime,
    callback: Callback,
    submit: FormWork,
    field_for: Callable[[CommandError], Block],
) -> None:
    """A form: `submit(body, view, t)` does the database work before the ack. A FieldError
    or CommandError goes back into the form next to its field (`field_for`); what `submit`
    returns runs after the ack."""

    @app.view(callback.value)
    def submitted(ack: Ack, body: dict, view: dict) -> None:
        t = runtime.t
        try:
            after = submit(body, view, t)
        except FieldError as error:
            ack(response_action="errors", errors={error.block.value: error.text})
            return
        except CommandError as error:
            ack(response_action="errors", errors={field_for(error).value: error_text(t, error)})
            return
        except Exception as exc:  # every failure becomes words, next to the form's first field
            block = field_for(CommandError("error.internal"))
            ack(response_action="errors", errors={block.value: failure_text(t, exc)})
            return
        ack()
        runtime.changed()
        if after is not None:
            runtime.later(after)
