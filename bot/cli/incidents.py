"""`sre-bot incident ...`: the incident lifecycle from a terminal, on the bot's database."""

import argparse
import json
import sys
from datetime import datetime

from bot.cli.output import BY, NO, OK, CliUsage, default_actor, person, plain, positive, print_json
from bot.i18n import Translator
from bot.slack.incidents import views
from bot.slack.incidents.views import ack_answer
from commands.clock import iso_utc
from commands.context import Context
from commands.incidents import lifecycle as incidents
from commands.incidents.lifecycle import IncidentDraft
from commands.incidents.report import incident_report
from storage.models import Incident


def add_commands(sub: argparse._SubParsersAction) -> None:
    incident = sub.add_parser("incident", help="incidents")
    inc = incident.add_subparsers(dest="incident_command", required=True, metavar="ACTION")

    create = inc.add_parser(
        "create",
        help="declare an incident",
        description="Declare an incident from options, or from the guide's JSON form: "
        '--json \'{"title": ..., "description": ..., "severity": "Sev2", '
        '"components": [...]}\' (or --json - to read it from standard input).',
    )
    create.add_argument("--title")
    create.add_argument("--severity", help="Sev1..Sev4")
    create.add_argument("--description", default="")
    create.add_argument("--component", action="append", default=[], help="repeatable")
    create.add_argument("--by", **BY)
    create.add_argument(
        "--json",
        nargs="?",
        const="",
        default=None,
        metavar="JSON",
        help="alone: print the new incident as JSON; with a JSON object (or - for standard "
        "input): create the incident it describes",
    )

    ack = inc.add_parser("ack", help="acknowledge")
    ack.add_argument("id")
    ack.add_argument("--by", "--responder", dest="by", **BY)

    status = inc.add_parser("status", help="change the status")
    status.add_argument("id")
    status.add_argument("status", help="investigating, mitigated, resolved or closed")
    status.add_argument("--note", default="")
    status.add_argument("--by", **BY)

    severity = inc.add_parser("severity", help="change the severity")
    severity.add_argument("id")
    severity.add_argument("severity")
    severity.add_argument("--by", **BY)

    for name in ("root-cause", "resolution", "note"):
        text = inc.add_parser(name, help=f"record the {name.replace('-', ' ')}")
        text.add_argument("id")
        text.add_argument("text")
        text.add_argument("--by", **BY)

    for name in ("resolve", "close"):
        simple = inc.add_parser(name, help=f"{name} the incident")
        simple.add_argument("id")
        simple.add_argument("--by", **BY)

    postmortem = inc.add_parser("postmortem", help="record the postmortem document")
    postmortem.add_argument("id")
    postmortem.add_argument("url")
    postmortem.add_argument("--by", **BY)

    listing = inc.add_parser("list", help="list incidents, newest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--open", action="store_true", help="only open incidents")
    listing.add_argument("--limit", type=positive, default=100)

    show = inc.add_parser("show", help="one incident with its timeline")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.add_argument("--postmortem", action="store_true", help="print the postmortem draft")

    report = inc.add_parser(
        "report", help="counts, MTTA/MTTR, acks within target, owed postmortems"
    )
    report.add_argument("--json", action="store_true")
    report.add_argument("--days", type=positive, default=None)


def incident_json(incident: Incident) -> dict:
    def when(moment: datetime | None) -> str | None:
        return iso_utc(moment) if moment is not None else None

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


def _describe(incident: Incident, t: Translator) -> str:
    lines = [t("created", id=incident.id, severity=incident.severity), incident.title]
    if incident.components:
        lines.append(f"{t('incident.components')}: {', '.join(incident.components)}")
    return "\n".join(lines)


_JSON_FIELDS = {"title", "description", "severity", "components"}


def _draft(args: argparse.Namespace, actor: str) -> IncidentDraft:
    """The incident to declare: from --title/--severity, or from the guide's JSON object."""
    if not args.json:
        missing = [f"--{name}" for name in ("title", "severity") if not getattr(args, name)]
        if missing:
            raise CliUsage(
                f"incident create needs {' and '.join(missing)} (or --json with the incident)"
            )
        return IncidentDraft(
            title=args.title,
            severity=args.severity,
            description=args.description,
            components=args.component,
            created_by=actor,
        )
    text = sys.stdin.read() if args.json == "-" else args.json
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CliUsage(f"--json is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise CliUsage('--json must be one object: {"title": ..., "severity": ...}')
    unknown = sorted(set(data) - _JSON_FIELDS)
    if unknown:
        raise CliUsage(
            f"--json has unknown fields {', '.join(unknown)}; "
            f"the fields are {', '.join(sorted(_JSON_FIELDS))}"
        )
    for name in ("title", "severity"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise CliUsage(f"--json needs {name!r}, a non-empty string")
    description = data.get("description", "")
    components = data.get("components", [])
    if not isinstance(description, str):
        raise CliUsage("--json: 'description' must be a string")
    if not isinstance(components, list) or not all(isinstance(c, str) for c in components):
        raise CliUsage("--json: 'components' must be a list of strings")
    return IncidentDraft(
        title=data["title"],
        severity=data["severity"],
        description=description,
        components=components,
        created_by=actor,
    )


def run(args: argparse.Namespace, ctx: Context, t: Translator) -> int:
    action = args.incident_command
    actor = getattr(args, "by", None) or default_actor()
    if action == "create":
        draft = _draft(args, actor)
        incident = incidents.create_incident(ctx, draft)
        if given := incidents.title_cut(draft.title):
            print(
                plain(t("created.title_cut", given=given, kept=incidents.TITLE_MAX)),
                file=sys.stderr,
            )
        if args.json == "":
            print_json(incident_json(incident))
        else:
            print(_describe(incident, t))
        return OK
    if action == "ack":
        result = incidents.acknowledge(ctx, args.id, actor)
        print(plain(ack_answer(t, result)))
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
        print(plain(t(key, id=incident.id)))
        return OK
    if action == "postmortem":
        incident = incidents.record_postmortem(ctx, args.id, args.url, actor=actor)
        print(t("done.postmortem", id=incident.id))
        return OK
    if action == "list":
        found = incidents.list_incidents(ctx, open_only=args.open, limit=max(1, args.limit))
        if args.json:
            print_json([incident_json(i) for i in found])
        else:
            for incident in found:
                ack = f" ack:{person(incident.acknowledged_by)}" if incident.acknowledged_by else ""
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
            print_json(data)
        else:
            print(_describe(incident, t))
            print(f"{t('incident.status')}: {t.status(incident.status)}")
            for entry in timeline:
                text = views.timeline_text(entry, t).replace("\n> ", "\n    ")
                print(f"  {t.time(entry.at, seconds=True)}  {plain(text)}")
        return OK
    if action == "report":
        report = incident_report(ctx, days=args.days)
        if args.json:
            print_json(report.as_json())
        else:
            print("\n".join(views.report_lines(report, t)))
        return OK
    raise AssertionError(action)
