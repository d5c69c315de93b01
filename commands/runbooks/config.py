"""`runbooks:` in sre-bot.yml: the folder, and what runs may do."""

from pydantic import Field

from commands.validation import Strict


class RunbooksConfig(Strict):
    """`runbooks:` is the folder of runbook YAML files, or a mapping with options."""

    folder: str | None = None
    # `command` steps run programs on the bot's host: off unless the team turns them on.
    allow_commands: bool = False
    # Where a run posts when it was not started from an alert or incident thread
    # (default: slack.alert_channel).
    channel: str | None = None
    # How often the bot looks for runbook steps that are due.
    sweep_seconds: float = Field(default=2.0, gt=0, le=300)
