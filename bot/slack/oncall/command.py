"""`/oncall`: who is on call now and next, the schedule, swaps, covers. Every answer is
ephemeral and comes from database work only, well within Slack's 3 seconds."""

from slack_bolt import Ack, App

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.slack.blocks import escape, who
from bot.slack.common import answer_command, ephemeral, failure_text
from bot.slack.oncall import views
from bot.slack.usergroups import UserGroups
from commands.context import Context
from commands.errors import CommandError
from commands.oncall import overrides
from commands.oncall import schedule as oncall
from commands.oncall.overrides import Changer
from commands.oncall.slash import USAGE, OnCallRequest, parse_oncall
from commands.people import GroupCheck

HELP_TOPICS = ("now", "schedule", "swap", "cover", "remove", "help")


def help_text(t: Translator) -> str:
    lines = [t("oncall.help_header", tz=t.tz.key)]
    lines += [f"• `{escape(USAGE[sub])}` — {t(f'oncall.help.{sub}')}" for sub in HELP_TOPICS]
    return "\n".join(lines)


def oncall_error_text(t: Translator, exc: BaseException) -> str:
    """Like `failure_text`, with the usage of `/oncall` where the person needs it."""
    if isinstance(exc, CommandError) and exc.key == "oncall.usage_unknown":
        return t(exc.key, **exc.params) + "\n\n" + help_text(t)
    if isinstance(exc, CommandError) and exc.key == "oncall.usage_bad":
        return t(exc.key, sub=exc.params["sub"], usage=escape(str(exc.params["usage"])))
    if isinstance(exc, CommandError) and exc.key.startswith("error.oncall"):
        params = dict(exc.params)
        if "who" in params:
            params["who"] = who(str(params["who"]))
        if "given" in params:
            params["given"] = escape(str(params["given"]))
        if "people" in params:
            params["people"] = ", ".join(who(str(p)) for p in params["people"]) or "—"
        return t(exc.key, **params)
    return failure_text(t, exc)


def run_request(
    ctx: Context, t: Translator, request: OnCallRequest, user: str, groups: GroupCheck | None = None
) -> dict:
    """Carry out one parsed `/oncall` request; the ephemeral answer for the person."""
    sub = request.sub
    by = Changer(user, in_group=groups)
    if sub == "help":
        return ephemeral(help_text(t))
    if sub == "now":
        stale = oncall.stale_overrides(ctx)
        message = views.now_message(oncall.who_is_on_call(ctx), ctx.config, t, stale)
    elif sub == "schedule":
        segments = oncall.schedule(ctx, request.weeks)
        message = views.schedule_message(segments, request.weeks, ctx.config, t)
    elif sub == "swap":
        assert request.first is not None and request.second is not None
        result = overrides.swap(ctx, request.first, request.second, by)
        message = {"text": views.override_answer(result.rows, ctx.config, t)}
    elif sub == "cover":
        assert request.first is not None and request.second is not None
        result = overrides.cover(ctx, request.user, request.first, request.second, by)
        message = {"text": views.override_answer(result.rows, ctx.config, t)}
    elif sub == "remove":
        kept = overrides.remove_override(ctx, request.override_id, by)
        key = "oncall.removed_ends_now" if kept else "oncall.removed"
        message = {"text": t(key, id=request.override_id)}
    else:
        raise AssertionError(f"unhandled sub-command {sub}")
    return ephemeral(message)


def register(app: App, runtime: Runtime) -> None:
    groups = UserGroups(runtime.client)

    @app.command("/oncall")
    def oncall_command(ack: Ack, command: dict) -> None:
        t = runtime.t
        user = str(command.get("user_id") or "")
        text = str(command.get("text") or "")

        def answer() -> dict:
            request = parse_oncall(text, runtime.ctx.config.slack.tz)
            return run_request(runtime.ctx, t, request, user, groups)

        answer_command(ack, t, answer, oncall_error_text)
