"""`sre-bot slo ...` and `sre-bot deploy check`: budgets from Prometheus, and the gate."""

import argparse
import sys

from bot.cli.output import NO, OK, UNREACHABLE, plain, print_json
from bot.i18n import Translator
from commands.context import Context

# The SLO modules (and the HTTP client under them) load when an SLO command runs, not for
# every `sre-bot` call that builds this parser.


def add_commands(sub: argparse._SubParsersAction) -> None:
    slo_parser = sub.add_parser("slo", help="SLOs and error budgets (from Prometheus)")
    slo_sub = slo_parser.add_subparsers(dest="slo_command", required=True, metavar="ACTION")
    slo_report = slo_sub.add_parser("report", help="every SLO: target, actual, budget, status")
    slo_report.add_argument("--json", action="store_true")
    slo_sub.add_parser("check", help="exit 0 when every budget is left, 1 when one is spent")
    slo_rules = slo_sub.add_parser("rules", help="print Prometheus recording and alerting rules")
    slo_rules.add_argument(
        "-l",
        "--extra-labels",
        type=_label,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a label for every rule (repeatable), as Sloth's generate -l",
    )
    slo_rules.add_argument(
        "--disable-recordings", action="store_true", help="leave out the recording rules"
    )
    slo_rules.add_argument("--disable-alerts", action="store_true", help="leave out the alerts")

    deploy = sub.add_parser("deploy", help="the deploy gate")
    deploy_sub = deploy.add_subparsers(dest="deploy_command", required=True, metavar="ACTION")
    deploy_check = deploy_sub.add_parser(
        "check", help="exit 0 allowed, 1 blocked (budget spent or Sev1/Sev2 open), 3 unknown"
    )
    deploy_check.add_argument("--json", action="store_true")


def _label(text: str) -> tuple[str, str]:
    from commands.slo.rules import parse_label

    try:
        return parse_label(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run_slo(args: argparse.Namespace, ctx: Context, t: Translator) -> int:
    """SLO figures come from Prometheus alone: these commands never touch the database."""
    from bot.slack.slo import views as slo_views
    from commands.slo import evaluation as slo
    from commands.slo.loading import load_slos
    from commands.slo.rules import rules_yaml

    specs = load_slos(ctx.config)
    if args.slo_command == "rules":
        rules = rules_yaml(
            specs,
            dict(args.extra_labels),
            recordings=not args.disable_recordings,
            alerts=not args.disable_alerts,
        )
        print(rules, end="")
        return OK
    if not specs:
        print(t("slo.none"), file=sys.stderr)
        return OK
    report = slo.evaluate(ctx, specs)
    if args.slo_command == "report":
        if args.json:
            print_json([result.as_json() for result in report.results])
        else:
            print("\n".join(slo_views.report_lines(report, t)))
        return OK
    else:
        for result in report.results:
            remaining = slo_views.pct(result.remaining)
            print(f"{result.spec.key}: {t(f'slo.status.{result.status.value}')} ({remaining})")
        print(slo_views.gate_line(report, t))
    return OK if report.deploys_allowed else NO


def run_deploy(args: argparse.Namespace, ctx: Context, t: Translator) -> int:
    from bot.slack.slo import views as slo_views
    from commands.deploys.gate import ALLOWED, BLOCKED, check_deploy

    decision = check_deploy(ctx)
    if args.json:
        print_json(decision.as_json())
    else:
        print("\n".join(plain(line) for line in slo_views.deploy_lines(decision, t)))
    if decision.verdict == ALLOWED:
        return OK
    return NO if decision.verdict == BLOCKED else UNREACHABLE
