"""`safe_next` against Chromium's own URL parser: what it keeps never leaves the site."""

from __future__ import annotations

import random

from playwright.sync_api import Page

from feedback_app.auth.service import safe_next
from tests.test_redirects import HOSTILE

# Characters that change how a browser reads a URL, mixed into short random targets.
ALPHABET = ["/", "\\", "\t", "\n", "\r", " ", ":", "@", ".", "%", "2f", "?", "#", "e", "\x00",
            "\x0b", "é", "http", "evil.example", "%09", "\u3000"]  # fmt: skip


def test_kept_targets_stay_on_the_site_in_chromium(page: Page) -> None:
    rng = random.Random(8058)
    targets = HOSTILE + [
        rng.choice(["/", ""]) + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8)))
        for _ in range(4000)
    ]
    kept = [safe_next(t) for t in targets]
    origins = page.evaluate(
        """(hrefs) => hrefs.map((h) => {
             try { return new URL(h, "http://site.test/ideas/1").origin; }
             catch (e) { return "not a URL: " + h; }
           })""",
        [k for k in kept if k],
    )
    assert set(origins) == {"http://site.test"}
    assert sum(1 for k in kept if k) > 500, "the sample must exercise kept paths too"
