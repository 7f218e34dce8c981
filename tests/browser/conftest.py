"""Browser tests: the real server (gunicorn, two worker processes) and Debian's Chromium.

`live_server` runs `voicebox serve` on a free localhost port with the test's own data, on each
store backend in turn (`LiveServer.store` is another store on the same data);
`page` is a fresh Chromium tab driven by Playwright. Browser downloads do not work on our
machines, so Playwright is given Debian's executable; a missing Chromium fails the run with a
message instead of skipping the tests.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from feedback_app.store import Store
from tests.conftest import Backend

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _chromium() -> str:
    path = os.environ.get("VOICEBOX_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            "Chromium is needed for the browser tests: run `python3 dev.py test`, which installs "
            "it, or `apt-get install chromium`, or set VOICEBOX_CHROMIUM."
        )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path  # everything the server printed: its output must never fill a pipe nobody reads
    store: Store  # the server's data, as another process sees it
    backend: Backend


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def live_server(tmp_path: Path, site_project: Path, backend: Backend) -> Iterator[LiveServer]:
    data_dir = backend.data_dir
    port = _free_port()
    env = {
        **os.environ,
        **backend.env,
        "VOICEBOX_DEMO": "1",
        "VOICEBOX_BASE_URL": f"http://127.0.0.1:{port}",
        "VOICEBOX_SITE_PROJECT": str(site_project),
        "VOICEBOX_SITE_DIR": str(site_project / "site"),
        "VOICEBOX_PUBLISH_DELAY_S": "0",
    }
    env.pop("VOICEBOX_SITE_URL", None)  # the demo serves the site at its own /dev/site/
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "feedback_app.cli", "--data-dir", str(data_dir), "serve",
             "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                pytest.fail(
                    f"the server did not start (exit {process.returncode}); "
                    f"the end of {log}:\n{_tail(log)}"
                )
            time.sleep(0.1)
    yield LiveServer(url, data_dir, process, log, backend.open(), backend)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def marketer_sign_in_link(
    live_server: LiveServer, email: str = "marketer@example.com", role: str = "marketer"
) -> str:
    """Create a marketer (or another `role`) with the `voicebox` command, as staff would;
    return the sign-in link it prints."""
    result = subprocess.run(
        [sys.executable, "-m", "feedback_app.cli", "--data-dir", str(live_server.data_dir),
         "user", "add", email, "--role", role],
        capture_output=True, text=True, check=True,
        env={"VOICEBOX_BASE_URL": live_server.url, "PATH": "", **live_server.backend.env},
    )  # fmt: skip
    link = re.search(r"http://\S+/signin/\S+", result.stdout)
    assert link, result.stdout
    return link.group(0)
