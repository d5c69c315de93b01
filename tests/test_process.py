"""The serving process as a whole: what it loads, and how it treats long-lived objects."""

import subprocess
import sys
import threading

from pydantic import SecretStr

from tests.conftest import ROOT, SIGNING_SECRET, free_port, poll_until


def test_starting_the_bot_does_not_load_matplotlib():
    """Charts are drawn once a day: their library (and numpy) load with the first digest."""
    probe = "import sys, bot.cli, bot.process; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_serve_moves_what_it_loaded_out_of_the_collectors_reach(
    tmp_path, slack, config, monkeypatch
):
    import bot.process
    from bot.process import Service
    from bot.settings import Settings

    frozen = []
    monkeypatch.setattr(bot.process.gc, "freeze", lambda: frozen.append(True))
    settings = Settings(
        slack_bot_token=SecretStr("xoxb-test"),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=slack.api_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    service = Service(settings, config)
    serving = threading.Thread(
        target=service.serve_forever, args=("127.0.0.1", free_port()), daemon=True
    )
    serving.start()
    try:
        poll_until(lambda: service._server is not None and service._server.started, timeout=15)
        assert frozen == [True]
    finally:
        if service._server is not None:
            service._server.should_exit = True
        serving.join(15)
    assert not serving.is_alive()
