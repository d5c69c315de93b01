"""The alert-thread messages the outbox owes: the group's parent, and its thread lines."""

from bot.delivery.renderers import Renderers
from bot.i18n import Translator
from bot.slack.alerts import views
from commands.alerts import groups
from commands.context import Context
from commands.notices import Template


def parent(ctx: Context, t: Translator, args: dict) -> dict:
    snapshot = groups.group_snapshot(ctx, int(args["group_id"]))
    return views.parent_message(snapshot, ctx.config, t, ctx.clock.now())


def change(ctx: Context, t: Translator, args: dict) -> dict:
    group = groups.get_group(ctx, int(args["group_id"]))
    return views.change_reply(args, group.common_labels or {}, t)


def event(ctx: Context, t: Translator, args: dict) -> dict:
    return views.event_reply(args, t)


RENDERERS: Renderers = {
    Template.ALERT_GROUP: parent,
    Template.ALERT_CHANGE: change,
    Template.ALERT_EVENT: event,
}
