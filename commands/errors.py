"""Errors a person can act on. Each names a message-catalog key; the caller words it."""

from typing import Any


class CommandError(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"


class NotFound(CommandError):
    pass


class Conflict(CommandError):
    """The request is valid but the incident's state does not allow it (or someone was first)."""


class PrometheusUnavailable(Exception):
    """Prometheus did not answer (refused, unreachable, 5xx or past the deadline). Here, not
    beside the client, so that catching it does not load an HTTP client."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class ConfigError(Exception):
    """A configuration problem, worded for the person who has to fix the file."""

    heading = "configuration error"
