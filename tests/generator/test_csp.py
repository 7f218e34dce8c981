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
# Inline scripts a browser runs: not files (src=), not JSON data blocks (JSON, JSON-LD).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>(.*?)</script>", re.S
)


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
    """The site's pages; not the redirects at its first addresses (under /generated/) nor the
    wall of love's page (/wall/), which hold no script and take the header files' policy."""
    return sorted(p for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] not in ("generated", "wall"))  # fmt: skip


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
    expected = policies.pop()
    headers = (site / "_headers").read_text(encoding="utf-8")
    assert f"/*\n  Content-Security-Policy: {expected}\n  X-Frame-Options: DENY\n" in headers
    assert "X-Content-Type-Options: nosniff" in headers
    nginx = (site / "nginx-headers.conf").read_text(encoding="utf-8")
    assert f'\nadd_header Content-Security-Policy "{expected}" always;' in nginx
    assert '\nadd_header X-Frame-Options "DENY" always;' in nginx


def _sections(headers: str) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    for line in headers.splitlines():
        if line.startswith("/"):
            current = sections.setdefault(line, {})
        elif line.startswith("  "):
            name, value = line.strip().split(": ", 1)
            current[name] = value
    return sections


def test_only_the_wall_of_love_may_be_framed_and_read_by_other_sites(site: Path) -> None:
    sections = _sections((site / "_headers").read_text(encoding="utf-8"))
    everywhere = sections.pop("/*")
    assert everywhere["X-Frame-Options"] == "DENY" and "frame-ancestors" not in str(everywhere)
    assert "Access-Control-Allow-Origin" not in everywhere
    wall = sections.pop("/wall/*")
    assert wall == {"Content-Security-Policy":
                    f"{everywhere['Content-Security-Policy']}; frame-ancestors *"}  # fmt: skip
    assert sections == {
        path: {"Access-Control-Allow-Origin": "*"}
        for path in ("/wall.js", "/testimonials.json", "/generated/testimonials.json")
    }
    for name in ("wall/index.html", "wall.js", "testimonials.json", "generated/testimonials.json"):
        assert (site / name).is_file(), name


def test_nginx_gives_the_wall_of_love_its_headers_and_keeps_the_rest(site: Path) -> None:
    nginx = (site / "nginx-headers.conf").read_text(encoding="utf-8")
    server, *locations = nginx.split("\nlocation ")
    assert "frame-ancestors" not in server and "Access-Control" not in server
    blocks = {block.split(" {", 1)[0]: block for block in locations}
    assert set(blocks) == {"^~ /wall/", "= /wall.js", "= /testimonials.json",
                           "= /generated/testimonials.json"}  # fmt: skip
    assert '; frame-ancestors *" always;' in blocks["^~ /wall/"]
    assert "Access-Control" not in blocks["^~ /wall/"]
    for where in ("= /wall.js", "= /testimonials.json", "= /generated/testimonials.json"):
        assert 'add_header Access-Control-Allow-Origin "*" always;' in blocks[where]
        assert "frame-ancestors" not in blocks[where]
    for block in blocks.values():  # a location's add_header replaces the server's: all repeated
        assert 'X-Content-Type-Options "nosniff"' in block and "script-src 'self'" in block


def test_json_data_blocks_are_not_counted_as_scripts() -> None:
    from site_src.hooks.csp import _InlineScripts

    parser = _InlineScripts()
    parser.feed('<script type="application/ld+json">{"@type": "Organization"}</script>'
                '<script type="application/json">{}</script><script>run()</script>')  # fmt: skip
    assert parser.scripts == ["run()"]
