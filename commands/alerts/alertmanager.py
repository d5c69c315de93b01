"""The part of Alertmanager's API v2 the bot uses: creating a silence."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class AlertmanagerError(Exception):
    """Alertmanager could not be reached or refused the request; `str()` says why."""


@dataclass(frozen=True)
class Silence:
    matchers: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    created_by: str
    comment: str

    def body(self) -> dict[str, Any]:
        return {
            "matchers": [
                {"name": name, "value": value, "isRegex": False, "isEqual": True}
                for name, value in sorted(self.matchers.items())
            ],
            "startsAt": self.starts_at.isoformat(),
            "endsAt": self.ends_at.isoformat(),
            "createdBy": self.created_by,
            "comment": self.comment,
        }


def create_silence(base_url: str, silence: Silence, timeout: float = 10.0) -> str:
    """POST /api/v2/silences; the new silence's ID."""
    request = urllib.request.Request(
        base_url.rstrip("/") + "/api/v2/silences",
        data=json.dumps(silence.body()).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read(64 * 1024) or b"{}")
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip().strip('"')
        raise AlertmanagerError(f"HTTP {exc.code}: {detail or exc.reason}"[:300]) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AlertmanagerError(f"cannot reach {base_url}: {reason}"[:300]) from None
    except ValueError:
        raise AlertmanagerError("Alertmanager answered with something that is not JSON") from None
    silence_id = answer.get("silenceID") if isinstance(answer, dict) else None
    if not silence_id:
        raise AlertmanagerError("Alertmanager's answer has no silenceID")
    return str(silence_id)
