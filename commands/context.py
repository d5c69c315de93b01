"""What every use-case needs: the database, the team's configuration and a clock."""

from dataclasses import dataclass, field

from commands.clock import Clock, SystemClock
from commands.config import Config
from storage.db import Database


@dataclass(frozen=True)
class Context:
    db: Database
    config: Config
    clock: Clock = field(default_factory=SystemClock)
