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


class ConfigError(Exception):
    """A configuration problem, worded for the person who has to fix the file."""

    heading = "configuration error"
