"""Templates in runbook files (`{{ labels.model }}`): values from the run's trigger data only
(alert labels and annotations, the health target, the incident), never from chat text, and
escaped for where they land: URL-encoded in URLs, refused in headers when they hold a line
break, one argv element each in commands. Chat-typed incident fields (title, description) may
be quoted in Slack text, but never in a URL, header, body, query or command.
"""

import re
from collections.abc import Callable, Mapping
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from commands.runbooks.spec import _PROMQL_SAFE

# Trigger fields typed by people in chat: fine in Slack text, never in a request.
CHAT_FIELDS = (
    "incident.title",
    "incident.description",
    "incident.components",
    "incident.root_cause",
    "incident.resolution",
)


_TEMPLATE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}")


class TemplateError(ValueError):
    """A template could not be filled in safely; the message says which and why."""


def template_names(text: str) -> list[str]:
    return _TEMPLATE.findall(text)


def _value(data: Mapping[str, Any], path: str) -> Any:
    found: Any = data
    for part in path.split("."):
        if isinstance(found, Mapping) and part in found:
            found = found[part]
        else:
            raise TemplateError(f"{{{{ {path} }}}} is not in the trigger data")
    if isinstance(found, list):
        return ", ".join(str(x) for x in found)
    if isinstance(found, dict):
        raise TemplateError(f"{{{{ {path} }}}} is a mapping, not a value")
    return "" if found is None else str(found)


def _for_request(path: str) -> None:
    if any(path == f or path.startswith(f + ".") for f in CHAT_FIELDS):
        raise TemplateError(
            f"{{{{ {path} }}}} comes from chat and may not be used in a request or command"
        )


def render(
    text: str,
    data: Mapping[str, Any],
    context: Literal["text", "url", "header", "body", "argv", "promql"],
    *,
    missing: Callable[[str], str] | None = None,
) -> str:
    """Fill `{{ path }}` from trigger data, escaped for `context`. `missing`, when given,
    words an absent value instead of failing (for dry runs)."""

    def replace(match: re.Match[str]) -> str:
        path = match.group(1)
        if context != "text":
            _for_request(path)
        try:
            value = _value(data, path)
        except TemplateError:
            if missing is None:
                raise
            return missing(path)
        if context == "url":
            if value.strip() in (".", ".."):
                raise TemplateError(
                    f"{{{{ {path} }}}} = {value.strip()!r} would climb the URL's path; refused"
                )
            return quote(value, safe="")  # one path segment: '/', '?' and '#' encoded
        if context == "header" and any(c in value for c in "\r\n\x00"):
            raise TemplateError(f"{{{{ {path} }}}} holds a line break; refused in a header")
        if context == "argv" and "\x00" in value:
            raise TemplateError(f"{{{{ {path} }}}} holds a NUL byte; refused in a command")
        if context == "promql" and not _PROMQL_SAFE.match(value):
            raise TemplateError(
                f"{{{{ {path} }}}} = {value[:60]!r} has characters refused in a PromQL query"
            )
        return str(value)

    return _TEMPLATE.sub(replace, text)


def render_url(text: str, data: Mapping[str, Any], **kw: Any) -> str:
    """A step's URL with its values filled in, each as one path segment. The result keeps
    the template's scheme, host and port and stays under the path written before the first
    value: a label such as `model=..` cannot turn `/admin/breaker/{{ labels.model }}/open`
    into `/admin/open`."""
    url = render(text, data, "url", **kw)
    fixed = text.split("{{", 1)[0]
    if not url.startswith(fixed):
        raise TemplateError(f"the URL left {fixed!r}; refused")
    template, rendered = urlsplit(text), urlsplit(url)
    if (rendered.scheme, rendered.netloc) != (template.scheme, template.netloc):
        raise TemplateError(f"a value changed the URL's host ({rendered.netloc!r}); refused")
    if any(segment in (".", "..") for segment in rendered.path.split("/")):
        raise TemplateError("the URL's path holds '.' or '..'; refused")
    return url


def render_body(body: Any, data: Mapping[str, Any], **kw: Any) -> Any:
    """A JSON body with templates filled in its strings (JSON encoding escapes them)."""
    if isinstance(body, str):
        return render(body, data, "body", **kw)
    if isinstance(body, list):
        return [render_body(item, data, **kw) for item in body]
    if isinstance(body, dict):
        return {key: render_body(value, data, **kw) for key, value in body.items()}
    return body
