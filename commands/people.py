"""People as Slack knows them: user IDs (U…, W…), user groups (S…), and who is in a list
that may hold both. Identities are always compared as IDs, never as names."""

import logging
import re
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")

# (user group ID, user ID) -> whether the user is in the group; asks Slack, so it may fail.
GroupCheck = Callable[[str, str], bool]


def is_user_id(text: str) -> bool:
    return bool(USER_ID.match(text))


def clean_id(text: str) -> str:
    """`<@U0123|kim>`, ` U0123 ` or `<!subteam^S0123>` as the bare ID."""
    cleaned = text.strip().removeprefix("<@").removeprefix("<!subteam^").removesuffix(">")
    return cleaned.split("|")[0]


def listed(people: Iterable[str], user: str, in_group: GroupCheck | None) -> bool:
    """Whether `user` is one of `people`, directly or through one of its user groups. A group
    look-up that fails never grants."""
    people = [str(p) for p in people]
    if user in people:
        return True
    if in_group is None:
        return False
    for group in (p for p in people if GROUP_ID.match(p)):
        try:
            if in_group(group, user):
                return True
        except Exception:
            log.warning("could not check membership of user group %s", group, exc_info=True)
    return False
