"""axe-core in Chromium: the accessibility checks a prospect's auditor runs, on any page a test
has open.

axe is evaluated through the DevTools protocol (what `page.evaluate` uses), which the pages'
Content-Security-Policy does not govern: the pages are checked with their real policy in
force, so axe sees what a visitor sees (a style the policy blocks is blocked for axe too) and
no `bypass_csp` context is needed.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# Issue 12's bar: axe's "minor" and "moderate" findings (a demo banner outside any landmark)
# are not held against a page.
BLOCKING = ("serious", "critical")

_AXE = Axe()

# True once no finite CSS animation or transition is running: a colour measured while a
# dialog fades in, or a tab slides in at 70 % opacity, is neither the colour before nor after.
SETTLED = """() => document.getAnimations().every(
    a => a.playState !== "running" || a.effect.getComputedTiming().endTime === Infinity)"""


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical violations on the page as it is now (an open dialog, an
    error shown), each with the elements it found."""
    page.wait_for_function(SETTLED, timeout=5_000)
    results = _AXE.run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def describe(where: str, violations: list[dict[str, Any]]) -> str:
    """One readable paragraph per violation: where, the rule, what it asks, and the elements
    (CSS selectors) that break it, so a failure says what to fix without rerunning axe."""
    lines = []
    for v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}) — {v['help']}")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {target}  {summary[:200]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


class AxeAudit:
    """Collects the violations of every page a test checks, to fail once with them all: one
    run then lists every page to fix instead of stopping at the first."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.found: list[str] = []

    def check(self, where: str) -> None:
        """Run axe on the page as it is now; `where` names it in the failure message."""
        violations = serious_violations(self.page)
        if violations:
            self.found.append(describe(f"{where} ({self.page.url})", violations))

    def assert_clean(self) -> None:
        assert not self.found, "axe's serious or critical violations:\n" + "\n".join(self.found)
