"""Test doubles for the services the bot talks to."""

from .slack import Call, FakeSlack, Fault

__all__ = ["Call", "FakeSlack", "Fault"]
