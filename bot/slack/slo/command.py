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
from bot.slack.common import ephemeral, failure_text
from bot.slack.slo import views
from commands.context import Context
from commands.errors import ConfigError
from commands.prometheus import PrometheusUnavailable
from commands.slo import evaluation as slo
from commands.slo.loading import load_slos
from commands.slo.slash import SloRequest, parse_slo

log = logging.getLogger(__name__)


def slo_error_text(t: Translator, exc: BaseException) -> str:
    """Like `failure_text`, naming an unreachable Prometheus or a broken spec file."""
    if isinstance(exc, PrometheusUnavailable):
        return views.unreachable_text(t, exc.url, exc.reason)
    if isinstance(exc, ConfigError):
        log.error("SLO spec problem: %s", exc)
        return t("slo.spec_error", problem=escape(str(exc)))
    return failure_text(t, exc)


def slo_answer(ctx: Context, t: Translator, request: SloRequest) -> dict:
    """The ephemeral answer to `/slo [name]`: the report, or one SLO's detail."""
    specs = load_slos(ctx.config)
    if not specs:
        return ephemeral(t("slo.none"))
    if request.name:
        [result] = slo.evaluate(ctx, [slo.find_slo(specs, request.name)]).results
        return ephemeral(views.detail_message(result, t))
    return ephemeral(views.report_message(slo.evaluate(ctx, specs), t))


def register(app: App, runtime: Runtime) -> None:
    def answer_later(request: SloRequest, user: str, channel: str, respond: Respond) -> None:
        t = runtime.t
        try:
            answer = slo_answer(runtime.ctx, t, request)
        except Exception as exc:  # every failure becomes words for the person
            answer = ephemeral(slo_error_text(t, exc))
        try:
            respond(**answer)
            return
        except Exception as exc:  # the response_url may have expired: post instead
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
