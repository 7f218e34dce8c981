"""The README's pictures: `dev.py screenshots` photographs a running Voicebox in Chromium."""

from __future__ import annotations

import struct
from pathlib import Path

from playwright.sync_api import Browser

from feedback_app.dev.screenshots import SHOTS, take
from feedback_app.store import Idea, IdeaStatus
from tests.browser.conftest import LiveServer, marketer_sign_in_link


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is no PNG"
    return struct.unpack(">II", header[16:24])


def test_the_screenshot_script_photographs_board_idea_dashboard_and_site(
    live_server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    live_server.store.ideas.add(Idea("Вівсяне молоко без доплати", "Будь ласка", "Drinks", 1,
                                     status=IdeaStatus.IMPLEMENTED, changed_note="Без доплати"))
    link = marketer_sign_in_link(live_server)
    written = take(live_server.url, link, tmp_path / "shots", browser)
    assert [p.name for p in written] == list(SHOTS)
    sizes = {p.name: _png_size(p) for p in written}
    assert sizes["dashboard.png"] == (1280, 860)
    assert sizes["board-phone.png"][0] == 390
    assert all(p.stat().st_size > 10_000 for p in written), "each holds a rendered page"
