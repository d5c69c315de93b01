"""Every Slack listener module, registered in one place."""

from slack_bolt import App

from bot.runtime import Runtime
from bot.slack import events, fallbacks
from bot.slack.alerts import actions as alert_actions
from bot.slack.health import command as health_command
from bot.slack.incidents import actions as incident_actions
from bot.slack.incidents import command as incident_command
from bot.slack.incidents import modals as incident_modals
from bot.slack.oncall import command as oncall_command
from bot.slack.runbooks import actions as runbook_actions
from bot.slack.runbooks import command as runbook_command
from bot.slack.slo import command as slo_command

# The fallbacks go last: they take whatever the others did not.
MODULES = (
    incident_command,
    incident_actions,
    incident_modals,
    oncall_command,
    alert_actions,
    slo_command,
    runbook_command,
    runbook_actions,
    health_command,
    events,
    fallbacks,
)


def register_all(app: App, runtime: Runtime) -> None:
    for module in MODULES:
        module.register(app, runtime)
