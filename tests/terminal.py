"""A person at `make run`'s terminal, for the tests that start the bot as a user does."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time


class Terminal:
    """Types lines into a running `make run` / `sre-bot dev` and waits for what it shows."""

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
        return self.expect_each(fragment, timeout=timeout)[0]

    def expect_each(self, *fragments: str, timeout: float = 30.0) -> list[str]:
        """The lines showing each fragment, in whichever order they arrive (a posted message
        and the private answer to the same command race each other)."""
        found: dict[str, str] = {}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            found.update({f: line for f in fragments if f in line and f not in found})
            if len(found) == len(fragments):
                return [found[f] for f in fragments]
        missing = [f for f in fragments if f not in found]
        shown = "\n".join(self.seen)
        raise AssertionError(f"{missing!r} not shown; the terminal showed:\n{shown}")

    def stop(self) -> None:
        """SIGTERM to the whole group, as Ctrl-C would end it; then close the pipes."""
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise
        finally:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.close()
            self.process.stdout.close()


def start_make_run(cwd: os.PathLike | str, env: dict[str, str], port: int) -> Terminal:
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return Terminal(process)
