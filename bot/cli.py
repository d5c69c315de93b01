"""`sre-bot`: the server, the local Slack, and the incident commands on the same database.

Exit codes: 0 ok, 1 the answer is "no", 2 usage or configuration error, 3 a dependency is
unreachable.
"""

import argparse
import contextlib
import getpass
import json
import logging
import os
import re
import signal
import socket
import sys
import threading
from collections.abc import Iterator, Sequence

from bot.i18n import Translator
from bot.settings import Settings
from bot.slack.blocks import unescape
from bot.slack.common import ack_answer, error_text
from bot.slack.incidents import views
from bot.slack.oncall import views as oncall_views
from bot.slack.runbooks import views as runbook_views
from bot.slack.slo import views as slo_views
from commands.clock import iso_utc
from commands.config import Config, ConfigError, resolve_config
from commands.context import Context
from commands.deploys.gate import ALLOWED, BLOCKED, check_deploy
from commands.errors import CommandError, Conflict
from commands.incidents import lifecycle as incidents
from commands.incidents.report import incident_report
from commands.oncall import schedule as oncall
from commands.oncall.rotation import Segment
from commands.oncall.schedule import parse_when
from commands.oncall.slash import parse_user, swap_time
from commands.prometheus import PrometheusUnavailable
from commands.runbooks import approvals, catalog, engine, runs, states
from commands.runbooks.states import RunState
from commands.slo import evaluation as slo
from commands.slo.rules import rules_yaml
from commands.slo.specs import load_slos
from storage.db import Database, DatabaseUnavailable
from storage.migrate import upgrade
from storage.models import Incident

OK, NO, USAGE, UNREACHABLE = 0, 1, 2, 3


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sre-bot", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for name, help_text in (
        ("serve", "run the bot (HTTP or Socket Mode; the local Slack without credentials)"),
        ("dev", "run the bot against the built-in local Slack, in this terminal"),
    ):
        server = sub.add_parser(name, help=help_text)
        server.add_argument("--host", default="127.0.0.1" if name == "dev" else "0.0.0.0")
        server.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="create or upgrade the schema (Alembic)")

    incident = sub.add_parser("incident", help="incidents")
    inc = incident.add_subparsers(dest="incident_command", required=True, metavar="ACTION")
    by = {"default": None, "help": "who does it (default: your login name)"}

    create = inc.add_parser("create", help="declare an incident")
    create.add_argument("--title", required=True)
    create.add_argument("--severity", required=True, help="Sev1..Sev4")
    create.add_argument("--description", default="")
    create.add_argument("--component", action="append", default=[], help="repeatable")
    create.add_argument("--by", **by)
    create.add_argument("--json", action="store_true")

    ack = inc.add_parser("ack", help="acknowledge")
    ack.add_argument("id")
    ack.add_argument("--responder", required=True)

    status = inc.add_parser("status", help="change the status")
    status.add_argument("id")
    status.add_argument("status", help="investigating, mitigated, resolved or closed")
    status.add_argument("--note", default="")
    status.add_argument("--by", **by)

    severity = inc.add_parser("severity", help="change the severity")
    severity.add_argument("id")
    severity.add_argument("severity")
    severity.add_argument("--by", **by)

    for name in ("root-cause", "resolution", "note"):
        text = inc.add_parser(name, help=f"record the {name.replace('-', ' ')}")
        text.add_argument("id")
        text.add_argument("text")
        text.add_argument("--by", **by)

    for name in ("resolve", "close"):
        simple = inc.add_parser(name, help=f"{name} the incident")
        simple.add_argument("id")
        simple.add_argument("--by", **by)

    postmortem = inc.add_parser("postmortem", help="record the postmortem document")
    postmortem.add_argument("id")
    postmortem.add_argument("url")
    postmortem.add_argument("--by", **by)

    listing = inc.add_parser("list", help="list incidents, newest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--open", action="store_true", help="only open incidents")
    listing.add_argument("--limit", type=int, default=100)

    show = inc.add_parser("show", help="one incident with its timeline")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.add_argument("--postmortem", action="store_true", help="print the postmortem draft")

    report = inc.add_parser(
        "report", help="counts, MTTA/MTTR, acks within target, owed postmortems"
    )
    report.add_argument("--json", action="store_true")
    report.add_argument("--days", type=int, default=None)

    oncall = sub.add_parser("oncall", help="who is on call, the schedule, swaps and covers")
    oncall.add_argument("--json", action="store_true")
    on = oncall.add_subparsers(dest="oncall_command", metavar="ACTION")
    when = "in the team's timezone: 'YYYY-MM-DD HH:MM', or a date"
    now = on.add_parser("now", help="who is on call now, who is next and when (the default)")
    now.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    now.add_argument("--at", default=None, help=f"another moment, {when}")
    schedule = on.add_parser("schedule", help="the coming weeks")
    schedule.add_argument("--weeks", type=int, default=4)
    schedule.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    swap = on.add_parser("swap", help="swap the two shifts running at these times")
    swap.add_argument("first", help=f"a time inside the first shift, {when} (noon)")
    swap.add_argument("second", help="a time inside the second shift")
    swap.add_argument("--by", **by)
    cover = on.add_parser("cover", help="MEMBER is primary from START to END")
    cover.add_argument("member", help="Slack user ID, e.g. U0123ABCD")
    cover.add_argument("start", help=f"{when} (a date: from its start)")
    cover.add_argument("end", help="same; a date: to its end")
    cover.add_argument("--by", **by)
    remove = on.add_parser("remove", help="undo an override (both halves of a swap)")
    remove.add_argument("id", type=int)
    slo = sub.add_parser("slo", help="SLOs and error budgets (from Prometheus)")
    slo_sub = slo.add_subparsers(dest="slo_command", required=True, metavar="ACTION")
    slo_report = slo_sub.add_parser("report", help="every SLO: target, actual, budget, status")
    slo_report.add_argument("--json", action="store_true")
    slo_sub.add_parser("check", help="exit 0 when every budget is left, 1 when one is spent")
    slo_sub.add_parser("rules", help="print Prometheus recording and alerting rules")

    deploy = sub.add_parser("deploy", help="the deploy gate")
    deploy_sub = deploy.add_subparsers(dest="deploy_command", required=True, metavar="ACTION")
    deploy_check = deploy_sub.add_parser(
        "check", help="exit 0 allowed, 1 blocked (budget spent or Sev1/Sev2 open), 3 unknown"
    )
    deploy_check.add_argument("--json", action="store_true")
    runbook = sub.add_parser("runbook", help="runbooks: list, run, dry run")
    rb = runbook.add_subparsers(dest="runbook_command", required=True, metavar="ACTION")
    rb.add_parser("list", help="the runbooks of the configured folder (and any bad files)")
    run = rb.add_parser("run", help="run a runbook (an approval runbook waits for Slack)")
    run.add_argument("name")
    run.add_argument("--dry-run", action="store_true", help="show every step; perform none")
    run.add_argument("--by", **by)
    return parser


_EMOJI = re.compile(r":[a-z0-9_+-]+:\s*")


def _terminal(text: str) -> str:
    """Slack mrkdwn to terminal text: no emoji codes, no backticks, no escaping."""
    return _plain(_EMOJI.sub("", text))


def _run_runbook(args: argparse.Namespace, ctx: Context, t: Translator) -> int:
    if args.runbook_command == "list":
        found = catalog.catalog(ctx)
        for line in runbook_views.runbook_lines(found, t):
            print(_terminal(line.replace("*", "")))
        for error in found.errors:
            print(error, file=sys.stderr)
        return USAGE if found.errors else OK
    if args.dry_run:
        started = runs.start_run(ctx, args.name, requested_by="cli", dry_run=True)
        print("\n".join(runbook_views.plan_lines(started.runbook.name, started.plan, t)))
        return OK
    upgrade(ctx.db)
    actor = args.by or _default_actor()
    started = runs.start_run(ctx, args.name, requested_by=actor)
    run = started.run
    assert run is not None
    if not started.created:
        state = t(f"runbook.state.{run.state}")
        print(_terminal(t("runbook.already", name=run.runbook, id=run.id, state=state)))
    return _follow(ctx, run.id, t)


@contextlib.contextmanager
def _ctrl_c_as_flag() -> Iterator[threading.Event]:
    """Ctrl-C sets the event instead of raising KeyboardInterrupt wherever the program is
    (inside a database transaction, say, where an exception between taking a lock and
    entering its block leaves the lock held); a second Ctrl-C raises as usual."""
    pressed = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return

    def first(signum: int, frame: object) -> None:
        pressed.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


def _follow(ctx: Context, run_id: int, t: Translator, poll: float = 0.2) -> int:
    """Carry the run out here (claiming it like any replica would) and print its progress;
    an approval runbook waits for the decision in Slack until its request expires. Ctrl-C
    stops following once the step under way is done; the run carries on in the bot."""
    worker = f"cli-{socket.gethostname()[:40]}-{os.getpid()}"
    shown: dict[int, tuple[str, int]] = {}
    waiting_shown = False
    with _ctrl_c_as_flag() as interrupted:
        while not interrupted.is_set():
            approvals.expire_approvals(ctx)
            engine.advance(ctx, run_id, worker)
            view = runs.get_run(ctx, run_id)
            run = view.run
            if run.state == RunState.AWAITING and not waiting_shown and view.approval:
                deadline = t.time(view.approval.expires_at)
                print(
                    _terminal(
                        t("runbook.cli_waiting", name=run.runbook, id=run.id, deadline=deadline)
                    ),
                    flush=True,
                )
                waiting_shown = True
            elif run.state != RunState.AWAITING:
                waiting_shown = False
            for row in view.steps:
                seen = (row.state, len((row.result or {}).get("checks") or []))
                if shown.get(row.index) == seen:
                    continue
                shown[row.index] = seen
                if row.state in ("succeeded", "failed"):
                    print(_terminal(runbook_views.step_reply(run, row, t)["text"]), flush=True)
                elif row.state == "waiting" and seen[1]:
                    last = row.result["checks"][-1]
                    print(
                        f"  {row.index + 1}. {row.name}: {t('runbook.checks_done', n=seen[1])}"
                        + (f" ({last['detail']})" if last.get("detail") else ""),
                        flush=True,
                    )
            if run.state in states.TERMINAL or run.state == RunState.INTERRUPTED:
                state = t(f"runbook.state.{run.state}")
                print(_terminal(t("runbook.cli_result", name=run.runbook, id=run.id, state=state)))
                if run.error:
                    print(run.error)
                return OK if run.state == RunState.SUCCEEDED else NO
            interrupted.wait(poll)
    view = runs.get_run(ctx, run_id)
    if view.run.state == RunState.AWAITING and view.approval is not None:
        deadline = t.time(view.approval.expires_at)
        print("\n" + _terminal(t("runbook.cli_left_pending", id=run_id, deadline=deadline)))
    return 130


def incident_json(incident: Incident) -> dict:
    def when(moment: object) -> str | None:
        return iso_utc(moment) if moment is not None else None  # type: ignore[arg-type]

    return {
        "id": incident.id,
        "title": incident.title,
        "description": incident.description,
        "severity": incident.severity,
        "status": incident.status,
        "components": list(incident.components),
        "created_at": when(incident.created_at),
        "created_by": incident.created_by,
        "acknowledged_by": incident.acknowledged_by,
        "acknowledged_at": when(incident.acknowledged_at),
        "mitigated_at": when(incident.mitigated_at),
        "resolved_at": when(incident.resolved_at),
        "closed_at": when(incident.closed_at),
        "root_cause": incident.root_cause,
        "resolution": incident.resolution,
        "postmortem_required": incident.postmortem_required,
        "postmortem_url": incident.postmortem_url,
    }


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _describe(incident: Incident, t: Translator) -> str:
    lines = [t("created", id=incident.id, severity=incident.severity), incident.title]
    if incident.components:
        lines.append(f"{t('incident.components')}: {', '.join(incident.components)}")
    return "\n".join(lines)


def _run_incident(args: argparse.Namespace, ctx: Context, t: Translator) -> int:
    action = args.incident_command
    actor = getattr(args, "by", None) or _default_actor()
    if action == "create":
        incident = incidents.create_incident(
            ctx,
            title=args.title,
            severity=args.severity,
            description=args.description,
            components=args.component,
            created_by=actor,
        )
        if args.json:
            _print_json(incident_json(incident))
        else:
            print(_describe(incident, t))
        return OK
    if action == "ack":
        result = incidents.acknowledge(ctx, args.id, args.responder)
        print(_plain(ack_answer(t, result)))
        return OK if result.acknowledged else NO
    if action == "status":
        incident = incidents.set_status(ctx, args.id, args.status, actor=actor, note=args.note)
        print(t("done.status", id=incident.id, status=t.status(incident.status)))
        return OK
    if action == "severity":
        incident = incidents.set_severity(ctx, args.id, args.severity, actor=actor)
        print(t("done.severity", id=incident.id, severity=incident.severity))
        return OK
    if action in ("root-cause", "resolution", "note"):
        handler = {
            "root-cause": incidents.set_root_cause,
            "resolution": incidents.set_resolution,
            "note": incidents.add_note,
        }[action]
        incident = handler(ctx, args.id, args.text, actor=actor)
        print(t(f"done.{action.replace('-', '_')}", id=incident.id))
        return OK
    if action == "resolve":
        incident = incidents.resolve(ctx, args.id, actor=actor)
        print(t("done.status", id=incident.id, status=t.status(incident.status)))
        return OK
    if action == "close":
        incident = incidents.close(ctx, args.id, actor=actor)
        key = "done.closed_postmortem" if incident.postmortem_required else "done.closed"
        print(_plain(t(key, id=incident.id)))
        return OK
    if action == "postmortem":
        incident = incidents.record_postmortem(ctx, args.id, args.url, actor=actor)
        print(t("done.postmortem", id=incident.id))
        return OK
    if action == "list":
        found = incidents.list_incidents(ctx, open_only=args.open, limit=max(1, args.limit))
        if args.json:
            _print_json([incident_json(i) for i in found])
        else:
            for incident in found:
                ack = f" ack:{incident.acknowledged_by}" if incident.acknowledged_by else ""
                print(
                    f"{incident.id}  {incident.severity}  {incident.status:<13} "
                    f"{t.time(incident.created_at)}{ack}  {incident.title}"
                )
            if not found:
                print(t("list.empty"))
        return OK
    if action == "show":
        incident, timeline = incidents.get_timeline(ctx, args.id)
        if args.postmortem:
            print(views.postmortem_markdown(incident, timeline, t))
        elif args.json:
            data = incident_json(incident)
            data["timeline"] = [
                {"at": iso_utc(e.at), "actor": e.actor, "kind": e.kind, "data": e.data}
                for e in timeline
            ]
            _print_json(data)
        else:
            print(_describe(incident, t))
            print(f"{t('incident.status')}: {t.status(incident.status)}")
            for entry in timeline:
                text = views.timeline_text(entry, t).replace("\n> ", "\n    ")
                print(f"  {t.time(entry.at, seconds=True)}  {_plain(text)}")
        return OK
    if action == "report":
        report = incident_report(ctx, days=args.days)
        if args.json:
            _print_json(report.as_json())
        else:
            print("\n".join(views.report_lines(report, t)))
        return OK
    raise AssertionError(action)


def _run_slo(args: argparse.Namespace, ctx: Context, t: Translator) -> int:
    """SLO figures come from Prometheus alone: these commands never touch the database."""
    specs = load_slos(ctx.config)
    if args.slo_command == "rules":
        print(rules_yaml(specs), end="")
        return OK
    if not specs:
        print(t("slo.none"), file=sys.stderr)
        return OK
    report = slo.evaluate(ctx, specs)
    if args.slo_command == "report":
        if args.json:
            _print_json([result.as_json() for result in report.results])
        else:
            print("\n".join(slo_views.report_lines(report, t)))
        return OK
    else:
        for result in report.results:
            remaining = slo_views.pct(result.remaining)
            print(f"{result.spec.key}: {t(f'slo.status.{result.status.value}')} ({remaining})")
        print(slo_views.gate_line(report, t))
    return OK if report.deploys_allowed else NO


def _run_deploy(args: argparse.Namespace, ctx: Context, t: Translator) -> int:
    decision = check_deploy(ctx)
    if args.json:
        _print_json(decision.as_json())
    else:
        print("\n".join(_plain(line) for line in slo_views.deploy_lines(decision, t)))
    if decision.verdict == ALLOWED:
        return OK
    return NO if decision.verdict == BLOCKED else UNREACHABLE


def _plain(text: str) -> str:
    """mrkdwn to terminal text: drop the backticks and mention marks, undo Slack's escaping."""
    return unescape(_MENTION.sub(r"@\1", text.replace("`", "")))


_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")


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


def _run_oncall(args: argparse.Namespace, ctx: Context, t: Translator) -> int:
    action = args.oncall_command or "now"
    actor = getattr(args, "by", None) or _default_actor()
    tz = ctx.config.slack.tz
    if action == "now":
        at = parse_when(args.at, tz) if getattr(args, "at", None) else None
        now = oncall.who_is_on_call(ctx, at)
        if args.json:
            _print_json(
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
            print("\n".join(_plain(line) for line in oncall_views.now_lines(now, ctx.config, t)))
        return OK
    if action == "schedule":
        segments = oncall.schedule(ctx, args.weeks)
        if args.json:
            _print_json([_segment_json(s) for s in segments])
        elif not ctx.config.oncall.members:
            print(_plain(t("oncall.none")))
        else:
            print(t("oncall.schedule_header", weeks=args.weeks, tz=tz.key))
            for line in oncall_views.schedule_lines(segments, t):
                print(_plain(line))
        return OK
    if action == "swap":
        result = oncall.swap(ctx, swap_time(args.first, tz), swap_time(args.second, tz), actor)
        print(_plain(oncall_views.override_answer(result.rows, ctx.config, t)))
        return OK
    if action == "cover":
        start, end = parse_when(args.start, tz), parse_when(args.end, tz, end_of_day=True)
        result = oncall.cover(ctx, parse_user(args.member), start, end, actor)
        print(_plain(oncall_views.override_answer(result.rows, ctx.config, t)))
        return OK
    if action == "remove":
        kept = oncall.remove_override(ctx, args.id)
        print(t("oncall.removed_ends_now" if kept else "oncall.removed", id=args.id))
        return OK
    raise AssertionError(action)


def _load(settings: Settings) -> tuple[Config, Database]:
    config = resolve_config(settings.sre_bot_config)
    return config, Database(settings.database_url)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    serving = args.command in ("serve", "dev")
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO" if serving else "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for chatty in ("apscheduler", "alembic"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    settings = Settings()
    t = Translator()
    try:
        config, db = _load(settings)
        clock = settings.clock()
        t = Translator(config.slack.locale, config.slack.tz)
        if serving:
            from bot.dev import run_dev, serve

            load_slos(config)  # a broken SLO spec stops start-up (exit 2), not the 09:00 digest

            if args.command == "dev" or not settings.has_slack_credentials:
                return run_dev(settings, config, args.host, args.port)
            return serve(settings, config, args.host, args.port)
        if args.command == "db":
            upgrade(db)
            print("database schema is up to date")
            return OK
        if args.command == "slo":
            return _run_slo(args, Context(db, config, clock), t)
        if args.command == "runbook":
            return _run_runbook(args, Context(db, config, clock), t)
        upgrade(db)
        if args.command == "oncall":
            return _run_oncall(args, Context(db, config, clock), t)
        if args.command == "deploy":
            return _run_deploy(args, Context(db, config, clock), t)
        return _run_incident(args, Context(db, config, clock), t)
    except PrometheusUnavailable as exc:
        print(_plain(slo_views.unreachable_text(t, exc.url, exc.reason)), file=sys.stderr)
        return UNREACHABLE
    except ConfigError as exc:
        print(f"{exc.heading}:\n{exc}" if exc.heading else str(exc), file=sys.stderr)
        return USAGE
    except DatabaseUnavailable as exc:
        print(f"{t('error.database')}\n({exc})", file=sys.stderr)
        return UNREACHABLE
    except Conflict as exc:
        print(_plain(error_text(t, exc)), file=sys.stderr)
        return NO
    except CommandError as exc:
        print(_plain(error_text(t, exc)), file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
