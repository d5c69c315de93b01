"""`sre-bot runbook list | run NAME [--dry-run]`: a run is carried out here, and an approval
runbook waits for its decision in Slack."""

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

from bot.cli.identity import SlackUnreachable, UnknownPerson, slack_user
from bot.cli.output import (
    BY,
    INTERRUPTED,
    NO,
    OK,
    UNREACHABLE,
    USAGE,
    cli_worker,
    default_actor,
    terminal,
)
from bot.i18n import Translator
from bot.settings import Settings
from bot.slack.runbooks import views as runbook_views
from commands.context import Context
from commands.runbooks import approvals, catalog, runs, states
from commands.runbooks.states import RunState
from storage.migrate import ensure_schema


def add_commands(sub: argparse._SubParsersAction) -> None:
    runbook = sub.add_parser("runbook", help="runbooks: list, run, dry run")
    rb = runbook.add_subparsers(dest="runbook_command", required=True, metavar="ACTION")
    rb.add_parser("list", help="the runbooks of the configured folder (and any bad files)")
    run = rb.add_parser("run", help="run a runbook (an approval runbook waits for Slack)")
    run.add_argument("name")
    run.add_argument("--dry-run", action="store_true", help="show every step; perform none")
    run.add_argument("--by", **BY)


def run(args: argparse.Namespace, ctx: Context, t: Translator, settings: Settings) -> int:
    if args.runbook_command == "list":
        found = catalog.catalog(ctx)
        for line in runbook_views.runbook_lines(found, t):
            print(terminal(line.replace("*", "")))
        for error in found.errors:
            print(error, file=sys.stderr)
        return USAGE if found.errors else OK
    if args.dry_run:
        started = runs.start_run(ctx, args.name, requested_by="cli", dry_run=True)
        print("\n".join(runbook_views.plan_lines(started.runbook.name, started.plan, t)))
        return OK
    actor = args.by or default_actor()
    if catalog.get_runbook(ctx, args.name).runbook.needs_approval:
        try:  # approvers are compared by Slack user ID, so the requester must be one too
            actor = slack_user(actor, ctx.config, settings)
        except UnknownPerson as problem:
            print(
                f"{args.name} needs approval in Slack, so it needs to know who asks: {problem}",
                file=sys.stderr,
            )
            return USAGE
        except SlackUnreachable as problem:
            print(f"Slack cannot be reached to look up who asks: {problem}", file=sys.stderr)
            return UNREACHABLE
    ensure_schema(ctx.db)
    # Loaded (with its steps' HTTP client) before the run exists, so that following it
    # starts at once: an approval given meanwhile would otherwise go unannounced.
    import commands.runbooks.engine  # noqa: F401

    started = runs.start_run(ctx, args.name, requested_by=actor)
    run = started.run
    assert run is not None
    if not started.created:
        state = t(f"runbook.state.{run.state}")
        print(terminal(t("runbook.already", name=run.runbook, id=run.id, state=state)))
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
    from commands.runbooks import engine

    worker = cli_worker()
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
                    terminal(
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
                    print(terminal(runbook_views.step_reply(run, row, t)["text"]), flush=True)
                elif row.state == "waiting" and seen[1]:
                    last = row.result["checks"][-1]
                    print(
                        f"  {row.index + 1}. {row.name}: {t('runbook.checks_done', n=seen[1])}"
                        + (f" ({last['detail']})" if last.get("detail") else ""),
                        flush=True,
                    )
            if run.state in states.TERMINAL or run.state == RunState.INTERRUPTED:
                state = t(f"runbook.state.{run.state}")
                print(terminal(t("runbook.cli_result", name=run.runbook, id=run.id, state=state)))
                if run.error:
                    print(run.error)
                return OK if run.state == RunState.SUCCEEDED else NO
            interrupted.wait(poll)
    view = runs.get_run(ctx, run_id)
    if view.run.state == RunState.AWAITING and view.approval is not None:
        deadline = t.time(view.approval.expires_at)
        print("\n" + terminal(t("runbook.cli_left_pending", id=run_id, deadline=deadline)))
    return INTERRUPTED
