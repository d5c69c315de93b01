"""Who the person at the command line is in Slack.

A runbook that needs approval compares people by Slack user ID: the approvers are IDs, and
under the two-person rule the requester may not approve. A login name or a free-text `--by`
would let one person request and approve, so such a run starts only once the requester is a
Slack user: from `cli_users` in sre-bot.yml, from an email through users.lookupByEmail, or
from a user ID (which users.info confirms when a bot token is set).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.settings import Settings
from commands.config import Config
from commands.people import clean_id, is_user_id

if TYPE_CHECKING:
    from slack_sdk import WebClient

# The Slack SDK is imported where Slack is asked: most CLI calls never ask it.


class UnknownPerson(Exception):
    """The requester could not be resolved to a Slack user; the text says what to do."""


class SlackUnreachable(Exception):
    pass


def _unknown(given: str, otherwise: str) -> UnknownPerson:
    return UnknownPerson(
        f"cannot tell which Slack user {given!r} is: add `cli_users: {{{given}: U…}}` to "
        f"sre-bot.yml, or {otherwise}"
    )


def _client(settings: Settings, given: str, how: str) -> "WebClient":
    from bot.slack.api import make_client

    if settings.slack_bot_token is None:
        raise _unknown(given, f"set SLACK_BOT_TOKEN so that {how} can look it up")
    return make_client(
        settings.slack_bot_token.get_secret_value(),
        settings.slack_api_url,
        settings.slack_timeout_seconds,
    )


def _looked_up(settings: Settings, given: str, method: str, **params: str) -> str:
    from bot.slack.api import SlackFailure, call

    client = _client(settings, given, method)
    try:
        data = call(client, method, **params)
    except SlackFailure as failure:
        if failure.kind in ("rate_limited", "unavailable"):
            raise SlackUnreachable(f"{method}: {failure.error}") from failure
        if failure.error in ("users_not_found", "user_not_found"):
            raise UnknownPerson(
                f"Slack has no user {given!r} ({method}: {failure.error})"
            ) from None
        raise UnknownPerson(
            f"could not look {given!r} up in Slack ({method}: {failure.error}); "
            "the bot token needs the users:read and users:read.email scopes"
        ) from None
    user = data.get("user") or {}
    if not user.get("id") or user.get("deleted"):
        raise UnknownPerson(f"Slack has no active user {given!r}")
    return str(user["id"])


def slack_user(given: str, config: Config, settings: Settings) -> str:
    """The Slack user ID of `given` (a login name, an email, or a user ID / mention)."""
    mapped = config.cli_users.get(given) or config.cli_users.get(given.lower())
    if mapped:
        return mapped
    cleaned = clean_id(given)
    if is_user_id(cleaned):  # checked with Slack when the bot can reach it
        if settings.slack_bot_token is None:
            return cleaned
        return _looked_up(settings, given, "users.info", user=cleaned)
    if "@" in given.strip("@"):
        return _looked_up(settings, given, "users.lookupByEmail", email=given.strip())
    raise _unknown(given, "pass your Slack email or member ID with --by")


def names_for_cli(settings: Settings, config: Config) -> Callable[[str], str | None]:
    """People's names for what the CLI prints: `users.info` when a bot token is set (cached
    for the process), else the login name `cli_users` maps to the ID."""
    logins = {user_id: login for login, user_id in config.cli_users.items()}
    directory: Any = None
    if settings.slack_bot_token is not None:
        from bot.slack.api import make_client
        from bot.slack.directory import Directory

        client = make_client(
            settings.slack_bot_token.get_secret_value(),
            settings.slack_api_url,
            min(settings.slack_timeout_seconds, 5.0),
        )
        directory = Directory(client)

    def name(user_id: str) -> str | None:
        found = directory.name(user_id) if directory is not None else None
        return found or logins.get(user_id)

    return name
