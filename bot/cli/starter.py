"""`sre-bot init`: write a starter sre-bot.yml with the files it names (no database, no Slack)."""

import argparse
from pathlib import Path

from bot.cli.output import OK
from commands.starter import LOCALES, write_starter


def add_commands(sub: argparse._SubParsersAction) -> None:
    init = sub.add_parser(
        "init", help="write sre-bot.yml and the example SLOs and runbooks it names"
    )
    init.add_argument("--locale", choices=LOCALES, default="ko", help="message language")
    init.add_argument("--timezone", default="Asia/Seoul", help="IANA zone, e.g. Asia/Seoul")
    init.add_argument("--dir", default=".", help="the folder to write into (default: here)")


def run(args: argparse.Namespace) -> int:
    folder = Path(args.dir).resolve()
    result = write_starter(folder, locale=args.locale, timezone=args.timezone)
    for path in result.written:
        print(f"wrote {path}")
    for path in result.kept:
        print(f"kept  {path} (already there, not changed)")
    if result.config in result.kept:
        print(f"{result.config} was already there: --locale and --timezone were not applied.")
    else:
        print(f"{result.config}: locale {args.locale}, timezone {args.timezone}, every feature on.")
    print(
        f"The bot reads it when started in {folder} (./sre-bot.yml), or anywhere with "
        f"SRE_BOT_CONFIG={result.config}."
    )
    return OK
