"""Secrets a runbook takes from the environment, kept out of everything shown or stored.

A `${VAR}` is a secret when its name says so (TOKEN, SECRET, PASSWORD, KEY, ...) or when the
runbook uses it in a header. Wherever a step is shown or stored (dry runs in Slack and the
CLI, progress messages, `runbook_step.result`, errors), each secret's value, as written and
URL-encoded, is replaced by its `${VAR}`. The run's stored spec is the file as written, so
it holds the names, never the values.
"""

import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, quote_plus

from commands.yaml_lines import ENV_PATTERN

_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSW|PASS$|KEY|AUTH|CREDENTIAL|COOKIE|SESSION|PRIVATE|DSN", re.IGNORECASE
)
MIN_LENGTH = 4  # shorter values would mask ordinary text


def _names(value: Any, in_header: bool = False) -> list[tuple[str, bool]]:
    if isinstance(value, str):
        return [(m.group(1), in_header) for m in ENV_PATTERN.finditer(value) if m.group(1)]
    if isinstance(value, Mapping):
        found: list[tuple[str, bool]] = []
        for key, item in value.items():
            found += _names(item, in_header or key == "headers")
        return found
    if isinstance(value, list):
        return [name for item in value for name in _names(item, in_header)]
    return []


def secrets_of(raw: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """value -> `${NAME}` for every secret the raw runbook names that the environment sets."""
    env = os.environ if environ is None else environ
    out: dict[str, str] = {}
    for name, in_header in _names(raw):
        value = env.get(name) or ""
        if len(value) >= MIN_LENGTH and (in_header or _SECRET_NAME.search(name)):
            for form in {value, quote(value, safe=""), quote_plus(value)}:
                out[form] = f"${{{name}}}"
    return out


def mask(value: Any, secrets: Mapping[str, str]) -> Any:
    """`value` (text, or JSON-like data) with every secret replaced by its name."""
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in sorted(secrets, key=len, reverse=True):
            value = value.replace(secret, secrets[secret])
        return value
    if isinstance(value, Mapping):
        return {key: mask(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask(item, secrets) for item in value]
    return value
