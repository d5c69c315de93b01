"""The real Alertmanager (Debian's `prometheus-alertmanager`) posting to the bot.

Alerts are fired and resolved through Alertmanager's API; what reaches Slack is read from the
fake Slack's record. Alertmanager groups by alertname and flushes every second here.
"""

import json
import shutil
import subprocess
from datetime import datetime, timedelta

import httpx
import pytest

from commands.alerts import groups
from commands.clock import SystemClock
from commands.config import Config, SlackConfig
from tests.conftest import ALERT_TOKEN, free_port, poll_until
from tests.factories import view_submission

BINARY = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BINARY is None,
        reason="prometheus-alertmanager is not installed (scripts/system-deps.sh installs it)",
    ),
]

CONFIG = """
route:
  receiver: sre-bot
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: sre-bot
    webhook_configs:
      - url: {url}
        send_resolved: true{extra}
        http_config:
          authorization:
            type: Bearer
            credentials: {token}
"""


class Alertmanager:
    def __init__(self, tmp_path, bot_url: str, port: int, max_alerts: int = 0) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        config = tmp_path / "alertmanager.yml"
        config.write_text(
            CONFIG.format(
                url=bot_url + "/alerts/alertmanager",
                token=ALERT_TOKEN,
                extra=f"\n        max_alerts: {max_alerts}" if max_alerts else "",
            ),
            encoding="utf-8",
        )
        self.log = (tmp_path / "alertmanager.log").open("wb")
        self.process = subprocess.Popen(
            [
                str(BINARY),
                f"--config.file={config}",
                f"--storage.path={tmp_path / 'am-data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--cluster.listen-address=",
                "--log.level=warn",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"alertmanager exited with {self.process.returncode}")
            try:
                return httpx.get(self.url + "/-/ready", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        poll_until(ready, timeout=15)

    def fire(self, *alerts: dict) -> None:
        response = httpx.post(self.url + "/api/v2/alerts", json=list(alerts), timeout=5)
        assert response.status_code == 200, response.text

    def silences(self) -> list[dict]:
        return httpx.get(self.url + "/api/v2/silences", timeout=5).json()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.log.close()


@pytest.fixture
def live_clock() -> SystemClock:
    """Alertmanager keeps the machine's time (an alert ends, a silence starts by it), so the
    bot and the fake Slack keep it too: in this module only, the clock is the system's."""
    return SystemClock()


def _alert(
    name: str, instance: str, now: datetime, *, ended: bool = False, severity: str = "critical"
) -> dict:
    body = {
        "labels": {"alertname": name, "severity": severity, "instance": instance},
        "annotations": {
            "summary": f"{name} on {instance}",
            "value": "2.5%",
            "threshold": "1%",
            "runbook": "api_high_error_rate",
        },
        "startsAt": (now - timedelta(minutes=5)).isoformat(),
        "generatorURL": "http://prometheus:9090/graph?g0.expr=api_error_ratio",
    }
    if ended:
        body["endsAt"] = (now - timedelta(seconds=1)).isoformat()
    return body


@pytest.fixture
def max_alerts() -> int:
    return 0


@pytest.fixture
def stack(tmp_path, start_service, max_alerts):
    """The bot (its Silence button pointing at Alertmanager) and Alertmanager posting to it."""
    am_port = free_port()
    config = Config(
        slack=SlackConfig(alert_channel="#alerts"),
        alerts={"alertmanager_url": f"http://127.0.0.1:{am_port}"},
    )
    bot = start_service(config_override=config)
    manager = Alertmanager(tmp_path, bot.url, am_port, max_alerts=max_alerts)
    yield bot, manager
    manager.stop()


def _parent(slack, name: str):
    found = [m for m in slack.messages("alerts") if name in json.dumps(m.blocks)]
    return found[0] if len(found) == 1 else None


def _thread_texts(slack, parent) -> list[str]:
    return [m.text for m in slack.thread("alerts", parent.ts)[1:]]


def test_alerts_fired_and_resolved_in_alertmanager_become_one_living_thread(stack, slack):
    bot, manager = stack
    now = bot.ctx.clock.now
    manager.fire(_alert("HighErrorRate", "api-1", now()))
    parent = slack.wait_for(lambda: _parent(slack, "HighErrorRate"), timeout=10)
    shown = json.dumps(parent.blocks)
    assert "2.5% (threshold 1%)" in shown and "api_high_error_rate" in shown

    manager.fire(_alert("HighErrorRate", "api-1", now()), _alert("HighErrorRate", "api-2", now()))
    slack.wait_for(lambda: len(_thread_texts(slack, parent)) == 1, timeout=10)
    assert "instance=api-2" in _thread_texts(slack, parent)[0]
    slack.wait_for(lambda: "2 firing" in json.dumps(slack.messages("alerts")[0].blocks))
    assert any(c.params.get("ts") == parent.ts for c in slack.ok_calls("chat.update"))

    manager.fire(
        _alert("HighErrorRate", "api-1", now(), ended=True),
        _alert("HighErrorRate", "api-2", now(), ended=True),
    )
    slack.wait_for(
        lambda: any("All alerts resolved" in t for t in _thread_texts(slack, parent)), timeout=10
    )
    slack.wait_for(lambda: "(resolved)" in json.dumps(slack.messages("alerts")[0].blocks))
    assert len(slack.messages("alerts")) == 1  # one parent throughout
    top_level = [c for c in slack.ok_calls("chat.postMessage") if not c.params.get("thread_ts")]
    assert len(top_level) == 1


@pytest.mark.parametrize("max_alerts", [3])
def test_a_group_over_max_alerts_shows_its_true_size(stack, slack, max_alerts):
    """Alertmanager sends the first `max_alerts` alerts and counts the rest in
    `truncatedAlerts`: the parent says how many it did not send, not "3 firing"."""
    bot, manager = stack
    now = bot.ctx.clock.now()
    manager.fire(*[_alert("DiskFull", f"node-{n}", now) for n in range(5)])
    slack.wait_for(lambda: _parent(slack, "DiskFull"), timeout=10)
    truncated = "3 shown, 2 more not sent by Alertmanager (max_alerts)"
    slack.wait_for(lambda: truncated in json.dumps(_parent(slack, "DiskFull").blocks), timeout=10)
    [group] = groups.list_groups(bot.ctx)
    assert (group.notified_alerts, group.truncated_alerts) == (3, 2)


def test_the_silence_button_creates_a_silence_in_alertmanager(stack, slack):
    bot, manager = stack
    manager.fire(_alert("QwenModelUnhealthy", "qwen-0", bot.ctx.clock.now()))
    slack.wait_for(lambda: _parent(slack, "QwenModelUnhealthy"), timeout=10)
    [group] = groups.list_groups(bot.ctx)
    bot.interact(
        {
            "type": "block_actions",
            "team": {"id": "T0TEAM"},
            "user": {"id": "U0ALICE", "username": "alice"},
            "api_app_id": "A0APP",
            "trigger_id": "trig-silence",
            "channel": {"id": "C0001", "name": "alerts"},
            "container": {"type": "message", "message_ts": "1.0"},
            "response_url": slack.response_url("silence"),
            "actions": [{"type": "button", "action_id": "alert_silence", "value": str(group.id)}],
        }
    )
    slack.wait_for(lambda: slack.ok_calls("views.open"))
    view = slack.ok_calls("views.open")[0].params["view"]
    assert view["callback_id"] == "alert_silence"
    values = {
        "silence_hours": {"value": {"type": "static_select", "selected_option": {"value": "4"}}},
        "note": {"value": {"type": "plain_text_input", "value": "rolling back Qwen"}},
    }
    submission = view_submission(view, values, username="alice")
    assert bot.interact(submission).status_code == 200
    [silence] = poll_until(manager.silences, timeout=10)
    assert silence["status"]["state"] == "active"
    assert silence["createdBy"] == "alice (U0ALICE)"
    assert "rolling back Qwen" in silence["comment"]
    matchers = {m["name"]: m["value"] for m in silence["matchers"]}
    assert matchers == {
        "alertname": "QwenModelUnhealthy",
        "severity": "critical",
        "instance": "qwen-0",
    }
    starts, ends = (datetime.fromisoformat(silence[k]) for k in ("startsAt", "endsAt"))
    assert timedelta(hours=3, minutes=59) < ends - starts <= timedelta(hours=4)
    parent = _parent(slack, "QwenModelUnhealthy")
    slack.wait_for(
        lambda: any(silence["id"] in t for t in _thread_texts(slack, parent)), timeout=10
    )
    slack.wait_for(
        lambda: "Silenced by <@U0ALICE>" in json.dumps(slack.messages("alerts")[0].blocks)
    )
