"""`/slo`: the SLO report, or one SLO's detail, answered after the ack.

Prometheus can take seconds (or not answer): the command is acknowledged at once and the
figures follow through the response_url (an ephemeral post if that fails).
"""

import logging
from functools import partial

from slack_bolt import Ack, App, Respond

from bot.i18n import Translator
from bot.runtime import Runtime
from bot.slack.blocks import escape
from bot.slack.common import answer_after_ack, ephemeral, failure_text
from bot.slack.slo import views
from commands.context import Context
from commands.errors import ConfigError, PrometheusUnavailable
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
    @app.command("/slo")
    def slo_command(ack: Ack, command: dict, respond: Respond) -> None:
        t = runtime.t
        request = parse_slo(str(command.get("text") or ""))
        if request.sub == "help":
            ack(response_type="ephemeral", text=t("slo.usage"))
            return
        ack()
        answer = partial(slo_answer, runtime.ctx, t, request)
        answer_after_ack(runtime, command, respond, answer, slo_error_text)
