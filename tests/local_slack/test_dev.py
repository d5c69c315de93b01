"""`make run` on a machine with no Slack credentials: the local Slack in a terminal."""

import os
import queue
import signal
import subprocess
import threading
import time

import httpx
import pytest

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.slow


class Terminal:
    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def type(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def expect(self, fragment: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if fragment in line:
                return line
        shown = "\n".join(self.seen)
        raise AssertionError(f"{fragment!r} not shown; the terminal showed:\n{shown}")


def test_make_run_serves_health_and_plays_slack_in_the_terminal(tmp_path):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "SRE_BOT_", "DATABASE_", "MAKE", "MFLAGS"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'dev.db'}"
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    terminal = Terminal(process)
    try:
        terminal.expect("built-in local Slack", timeout=120)
        terminal.expect("Type /command")
        assert httpx.get(f"http://127.0.0.1:{port}/health/live").json() == {"status": "ok"}

        terminal.type("/incident create sev2 Qwen LLM failure")
        created = terminal.expect("INC-")
        incident_id = "INC-" + created.split("INC-")[1].split()[0]
        terminal.expect(f"== {incident_id} · Qwen LLM failure ==")
        buttons = terminal.expect("[1]")
        assert "[2]" in buttons and "[3]" in buttons
        terminal.expect("↳ thread of")

        terminal.type("1")  # Acknowledge
        terminal.expect(f"{incident_id}")
        terminal.expect("(edited)")

        terminal.type("/incident bogus")
        terminal.expect("bogus")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)  # SIGTERM stops the terminal and the server
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        finally:
            process.stdin.close()
            process.stdout.close()
