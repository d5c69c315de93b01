"""`/slo`: the SLO report, or one SLO's detail, answered after the ack.

Prometheus can take seconds (or not answer): the command is acknowledged at once and the
figures follow through the response_url (an ephemeral post if that fails).
"""

import logging

from slack_bolt import Ack, App, Respond

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.slack.api import SlackFailure, call
from bot.slack.blocks import escape
from bot.slack.common import failure_text
from bot.slack.slo import views
from commands.context import Context
from commands.errors import ConfigError
from commands.prometheus import PrometheusUnavailable
from commands.slo import evaluation as slo
from commands.slo.loading import load_slos
from commands.slo.slash import SloRequest, parse_slo

log = logging.getLogger(__name__)


def _ephemeral(text: str, blocks: list | None = None) -> dict:
    answer: dict = {"response_type": "ephemeral", "text": text}
    if blocks:
        answer["blocks"] = blocks
    return answer


def slo_answer(ctx: Context, t: Translator, request: SloRequest) -> dict:
    """The ephemeral answer to `/slo [name]`: the report, one SLO's detail, or what went wrong."""
    name = request.name
    try:
        specs = load_slos(ctx.config)
        if not specs:
            return _ephemeral(t("slo.none"))
        if name:
            spec = slo.find_slo(specs, name)
            [result] = slo.evaluate(ctx, [spec]).results
            message = views.detail_message(result, t)
        else:
            message = views.report_message(slo.evaluate(ctx, specs), t)
    except PrometheusUnavailable as exc:
        return _ephemeral(views.unreachable_text(t, exc.url, exc.reason))
    except ConfigError as exc:
        log.error("SLO spec problem: %s", exc)
        return _ephemeral(t("slo.spec_error", problem=escape(str(exc))))
    except Exception as exc:
        return _ephemeral(failure_text(t, exc))
    return _ephemeral(message["text"], message["blocks"])


def register(app: App, runtime: Runtime) -> None:
    def answer_later(request: SloRequest, user: str, channel: str, respond: Respond) -> None:
        t = runtime.t
        answer = slo_answer(runtime.ctx, t, request)
        try:
            respond(**answer)
            return
        except Exception as exc:
            log.warning("/slo: the response_url did not take the answer (%s); posting", exc)
        try:
            call(
                runtime.client,
                "chat.postEphemeral",
                channel=channel,
                user=user,
                text=answer["text"],
                blocks=answer.get("blocks") or [],
            )
        except SlackFailure as failure:
            log.warning("/slo: could not answer %s: %s", user, failure)

    @app.command("/slo")
    def slo_command(ack: Ack, command: dict, respond: Respond) -> None:
        t = runtime.t
        request = parse_slo(str(command.get("text") or ""))
        if request.sub == "help":
            ack(response_type="ephemeral", text=t("slo.usage"))
            return
        ack()
        user = str(command.get("user_id") or "")
        channel = str(command.get("channel_id") or "")
        runtime.later(lambda: answer_later(request, user, channel, respond))
