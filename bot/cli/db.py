"""`sre-bot db ...`: the schema, the size of each table, and the retention sweep."""

import argparse
from dataclasses import asdict

from bot.cli.output import OK, cli_worker, print_json
from commands.clock import iso_utc
from commands.context import Context
from commands.retention import sweep as retention
from storage.migrate import ensure_schema, upgrade
from storage.retention import Removable, TableSize, table_sizes


def add_commands(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="the database: schema, size, retention")
    actions = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    actions.add_parser("upgrade", help="create or upgrade the schema (Alembic)")
    stats = actions.add_parser("stats", help="rows and size per table, and what retention removes")
    stats.add_argument("--json", action="store_true")
    prune = actions.add_parser(
        "prune", help="remove now what retention no longer keeps (the daily sweep, at once)"
    )
    prune.add_argument("--json", action="store_true")


def _size(value: int | None) -> str:
    if value is None:
        return "-"
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _table(sizes: list[TableSize]) -> list[str]:
    width = max(len(size.name) for size in sizes)
    lines = [f"{'table':<{width}}  {'rows':>12}  {'size':>10}"]
    lines += [f"{s.name:<{width}}  {s.rows:>12,}  {_size(s.bytes):>10}" for s in sizes]
    return lines


def _removable_lines(ctx: Context, removable: Removable) -> list[str]:
    keep = ctx.config.retention
    cut = keep.cutoffs(ctx.clock.now())
    kinds = (
        (
            "resolved_alerts_days",
            "groups_before",
            "resolved alert groups",
            f"{removable.alert_groups:,} resolved alert groups ({removable.alerts:,} alerts)",
            "resolved",
        ),
        (
            "closed_incidents_days",
            "incidents_before",
            "closed incidents",
            f"{removable.incidents:,} closed incidents "
            f"({removable.timeline_entries:,} timeline entries)",
            "closed",
        ),
        (
            "delivered_messages_days",
            "messages_before",
            "delivered outbox messages",
            f"{removable.delivered_messages:,} delivered outbox messages",
            "sent",
        ),
    )
    lines = ["retention would remove:"]
    for key, cutoff, kind, counted, verb in kinds:
        before = cut[cutoff]
        if before is None:
            lines.append(f"  {kind}: none, kept forever (retention.{key}: 0)")
        else:
            days = getattr(keep, key)
            unit = "day" if days == 1 else "days"
            lines.append(f"  {counted}, {verb} before {iso_utc(before)} ({days} {unit})")
    return lines


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.db_command == "upgrade":
        upgrade(ctx.db)
        print("database schema is up to date")
        return OK
    ensure_schema(ctx.db)
    if args.db_command == "prune":
        swept = retention.sweep(ctx, cli_worker(), now_or_never=True)
        if swept is None:
            print("another replica is sweeping right now; nothing was removed here")
            return OK
        if args.json:
            print_json(asdict(swept))
            return OK
        print(
            f"removed {swept.alert_groups:,} alert groups ({swept.alerts:,} alerts), "
            f"{swept.incidents:,} incidents ({swept.timeline_entries:,} timeline entries) and "
            f"{swept.delivered_messages:,} delivered outbox messages, in {swept.batches} "
            "transactions"
        )
        return OK
    with ctx.db.reader() as session:
        sizes = table_sizes(session)
    removable = retention.preview(ctx)
    if args.json:
        print_json({"tables": [asdict(s) for s in sizes], "retention": asdict(removable)})
        return OK
    print("\n".join([*_table(sizes), "", *_removable_lines(ctx, removable)]))
    return OK
