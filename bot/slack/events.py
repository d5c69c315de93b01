"""Events API: a mention gets a pointer to the help. Slack retries events; each is handled once."""

from slack_bolt import App, Say

from bot.runtime import Runtime
from commands.deliveries import first_delivery


def register(app: App, runtime: Runtime) -> None:
    @app.event("app_mention")
    def mentioned(body: dict, event: dict, say: Say) -> None:
        event_id = str(body.get("event_id") or "")
        if event_id and not first_delivery(runtime.ctx, event_id):
            return
        thread = event.get("thread_ts") or event.get("ts")
        runtime.later(lambda: say(text=runtime.t("mention.help"), thread_ts=thread))
