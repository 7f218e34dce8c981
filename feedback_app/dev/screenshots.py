"""Pictures of Voicebox for the README, taken in Chromium from the demo data.

    python3 dev.py screenshots            # writes docs/screenshots/*.png

The demo is seeded in a temporary folder (the real `data/` is never touched) and served on a
free local port; Chromium then opens the board, an implemented idea, the console's dashboard
(signed in with the marketer's one-time link the demo prints) and the published site, as a
visitor on a laptop would, and the board once more at phone width. `take` does the browsing
for any running Voicebox, so a test can run it against its own server.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

__all__ = ["SHOTS", "main", "take"]

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
# The files `take` writes, in the order the README shows them.
SHOTS = ("board.png", "idea.png", "dashboard.png", "site.png", "board-phone.png")


def take(base_url: str, sign_in_link: str, out: Path, browser: Browser) -> list[Path]:
    """Photograph the Voicebox at `base_url` into `out` with `browser`; `sign_in_link` signs
    in a marketer."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    laptop = browser.new_context(viewport=LAPTOP, locale="en-GB")
    phone = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True)
    try:
        page = laptop.new_page()
        page.goto(f"{base_url}/ideas")
        written.append(_shot(page, out / SHOTS[0]))
        page.goto(f"{base_url}/ideas/in-action")  # an idea with its answer, pros and cons
        page.locator(".idea-card h3 a").first.click()
        written.append(_shot(page, out / SHOTS[1]))
        page.goto(sign_in_link)
        page.get_by_role("button", name=re.compile("sign in", re.I)).click()
        page.goto(f"{base_url}/admin/")
        if not page.url.startswith(f"{base_url}/admin/"):
            raise RuntimeError(f"the sign-in link did not sign in (at {page.url})")
        written.append(_shot(page, out / SHOTS[2]))
        page.goto(f"{base_url}/dev/site/")
        written.append(_shot(page, out / SHOTS[3]))
        small = phone.new_page()
        small.goto(f"{base_url}/ideas")
        written.append(_shot(small, out / SHOTS[4]))
    finally:
        laptop.close()
        phone.close()
    return written


def _shot(page: Page, path: Path) -> Path:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=False)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    """Seed and serve the demo in a temporary folder, photograph it, stop it."""
    with tempfile.TemporaryDirectory(prefix="voicebox-shots-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "site_src", work / "site_src",
                        ignore=shutil.ignore_patterns("generated"))  # fmt: skip
        shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "VOICEBOX_DATA_DIR": str(work / "data"),
               "VOICEBOX_SITE_PROJECT": str(work), "VOICEBOX_SITE_DIR": str(work / "site"),
               "VOICEBOX_BASE_URL": base}  # fmt: skip
        env.pop("VOICEBOX_DATABASE_URL", None)
        env.pop("VOICEBOX_SITE_URL", None)  # the demo shows the site at its own /dev/site/
        log = work / "demo.log"
        with log.open("wb") as sink:
            server = subprocess.Popen(
                [sys.executable, "-m", "feedback_app.cli", "demo", "--port", str(port)],
                env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=work,
            )  # fmt: skip
        try:
            link = _wait_for_demo(base, log, server)
            executable = os.environ.get("VOICEBOX_CHROMIUM") or shutil.which("chromium")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
                try:
                    for path in take(base, link, OUT, browser):
                        print(f"wrote {path.relative_to(ROOT)}")
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_for_demo(base: str, log: Path, server: subprocess.Popen[bytes]) -> str:
    """The marketer's sign-in link, once the demo is seeded and answering."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the demo stopped (exit {server.returncode}):\n{log.read_text()[-3000:]}")
        found = re.search(r"(http://\S+/signin/\S+)", log.read_text(errors="replace"))
        if found:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    return found.group(1)
            except OSError:
                pass
        time.sleep(0.5)
    sys.exit(f"the demo did not start in time:\n{log.read_text()[-3000:]}")


if __name__ == "__main__":
    main()
