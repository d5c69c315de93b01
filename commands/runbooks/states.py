"""Where a runbook run is, and the names the runbook modules share."""

from datetime import timedelta
from enum import StrEnum


class RunState(StrEnum):
    """Where a runbook run is (stored as its value)."""

    AWAITING = "awaiting_approval"
    RUNNING = "running"
    INTERRUPTED = "interrupted"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REJECTED = "rejected"
    EXPIRED = "expired"
    ABANDONED = "abandoned"


class StepState(StrEnum):
    """Where one step of a run is (stored as its value)."""

    STARTED = "started"  # recorded before it acts: found so after a crash, it was cut off
    WAITING = "waiting"  # checks again at a time (health checks, retries, waits)
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # cut off mid-way; a person decides (Resume, Abandon)
    RESUMED = "resumed"


ACTIVE = (RunState.AWAITING, RunState.RUNNING, RunState.INTERRUPTED)
TERMINAL = (
    RunState.SUCCEEDED,
    RunState.FAILED,
    RunState.REJECTED,
    RunState.EXPIRED,
    RunState.ABANDONED,
)
START_GATE = -1  # the approval asked before the first step (others are at their step's index)
CLAIM_MARGIN = timedelta(seconds=30)
BOT_ACTOR = "sre-bot"
