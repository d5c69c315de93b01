"""Events API: a mention gets a pointer to the help. Slack retries events; each is handled once."""

import logging

from slack_bolt import App, Say

from bot.runtime import Runtime
from bot.slack_api import SlackFailure
from commands.deliveries import first_delivery

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    @app.event("app_mention")
    def mentioned(body: dict, event: dict, say: Say) -> None:
        event_id = str(body.get("event_id") or "")
        if event_id and not first_delivery(runtime.ctx, event_id):
            return
        try:
            say(text=runtime.t("mention.help"), thread_ts=event.get("thread_ts") or event.get("ts"))
        except (SlackFailure, Exception) as exc:
            log.warning("could not answer a mention: %s", exc)
