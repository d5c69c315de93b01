"""The SLO messages the outbox owes: status changes, the daily digest and its charts."""

from bot.delivery.renderers import Renderers
from bot.i18n import Translator
from bot.slack.slo import views
from commands.context import Context
from commands.notices import Gone, Template
from commands.slo import digest


def status_change(ctx: Context, t: Translator, args: dict) -> dict:
    return views.status_change_message(args, t)


def digest_post(ctx: Context, t: Translator, args: dict) -> dict:
    data = digest.get_run_data(ctx, str(args["slot"]))
    if data is None:
        raise Gone(f"digest {args['slot']}")
    return views.digest_message(data, t)


def digest_part(ctx: Context, t: Translator, args: dict) -> dict:
    data = digest.get_run_data(ctx, str(args["slot"]))
    if data is None:
        raise Gone(f"digest {args['slot']}")
    return views.digest_part_message(data, int(args["part"]), t)


def chart(ctx: Context, t: Translator, args: dict) -> dict:
    found = digest.get_chart(ctx, int(args["chart_id"]))
    if found is None:
        raise Gone(f"chart {args['chart_id']}")
    return {
        "upload": {
            "filename": found.filename,
            "title": found.title,
            "content": found.png,
            "alt_txt": found.title,
        }
    }


RENDERERS: Renderers = {
    Template.SLO_STATUS_CHANGE: status_change,
    Template.SLO_DIGEST: digest_post,
    Template.SLO_DIGEST_PART: digest_part,
    Template.SLO_CHART: chart,
}
