"""`/health`: the last check of every health target, answered ephemerally from the database."""

from slack_bolt import Ack, App

from bot.runtime import Runtime
from bot.slack.common import failure_text
from bot.slack.health import views
from commands.health import watch as health_watch


def register(app: App, runtime: Runtime) -> None:
    @app.command("/health")
    def health_command(ack: Ack) -> None:
        t = runtime.t
        try:
            message = views.health_status(health_watch.status(runtime.ctx), t)
        except Exception as exc:
            ack(response_type="ephemeral", text=failure_text(t, exc))
            return
        ack(response_type="ephemeral", **message)
