"""The live page in a real headless Chromium against the live server: start a stream, frames reach the canvas,
a prompt switch shows on the timeline, the memory's thumbnails appear in the prompt rows, stop, saved.

Needs Debian's chromium + chromium-driver and selenium; skipped without them, except under CI=true where it fails.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_S = 60
ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
)

# A checksum of the video canvas: its size and a hash of every pixel byte.
CANVAS_SIGNATURE = """
const c = document.getElementById("video");
const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
let h = 2166136261;
for (let i = 0; i < data.length; i += 1) { h ^= data[i]; h = Math.imul(h, 16777619); }
return [c.width, c.height, h >>> 0];
"""


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required when CI=true)")
    pytest.skip(reason)


@pytest.fixture
def browser(tmp_path):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        _unavailable(f"selenium is not installed ({exc})")
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.exists():
            _unavailable(f"{path} not found (Debian package {package})")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, condition, what: str):
    """Wait up to WAIT_S for `condition(driver)`; on timeout fail with the page status and the browser console."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, WAIT_S, poll_frequency=0.2).until(condition)
    except TimeoutException:
        status = driver.execute_script("return document.getElementById('status').textContent")
        console = "\n".join(entry.get("message", "") for entry in driver.get_log("browser"))
        pytest.fail(f"timed out after {WAIT_S}s waiting for {what}; status: {status!r}\nconsole:\n{console}")


def test_page_streams_switches_and_stops(browser, live_server):
    from selenium.webdriver.common.by import By

    driver = browser
    url = urlsplit(live_server.url)  # keeps a ?token=... the server may hand out
    driver.get(urlunsplit(url._replace(path=url.path or "/")))
    find = lambda element_id: driver.find_element(By.ID, element_id)  # noqa: E731

    _wait(driver, lambda d: find("start").is_enabled(), "the socket to connect (Start enabled)")
    assert "idle" in find("status").text
    assert not find("switch").is_enabled()
    blank = driver.execute_script(CANVAS_SIGNATURE)

    find("prompt").send_keys("A young man walks along a beach at sunset")
    find("seed").send_keys("3")
    assert "until Stop" in find("max-frames").get_attribute("placeholder")  # empty: the stream runs until Stop
    find("start").click()

    _wait(driver, lambda d: "streaming" in find("status").text, "the stream to start")
    _wait(driver, lambda d: driver.execute_script(CANVAS_SIGNATURE) != blank, "a frame on the canvas")
    assert find("start").text == "Stop"
    first = find("timeline").find_elements(By.CSS_SELECTOR, "li.switch")
    assert first and "prompt #0 @ latent frame 0 · video frame 0" in first[0].text
    assert "until Stop" in find("status").text
    assert "A young man walks along a beach at sunset" in first[0].text

    _wait(driver, lambda d: find("switch").is_enabled(), "Switch prompt to be enabled")
    find("prompt").clear()
    find("prompt").send_keys("The young man starts running into the sea")
    find("switch").click()

    def second_switch(d):
        entries = find("timeline").find_elements(By.CSS_SELECTOR, "li.switch")
        return len(entries) >= 2 and "prompt #1" in entries[1].text and entries[1]

    entry = _wait(driver, second_switch, "the switch to prompt #1 on the timeline")
    assert "The young man starts running into the sea" in entry.text
    assert "#1" in entry.text  # the agent's entity IDs on the timeline
    assert int(find("timing").get_attribute("data-blocks")) >= 1

    # the memory plugin's changes: thumbnails of the frames the memory holds, drawn, with their ID tags
    def memory_thumbnail(d):
        drawn = find("timeline").find_elements(By.CSS_SELECTOR, "canvas.memory-thumb[data-drawn='true']")
        return drawn[0] if drawn else None

    thumb = _wait(driver, memory_thumbnail, "a memory thumbnail in a prompt row")
    latent = int(thumb.get_attribute("data-latent-frame"))
    assert int(thumb.get_attribute("data-video-frame")) == 4 * latent
    frame = thumb.find_element(By.XPATH, "..")
    assert frame.find_elements(By.CSS_SELECTOR, ".tags .tag") and f"f{latent}" in frame.text
    assert driver.execute_script("const c = arguments[0]; const d = c.getContext('2d').getImageData(0, 0, c.width, "
                                 "c.height).data; return d.some((v, i) => i % 4 !== 3 && v !== 0);", thumb)
    assert find("timeline").find_elements(By.CSS_SELECTOR, ".frames canvas[data-drawn='true']")
    assert "video frame" in find("now").text and " s · " in find("now").text

    find("start").click()
    _wait(driver, lambda d: "saved" in find("status").text, "the stream to be saved")
    assert find("start").text == "Start"
    assert "latent frames" in find("status").text and "video frames" in find("status").text
    assert live_server.live_root.is_dir() and any(live_server.live_root.iterdir())
    severe = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not severe, severe
