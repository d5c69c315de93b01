"""A loopback emulator of the parts of Slack the bot uses.

`Workspace` holds the state, `LocalSlackServer` serves it as the Slack Web API on 127.0.0.1,
`render` shows Block Kit as terminal text and `run_terminal` lets a person play Slack against the
running bot (`sre-bot dev`). The test fake of the Slack Web API is a thin subclass of the server.
"""

from bot.local_slack.api import Call, Fault, LocalSlackServer
from bot.local_slack.objects import (
    Channel,
    Ephemeral,
    Event,
    FileUpload,
    Message,
    ResponseDelivery,
    SlackError,
    User,
    View,
)
from bot.local_slack.terminal import run_terminal
from bot.local_slack.workspace import Workspace

__all__ = [
    "Call",
    "Channel",
    "Ephemeral",
    "Event",
    "Fault",
    "FileUpload",
    "LocalSlackServer",
    "Message",
    "ResponseDelivery",
    "SlackError",
    "User",
    "View",
    "Workspace",
    "run_terminal",
]
