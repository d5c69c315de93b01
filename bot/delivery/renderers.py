"""What a feature registers to render the messages it owes: a renderer per template."""

from collections.abc import Callable

from bot.i18n import Translator
from commands.context import Context
from commands.notices import Template

# (context, translator, the outbox message's args) -> {"text": ..., "blocks": [...]}, or
# {"upload": {...}} for a file. Raises Gone or Moot when there is nothing to send.
Renderer = Callable[[Context, Translator, dict], dict]
Renderers = dict[Template, Renderer]
