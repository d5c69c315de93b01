"""`alerts:` in sre-bot.yml: routes, severities from labels, the Alertmanager link."""

import re

from pydantic import Field, field_validator

from commands.validation import Strict, severity_name

# The `severity` label Prometheus rules and Grafana alerts usually carry, as a guide severity:
# `page` wakes someone (Sev1), `critical` is a major feature down (Sev2), `warning` and
# `error` are partial (Sev3), `info` is minor (Sev4). Labels not listed get `default_severity`.
DEFAULT_SEVERITY_LABELS: dict[str, str] = {
    "page": "Sev1",
    "critical": "Sev2",
    "error": "Sev3",
    "warning": "Sev3",
    "info": "Sev4",
    "none": "Sev4",
}


_MENTION = re.compile(r"^(?:[UW][A-Z0-9]{2,}|S[A-Z0-9]{2,}|here|channel|oncall)$")


class AlertRoute(Strict):
    """Alerts whose labels match go to `channel`; the first matching route wins."""

    match: dict[str, str] = Field(default_factory=dict)
    match_re: dict[str, str] = Field(default_factory=dict)
    channel: str | None = None
    severity: str | None = None
    declare_incident: str | None = None
    # Whom the new thread tags; `oncall` is the person on call then. Left out: the person
    # on call; an empty list tags nobody.
    mention: list[str] | None = None

    @field_validator("match_re")
    @classmethod
    def _valid_patterns(cls, value: dict[str, str]) -> dict[str, str]:
        for label, pattern in value.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{label}: not a valid regular expression ({exc})") from exc
        return value

    @field_validator("severity", "declare_incident")
    @classmethod
    def _known_severity(cls, value: str | None) -> str | None:
        return None if value is None else severity_name(value)

    @field_validator("mention")
    @classmethod
    def _slack_ids(cls, value: list[str] | None) -> list[str] | None:
        for item in value or []:
            if not _MENTION.match(item):
                raise ValueError(
                    f"{item!r} is not a Slack user ID (U0123ABCD), user group ID (S0123ABCD), "
                    "'here', 'channel' or 'oncall'"
                )
        return value

    def matches(self, labels: dict[str, str]) -> bool:
        """Every `match` label equal, every `match_re` label matching in full (as Alertmanager
        anchors its regular expressions); a label that is absent counts as empty."""
        if any(labels.get(k, "") != v for k, v in self.match.items()):
            return False
        return all(re.fullmatch(p, labels.get(k, "")) for k, p in self.match_re.items())


class AlertsConfig(Strict):
    # Alertmanager's base URL, for the Silence button (unset: no Silence button).
    alertmanager_url: str | None = None
    routes: list[AlertRoute] = Field(default_factory=list)
    severity_labels: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_SEVERITY_LABELS))
    default_severity: str = "Sev3"
    # 8,000 alerts in one group are about 5.6 MB: room for Alertmanager's biggest real groups.
    max_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024)

    @field_validator("alertmanager_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^https?://[^/\s]+", value.strip()):
            raise ValueError(f"{value!r} is not an http(s) URL such as http://alertmanager:9093")
        return value.strip().rstrip("/")

    @field_validator("severity_labels")
    @classmethod
    def _mapped_severities(cls, value: dict[str, str]) -> dict[str, str]:
        return {label.lower(): severity_name(level) for label, level in value.items()}

    @field_validator("default_severity")
    @classmethod
    def _default_level(cls, value: str) -> str:
        return severity_name(value)
