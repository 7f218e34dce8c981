"""The live server the browser tests use keeps answering however much it logs."""

from __future__ import annotations

import urllib.request

from tests.browser.conftest import LiveServer


def test_live_server_keeps_answering_after_a_long_access_log(live_server: LiveServer) -> None:
    """Each request adds a line to gunicorn's access log; 64 KiB of it once filled a pipe."""
    for n in range(1200):
        with urllib.request.urlopen(f"{live_server.url}/healthz?n={n}", timeout=10) as response:
            assert response.status == 200
    assert live_server.log.stat().st_size > 64 * 1024
    assert "/healthz?n=1000 " in live_server.log.read_text()  # the last few may be on their way
