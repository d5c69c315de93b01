"""The Bolt app: request verification, then the listeners."""

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack.listeners import register_all


def build_bolt_app(runtime: Runtime, signing_secret: str) -> App:
    token = runtime.client.token or ""

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        # Bolt's default authorization calls auth.test before the first listener runs, so a
        # Slack outage would refuse every command. One workspace, one token: no call needed.
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=token,
            bot_user_id=runtime.slack_auth.bot_user_id,
        )

    # Bolt builds each request's client from `authorize`; this one only lends it settings.
    template = WebClient(base_url=runtime.client.base_url, timeout=runtime.client.timeout)
    app = App(
        client=template,
        signing_secret=signing_secret,
        authorize=authorize,
        # auth.test at start-up would make a Slack outage stop the bot from starting;
        # readiness reports Slack auth instead (see health.py).
        token_verification_enabled=False,
        # Every HTTP request is verified before it reaches Bolt (bot/server.py), against the
        # bot's clock; Socket Mode requests carry no signature.
        request_verification_enabled=False,
        # Listeners answer Slack as soon as their database work is done and hand any Slack
        # call to `runtime.later`, so the answer can wait for the listener to return. This
        # skips Bolt's hand-off to another thread and its 10 ms polling for the ack.
        process_before_response=True,
    )
    register_all(app, runtime)
    return app
