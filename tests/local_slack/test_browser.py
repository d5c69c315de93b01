"""The local Slack in a real browser (Debian's Chromium, driven by Selenium) against the real
bot started by `sre-bot dev`: declare, acknowledge with the button, fill in the status form,
open the thread and read the timeline. Each screen is saved as a screenshot."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import RunningClock, free_port

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip(
        "Debian's chromium and chromium-driver are not installed (scripts/system-deps.sh "
        "installs them as root)",
        allow_module_level=True,
    )

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

WAIT = 20.0


@pytest.fixture
def bot(tmp_path: Path, live_clock: RunningClock) -> Iterator[str]:
    """`sre-bot dev` on an English configuration written by `sre-bot init`; its base URL."""
    inherited = ("SLACK_", "SRE_BOT_", "DATABASE_", "PROMETHEUS_", "SERVICE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'sre-bot.db'}",
        SRE_BOT_CONFIG=str(tmp_path / "sre-bot.yml"),
        SRE_BOT_NOW=live_clock.now().isoformat(),
        PROMETHEUS_URL=f"http://127.0.0.1:{free_port()}",  # nothing there: said plainly
        SERVICE_URL=f"http://127.0.0.1:{free_port()}",
        USER="kim",
    )
    subprocess.run(
        [sys.executable, "-m", "bot", "init", "--locale", "en", "--timezone", "UTC"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    with (tmp_path / "dev.out").open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "dev", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.PIPE,  # kept open: the terminal waits, the page does the work
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(url + "/health/live", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert process.poll() is None, (tmp_path / "dev.out").read_text()
                assert time.monotonic() < deadline, "the bot did not start"
                time.sleep(0.1)
            yield url
        finally:
            assert process.stdin is not None
            process.stdin.close()
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,900",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def until(driver: Any, check: Callable[[Any], Any], what: str) -> Any:
    def safely(d: Any) -> Any:
        try:
            return check(d)
        except StaleElementReferenceException:  # the page re-rendered under us
            return None

    try:
        return WebDriverWait(driver, WAIT, poll_frequency=0.1).until(safely)
    except Exception as exc:
        raise AssertionError(
            f"{what}; the page shows:\n{driver.find_element(By.TAG_NAME, 'body').text}"
        ) from exc


def click(driver: Any, find: Callable[[Any], Any], what: str) -> None:
    """Find and click in one step, and again if the page re-rendered between the two."""

    def clicked(d: Any) -> bool:
        element = find(d)
        if element is None:
            return False
        element.click()
        return True

    until(driver, clicked, what)


def announcement(driver: Any, title: str) -> Any:
    """The incident's announcement: a message everyone sees, not the private answer."""
    for message in driver.find_elements(By.CSS_SELECTOR, "#messages .message:not(.ephemeral)"):
        if title in message.text and message.find_elements(By.CSS_SELECTOR, ".sk-header"):
            return message
    return None


def button(container: Any, label: str) -> Any:
    for candidate in container.find_elements(By.CSS_SELECTOR, "button.sk-button"):
        if candidate.text == label and candidate.is_enabled():
            return candidate
    return None


def test_declare_acknowledge_update_and_read_the_thread_in_a_browser(
    bot: str, browser: Any, tmp_path: Path
) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    browser.get(bot + "/local/")
    until(browser, lambda d: "# incidents" in d.find_element(By.ID, "channels").text, "no sidebar")
    assert Select(browser.find_element(By.ID, "as-user")).first_selected_option.text == "@kim"
    browser.save_screenshot(str(shots / "1-workspace.png"))

    composer = browser.find_element(By.ID, "composer")
    composer.send_keys("/in")
    until(
        browser,
        lambda d: "/incident" in d.find_element(By.ID, "suggestions").text,
        "no suggestion for /in",
    )
    browser.save_screenshot(str(shots / "2-suggestions.png"))
    composer.send_keys(Keys.TAB)
    assert composer.get_attribute("value") == "/incident "
    composer.send_keys("create sev2 Database is slow", Keys.ENTER)

    # Read in the same step as found: the page may re-render the message in between.
    posted = until(
        browser,
        lambda d: (found := announcement(d, "Database is slow")) is not None and found.text,
        "no announcement",
    )
    assert "Sev2" in posted
    browser.save_screenshot(str(shots / "3-announcement.png"))
    click(browser, lambda d: button(announcement(d, "Database is slow"), "Acknowledge"), "no ack")
    until(
        browser,
        lambda d: (
            "Acknowledged" in announcement(d, "Database is slow").text
            and button(announcement(d, "Database is slow"), "Acknowledge") is None
        ),
        "the announcement did not show the acknowledgement",
    )

    click(
        browser,
        lambda d: button(announcement(d, "Database is slow"), "Update status"),
        "no Update status button",
    )
    modal = until(
        browser,
        lambda d: (
            d.find_element(By.ID, "modal")
            if d.find_element(By.ID, "modal").is_displayed()
            else None
        ),
        "the status form did not open",
    )
    assert "Update status" in modal.text
    Select(modal.find_element(By.CSS_SELECTOR, "select")).select_by_visible_text("Investigating")
    modal.find_element(By.CSS_SELECTOR, "textarea, input[type=text]").send_keys(
        "Slow queries from the nightly job"
    )
    browser.save_screenshot(str(shots / "4-status-form.png"))
    modal.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    until(browser, lambda d: not d.find_element(By.ID, "modal").is_displayed(), "form stayed open")
    until(
        browser,
        lambda d: "Investigating" in announcement(d, "Database is slow").text,
        "the announcement did not show the new status",
    )

    click(
        browser,
        lambda d: next(
            iter(announcement(d, "Database is slow").find_elements(By.CSS_SELECTOR, ".replies")),
            None,
        ),
        "no replies link",
    )
    thread = until(
        browser,
        lambda d: (
            d.find_element(By.ID, "thread")
            if "Slow queries from the nightly job" in d.find_element(By.ID, "thread").text
            else None
        ),
        "the thread did not show the timeline",
    )
    assert "acknowledged" in thread.text
    browser.save_screenshot(str(shots / "5-thread.png"))

    Select(browser.find_element(By.ID, "as-user")).select_by_visible_text("@srelead")
    until(
        browser,
        lambda d: Select(d.find_element(By.ID, "as-user")).first_selected_option.text == "@srelead",
        "could not act as @srelead",
    )
    for shot in sorted(shots.iterdir()):
        assert shot.stat().st_size > 10_000, shot  # a rendered page, not a blank one
