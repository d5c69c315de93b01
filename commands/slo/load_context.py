"""What reading an SLO spec file needs from sre-bot.yml: the alert windows by period and the
SLI plugin definitions."""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from commands.slo.alert_windows import WindowsCatalog

if TYPE_CHECKING:
    from commands.slo.sli_plugins import SliPlugin


@dataclass(frozen=True)
class LoadContext:
    windows: WindowsCatalog = field(default_factory=WindowsCatalog)
    sli_plugins: "dict[str, SliPlugin]" = field(default_factory=dict)
    sli_plugin_folder: Path | None = None
    # The period of an SLO that names none (Sloth's --default-slo-period).
    default_window: timedelta = timedelta(days=30)
