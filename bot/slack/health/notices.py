"""The health-watch messages the outbox owes: a target's failure episode and its recovery."""

from bot.delivery.renderers import Renderers
from bot.i18n import Translator
from bot.slack.health import views
from commands.context import Context
from commands.health import watch as health_watch
from commands.notices import Gone, Template


def change(ctx: Context, t: Translator, args: dict) -> dict:
    item = health_watch.get_status(ctx, str(args["watch"]))
    if item is None:
        raise Gone(f"health target {args['watch']} is no longer configured")
    return views.health_change(item, int(args["episode"]), str(args["change"]), t)


RENDERERS: Renderers = {Template.HEALTH_CHANGE: change}
