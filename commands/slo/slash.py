"""Reading `/slo` command text. Pure: text in, a request out."""

from dataclasses import dataclass

HELP_WORDS = frozenset({"help", "-h", "--help", "?", "도움말"})
NAME_MAX = 200


@dataclass(frozen=True)
class SloRequest:
    sub: str  # help | report | detail
    name: str = ""


def parse_slo(text: str) -> SloRequest:
    """`/slo` is the report, `/slo NAME` one SLO's detail (by name, service/name or ID)."""
    cleaned = " ".join(text.replace("\u00a0", " ").split())
    if cleaned.lower() in HELP_WORDS:
        return SloRequest("help")
    if not cleaned:
        return SloRequest("report")
    return SloRequest("detail", cleaned[:NAME_MAX])
