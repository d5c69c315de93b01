"""`sre-bot oncall ...`: who is on call, the schedule, swaps and covers."""

import argparse
import sys

from bot.cli.output import BY, OK, default_actor, plain, positive, print_json
from bot.i18n import Translator
from bot.slack.oncall import views as oncall_views
from commands.clock import iso_utc
from commands.context import Context
from commands.oncall import overrides
from commands.oncall import schedule as oncall
from commands.oncall.overrides import Changer
from commands.oncall.rotation import Segment
from commands.oncall.schedule import parse_when
from commands.oncall.slash import parse_user, swap_time


def add_commands(sub: argparse._SubParsersAction) -> None:
    oncall_parser = sub.add_parser("oncall", help="who is on call, the schedule, swaps and covers")
    oncall_parser.add_argument("--json", action="store_true")
    on = oncall_parser.add_subparsers(dest="oncall_command", metavar="ACTION")
    when = "in the team's timezone: 'YYYY-MM-DD HH:MM', or a date"
    now = on.add_parser("now", help="who is on call now, who is next and when (the default)")
    now.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    now.add_argument("--at", default=None, help=f"another moment, {when}")
    schedule = on.add_parser("schedule", help="the coming weeks")
    schedule.add_argument("--weeks", type=positive, default=4)
    schedule.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    swap = on.add_parser("swap", help="swap the two shifts running at these times")
    swap.add_argument("first", help=f"a time inside the first shift, {when} (noon)")
    swap.add_argument("second", help="a time inside the second shift")
    swap.add_argument("--by", **BY)
    cover = on.add_parser("cover", help="MEMBER is primary from START to END")
    cover.add_argument("member", help="Slack user ID, e.g. U0123ABCD")
    cover.add_argument("start", help=f"{when} (a date: from its start)")
    cover.add_argument("end", help="same; a date: to its end")
    cover.add_argument("--by", **BY)
    remove = on.add_parser("remove", help="undo an override (both halves of a swap)")
    remove.add_argument("id", type=int)
    remove.add_argument("--by", **BY)


def _segment_json(segment: Segment) -> dict:
    override = segment.override
    return {
        "start": iso_utc(segment.start),
        "end": iso_utc(segment.end),
        "shift": segment.shift.kind,
        "primary": segment.primary,
        "secondary": segment.secondary,
        "override": {"id": override.id, "kind": override.kind} if override else None,
    }


def run(args: argparse.Namespace, ctx: Context, t: Translator) -> int:
    action = args.oncall_command or "now"
    # The command line is the operator's: it may change any shift, and says who did.
    by = Changer(getattr(args, "by", None) or default_actor(), operator=True)
    tz = ctx.config.slack.tz
    for line in oncall_views.stale_override_lines(oncall.stale_overrides(ctx), t):
        print(plain(line), file=sys.stderr)
    if action == "now":
        at = parse_when(args.at, tz) if getattr(args, "at", None) else None
        now = oncall.who_is_on_call(ctx, at)
        if args.json:
            print_json(
                {
                    "at": iso_utc(now.at),
                    "primary": now.primary,
                    "secondary": now.secondary,
                    "shift": now.shift,
                    "since": iso_utc(now.since),
                    "until": iso_utc(now.until) if now.until else None,
                    "next_primary": now.next_primary,
                    "in_working_hours": now.in_working_hours,
                    "override": (
                        {"id": now.override_id, "kind": now.override} if now.override else None
                    ),
                }
            )
        else:
            print("\n".join(plain(line) for line in oncall_views.now_lines(now, ctx.config, t)))
        return OK
    if action == "schedule":
        segments = oncall.schedule(ctx, args.weeks)
        if args.json:
            print_json([_segment_json(s) for s in segments])
        elif not ctx.config.oncall.members:
            print(plain(t("oncall.none")))
        else:
            print(t("oncall.schedule_header", weeks=args.weeks, tz=tz.key))
            for line in oncall_views.schedule_lines(segments, t):
                print(plain(line))
        return OK
    if action == "swap":
        result = overrides.swap(ctx, swap_time(args.first, tz), swap_time(args.second, tz), by)
        print(plain(oncall_views.override_answer(result.rows, ctx.config, t)))
        return OK
    if action == "cover":
        start, end = parse_when(args.start, tz), parse_when(args.end, tz, end_of_day=True)
        result = overrides.cover(ctx, parse_user(args.member), start, end, by)
        print(plain(oncall_views.override_answer(result.rows, ctx.config, t)))
        return OK
    if action == "remove":
        kept = overrides.remove_override(ctx, args.id, by)
        print(t("oncall.removed_ends_now" if kept else "oncall.removed", id=args.id))
        return OK
    raise AssertionError(action)
