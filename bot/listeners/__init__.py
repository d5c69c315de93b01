"""Every Slack listener module, registered in one place."""

from slack_bolt import App

from bot.listeners import events, incident_actions, incident_commands, incident_modals
from bot.runtime import Runtime

MODULES = (incident_commands, incident_actions, incident_modals, events)


def register_all(app: App, runtime: Runtime) -> None:
    for module in MODULES:
        module.register(app, runtime)
