"""The people, user groups and channels a configuration names, made real in the local workspace.

A configuration names people by Slack ID (`U0123KIM` on call, `U0SRELEAD` approving a runbook,
`S0SREONCALL` as a group). Real Slack has them; the local workspace creates them, under
readable names (`kim`, `srelead`), so that `as srelead` and Approve works as it would in Slack.
A group's members are the on-call rotation, the people a team usually puts in one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.local_slack.workspace import Workspace
from commands.config import Config

_PERSON = re.compile(r"[UW][A-Z0-9]{2,}")
_GROUP = re.compile(r"S[A-Z0-9]{2,}")


@dataclass
class Named:
    """What the configuration names: people and groups by ID, channels by name."""

    people: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    rotation: list[str] = field(default_factory=list)  # the on-call members, a group's members

    def add(self, ids: Iterable[str]) -> None:
        for item in ids:
            item = item.strip()
            target = None
            if _PERSON.fullmatch(item):
                target = self.people
            elif _GROUP.fullmatch(item):
                target = self.groups
            if target is not None and item not in target:
                target.append(item)

    def add_channel(self, name: str | None) -> None:
        name = (name or "").strip().lstrip("#")
        if name and name not in self.channels and not _PERSON.fullmatch(name):
            self.channels.append(name)


def readable_name(object_id: str) -> str:
    """`U0123KIM` → `kim`, `U0SRELEAD` → `srelead`, `S0SREONCALL` → `sreoncall`; an ID with no
    letters after its number stays itself, in lower case."""
    rest = re.sub(r"^[UWS]0?\d*", "", object_id).lower()
    return rest or object_id.lower()


def named_by(config: Config, approvers: Iterable[str] = ()) -> Named:
    """Everyone and every channel `config` names; `approvers` come from the runbook files."""
    named = Named()
    oncall = config.oncall
    named.rotation = list(oncall.members)
    named.add([*oncall.members, *oncall.secondaries, *oncall.admins, *config.cli_users.values()])
    named.add(approvers)
    slack = config.slack
    for name in (slack.incident_channel, slack.alert_channel, slack.digest_channel):
        named.add_channel(name)
    for route in config.alerts.routes:
        named.add(route.mention or [])
        named.add_channel(route.channel)
    named.add_channel(oncall.channel)
    named.add_channel(config.runbook_channel())
    for target in config.health:
        named.add_channel(target.channel)
    return named


def create_named(workspace: Workspace, named: Named) -> None:
    """Create what is missing; people and groups that exist keep their names and members."""
    for name in named.channels:
        workspace.channel(name)
    for person in named.people:
        workspace.ensure_user(person, readable_name(person))
    for group in named.groups:
        if workspace.usergroup_members(group) is None:
            workspace.set_usergroup(group, named.rotation, handle=readable_name(group))
