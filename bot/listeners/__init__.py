"""Every Slack listener module, registered in one place."""

from slack_bolt import App

from bot.listeners import (
    alert_actions,
    events,
    fallbacks,
    incident_actions,
    incident_commands,
    incident_modals,
    oncall_commands,
    runbook_actions,
    runbook_commands,
    slo_commands,
)
from bot.runtime import Runtime

# The fallbacks go last: they take whatever the others did not.
MODULES = (
    incident_commands,
    incident_actions,
    incident_modals,
    oncall_commands,
    alert_actions,
    slo_commands,
    runbook_commands,
    runbook_actions,
    events,
    fallbacks,
)


def register_all(app: App, runtime: Runtime) -> None:
    for module in MODULES:
        module.register(app, runtime)
