"""The Bolt app: request verification, then the listeners."""

from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App

from bot.listeners import register_all
from bot.runtime import Runtime


def build_bolt_app(runtime: Runtime, signing_secret: str) -> App:
    app = App(
        client=runtime.client,
        signing_secret=signing_secret,
        # auth.test at start-up would make a Slack outage stop the bot from starting;
        # readiness reports Slack auth instead (see health.py).
        token_verification_enabled=False,
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(max_workers=32, thread_name_prefix="bolt-listener"),
    )
    register_all(app, runtime)
    return app
