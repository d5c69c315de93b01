"""`FakeSlack`: the Slack Web API for tests, on 127.0.0.1 (a thin layer over `LocalSlackServer`).

    with FakeSlack() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        ...
        slack.wait_for(lambda: len(slack.messages("incidents")) == 1)

Faults (`fail`, `rate_limit`, `error`, `hang`, `outage`) and the record of calls (`calls`,
`ok_calls`) come from `LocalSlackServer`; the state is a `Workspace` at `.workspace`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Self, TypeVar

from bot.local_slack.api import Call, Fault, LocalSlackServer
from bot.local_slack.objects import Message
from bot.local_slack.workspace import Workspace

__all__ = ["Call", "FakeSlack", "Fault"]

T = TypeVar("T")


class _Outage:
    """Every request fails with `status` until `end()` (or the end of its `with` block)."""

    def __init__(self, slack: FakeSlack, status: int) -> None:
        self._slack = slack
        self.fault = slack.fail("*", status=status, times=None)

    def end(self) -> None:
        self._slack.remove_fault(self.fault)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.end()


class FakeSlack(LocalSlackServer):
    """Started on construction; `close()` (or leaving its `with` block) stops it."""

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        channels: Iterable[str] = ("incidents",),
        users: Iterable[str] = (),
        token: str | None = None,
    ) -> None:
        super().__init__(workspace or Workspace(channels=channels, users=users), token=token)
        self._outages: list[_Outage] = []
        self.start()

    def close(self) -> None:
        self.stop()

    def outage(self, status: int = 503) -> _Outage:
        """Fail every request with `status` until `end_outage()`; also a context manager."""
        outage = _Outage(self, status)
        self._outages.append(outage)
        return outage

    def end_outage(self) -> None:
        while self._outages:
            self._outages.pop().end()

    def clear_faults(self) -> None:
        super().clear_faults()
        self._outages.clear()

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Wait until `predicate()` is truthy; it is re-checked whenever a call is recorded or the
        workspace changes. Raises AssertionError with the recorded calls if it never is."""
        result = self.workspace.wait_for(predicate, timeout)
        if not result:
            raise AssertionError(f"condition not met within {timeout} s\n{self.dump()}")
        return result

    def messages(
        self, channel: str = "incidents", *, include_replies: bool = False
    ) -> list[Message]:
        """A channel's messages, oldest first (top-level only unless `include_replies`)."""
        return self.workspace.messages(channel, include_replies=include_replies)

    def thread(self, channel: str, ts: str) -> list[Message]:
        """A thread, parent first."""
        return self.workspace.thread(channel, ts)

    def dump(self) -> str:
        """What the fake saw: calls, pending faults and messages, for assertion messages."""
        lines = ["calls:"]
        for call in self.calls():
            outcome = call.error or ("ok" if call.ok else "")
            fault = f" [fault: {call.fault}]" if call.fault else ""
            lines.append(f"  {call.method} → {call.status} {outcome}{fault} {call.params}")
        lines.append(f"faults left: {self.faults()}")
        lines.append("messages:")
        for channel in self.workspace.channels():
            for message in self.workspace.messages(channel.id, include_replies=True):
                lines.append(f"  #{channel.name} {message.ts}: {message.text!r}")
        return "\n".join(lines)
