"""The published site's Content-Security-Policy: in every page, before any script, allowing
exactly the theme's inline scripts; and the same policy as header files for static hosts."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from feedback_app.demo import seed_demo
from feedback_app.store import TinyStore
from generator.publish import publish

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
                           re.S)  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import ROOT

    root = tmp_path_factory.mktemp("csp")
    project = root / "project"
    shutil.copytree(ROOT / "site_src", project / "site_src",
                    ignore=shutil.ignore_patterns("generated"))  # fmt: skip
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    store = TinyStore(root / "data")
    seed_demo(store)
    publish(store, project, project / "site", "http://board.example", "http://site.example/")
    return project / "site"


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def _pages(site: Path) -> list[Path]:
    """The site's pages; not the redirects at its first addresses (under /generated/), which
    hold no script and take the header files' policy."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "generated")


def test_every_page_allows_its_theme_scripts_and_nothing_inline_else(site: Path) -> None:
    pages = _pages(site)
    assert len(pages) > 5
    for page in pages:
        html = page.read_text(encoding="utf-8")
        found = META.search(html)
        assert found is not None, page
        assert html.find("<script") > found.end(), f"{page}: the policy comes before any script"
        policy = _directives(found.group(1))
        allowed = set(policy["script-src"].split()) - {"'self'"}
        assert allowed == {_hash(s) for s in INLINE_SCRIPT.findall(html)}, page
        assert "unsafe" not in found.group(1)
        assert policy["object-src"] == "'none'" and policy["default-src"] == "'self'"


def test_header_files_for_static_hosts_carry_the_same_policy(site: Path) -> None:
    policies = {META.search(p.read_text(encoding="utf-8")).group(1)  # type: ignore[union-attr]
                for p in _pages(site)}  # fmt: skip
    redirects = sorted((site / "generated").rglob("*.html"))
    assert redirects and not any("<script" in p.read_text(encoding="utf-8") for p in redirects)
    assert len(policies) == 1, "one policy for the whole site, so the header files can hold it"
    expected = f"{policies.pop()}; frame-ancestors 'none'"
    headers = (site / "_headers").read_text(encoding="utf-8")
    assert f"/*\n  Content-Security-Policy: {expected}\n" in headers
    assert "X-Content-Type-Options: nosniff" in headers
    nginx = (site / "nginx-headers.conf").read_text(encoding="utf-8")
    assert f'add_header Content-Security-Policy "{expected}" always;' in nginx
