"""Turning an outbox entry into the Slack message it stands for, from current state: every
feature registers its renderers (bot/slack/<feature>/notices.py); the table is here."""

from collections.abc import Callable

from bot.delivery.renderers import Renderers
from bot.i18n import Translator
from bot.slack.alerts import notices as alert_notices
from bot.slack.blocks import escape, mrkdwn
from bot.slack.health import notices as health_notices
from bot.slack.incidents import notices as incident_notices
from bot.slack.oncall import notices as oncall_notices
from bot.slack.runbooks import notices as runbook_notices
from bot.slack.slo import notices as slo_notices
from commands.context import Context
from commands.notices import Gone, Template


def delivery_failed(ctx: Context, t: Translator, args: dict) -> dict:
    """The line in place of a message Slack refused for good."""
    key = "delivery.failed_update" if args.get("op") == "update" else "delivery.failed_message"
    text = t(key, error=escape(str(args.get("error") or "?")), ref=args["outbox_id"])
    return {"text": text, "blocks": [{"type": "section", "text": mrkdwn(text)}]}


RENDERERS: Renderers = {
    **incident_notices.RENDERERS,
    **alert_notices.RENDERERS,
    **oncall_notices.RENDERERS,
    **slo_notices.RENDERERS,
    **runbook_notices.RENDERERS,
    **health_notices.RENDERERS,
    Template.DELIVERY_FAILED: delivery_failed,
}


class NoticeRenderer:
    def __init__(self, ctx: Context, names: Callable[[str], str | None] | None = None) -> None:
        self.ctx = ctx
        self.t = Translator(ctx.config.slack.locale, ctx.config.slack.tz, names)

    def render(self, template: str, args: dict) -> dict:
        """`{"text": ..., "blocks": [...]}` for the template, rendered from the database now."""
        try:
            renderer = RENDERERS[Template(template)]
        except (ValueError, KeyError):
            raise Gone(f"unknown template {template!r}") from None
        return renderer(self.ctx, self.t, args)
