"""In-memory model of a Slack workspace: channels, users, messages, ephemerals, modals, files.

All state sits behind one `threading.Condition` (over an RLock): the API server's request threads
mutate it, the terminal and tests read it and wait on it. Public methods return frozen snapshots.
Changes are reported to subscribers as `Event`s, in order, outside the lock.

The parts build on each other: state.py (ids, events, channels, users), messages.py (messages,
ephemerals, files), modals.py (modals and response_url deliveries).
"""

from bot.local_slack.modals import Modals


class Workspace(Modals):
    """Thread-safe in-memory Slack workspace."""
