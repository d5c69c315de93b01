"""Anything no other listener took: acknowledge it, so Slack shows no error, and log it.

Buttons on old messages, or from a newer version during a rolling deploy, end up here.
Registered last.
"""

import logging
import re

from slack_bolt import Ack, App

from bot.runtime import Runtime

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    @app.action(re.compile(".*"))
    def unknown_action(ack: Ack, action: dict) -> None:
        ack()
        log.info("ignored an unknown action %r", action.get("action_id"))

    @app.view(re.compile(".*"))
    def unknown_view(ack: Ack, view: dict) -> None:
        ack()
        log.info("ignored an unknown form %r", view.get("callback_id"))
