"""`/health`: the last check of every health target, answered ephemerally from the database."""

from slack_bolt import Ack, App

from bot.runtime import Runtime
from bot.slack.common import answer_command, ephemeral
from bot.slack.health import views
from commands.health import watch as health_watch


def register(app: App, runtime: Runtime) -> None:
    @app.command("/health")
    def health_command(ack: Ack) -> None:
        t = runtime.t
        answer_command(
            ack, t, lambda: ephemeral(views.health_status(health_watch.status(runtime.ctx), t))
        )
