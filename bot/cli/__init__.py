"""`sre-bot`: the server, the local Slack, and every command on the same database.

Exit codes: 0 ok, 1 the answer is "no", 2 usage or configuration error, 3 a dependency is
unreachable.
"""

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot import log_floods
from bot.cli import db, incidents, oncall, output, runbooks, slo, starter
from bot.cli.identity import names_for_cli
from bot.cli.output import INTERRUPTED, NO, UNREACHABLE, USAGE, plain
from bot.i18n import Translator, error_text
from bot.settings import Settings
from commands.config import Config, resolve_config
from commands.context import Context
from commands.errors import CommandError, ConfigError, Conflict, PrometheusUnavailable
from storage.db import Database, DatabaseUnavailable
from storage.migrate import ensure_schema


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
        server.add_argument(
            "--local-slack-port",
            type=int,
            default=None,
            help="the built-in local Slack's Web API port, on 127.0.0.1 (default: the bot's "
            "port + 1 when free)",
        )

    for feature in (db, incidents, oncall, slo, runbooks, starter):
        feature.add_commands(sub)
    return parser


def _load(settings: Settings) -> tuple[Config, Database]:
    config = resolve_config(settings.sre_bot_config)
    return config, Database(settings.database_url)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    serving = args.command in ("serve", "dev")
    root = logging.getLogger()
    theirs = list(root.handlers)  # a host process's own (a test runner's), left as they are
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO" if serving else "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for chatty in ("apscheduler", "alembic"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    log_floods.quiet_url_loggers()
    own = [h for h in root.handlers if h not in theirs]
    log_floods.install(own)
    settings = Settings()
    t = Translator()
    try:
        if args.command == "init":
            return starter.run(args)  # before any configuration is read: it writes one
        config, database = _load(settings)
        clock = settings.clock()
        names = names_for_cli(settings, config)
        output.use_names(names)
        t = Translator(config.slack.locale, config.slack.tz, names)
        if serving:
            from bot.dev import run_dev, serve
            from commands.slo.loading import load_slos

            load_slos(config)  # a broken SLO spec stops start-up (exit 2), not the 09:00 digest

            if args.command == "dev" or not settings.has_slack_credentials:
                return run_dev(
                    settings,
                    config,
                    args.host,
                    args.port,
                    local_slack_port=args.local_slack_port,
                    log_handlers=own,
                )
            return serve(settings, config, args.host, args.port)
        ctx = Context(database, config, clock)
        if args.command == "db":
            return db.run(args, ctx)
        if args.command == "slo":
            return slo.run_slo(args, ctx, t)  # Prometheus only: no database
        if args.command == "runbook":
            return runbooks.run(args, ctx, t, settings)  # a dry run needs no database
        ensure_schema(database)
        if args.command == "deploy":
            return slo.run_deploy(args, ctx, t)
        if args.command == "oncall":
            return oncall.run(args, ctx, t)
        return incidents.run(args, ctx, t)
    except PrometheusUnavailable as exc:
        from bot.slack.slo import views as slo_views

        print(plain(slo_views.unreachable_text(t, exc.url, exc.reason)), file=sys.stderr)
        return UNREACHABLE
    except ConfigError as exc:
        print(f"{exc.heading}:\n{exc}" if exc.heading else str(exc), file=sys.stderr)
        return USAGE
    except DatabaseUnavailable as exc:
        print(f"{t('error.database')}\n({exc})", file=sys.stderr)
        return UNREACHABLE
    except Conflict as exc:
        print(plain(error_text(t, exc)), file=sys.stderr)
        return NO
    except CommandError as exc:
        print(plain(error_text(t, exc)), file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:
        # `sre-bot incident show ID | head`: the reader has gone; say nothing more, and keep
        # the interpreter from failing again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return NO


if __name__ == "__main__":
    sys.exit(main())
