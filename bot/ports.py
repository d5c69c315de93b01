"""Checking, before anything starts, that the HTTP port can be bound."""

import socket


class CannotListen(Exception):
    """The HTTP port cannot be bound (in use, or not allowed)."""


def check_port(host: str, port: int) -> None:
    """Fail early, with words, when the port cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CannotListen(
                f"cannot listen on {host}:{port}: {exc.strerror}; choose another port with --port"
            ) from exc
