"""A Content-Security-Policy for the published site, which Material's own scripts pass.

Every page gets a `<meta http-equiv="Content-Security-Policy">` as the first thing after its
charset, so no script in the page runs unless the policy allows it; the same policy (plus what
only a header can say: who may frame a page, who may read a file) is written next to the pages
as header files for static hosts: `_headers` (Netlify, Cloudflare Pages) and
`nginx-headers.conf`. No page may be framed, nor any file read by another site, except the
wall of love's page, script and data, which are made for other sites (see `header_rules`).

Material runs a few small inline scripts (its storage helpers, the tab restorer, ...). The
policy allows them by their SHA-256 hash. Which scripts may run is decided by Material's own
script partials, rendered for each page's context, and never by the built page alone: hashing
every inline script a page holds would also allow a script that had found its way into the
content. A page's policy lists the theme's scripts that the page really contains, so whatever
else a page holds, only the theme's scripts and files from this site can run.

`extra.scope` is set to the site's path (what Material's relative `base_url` resolves to
anyway), so the storage helper reads the same on every page, whatever its depth: the hashes,
and so the header files, change only when Material does.

The header files sum up every page, so the hook keeps each page's hashes apart and lets
generator/incremental.py (which rebuilds only changed pages) hand it those of the pages it did
not rebuild (`incremental_facts`, `incremental_restore`): the files come out as a full build
writes them. A plain `mkdocs build` never calls these two.

This is a hook (mkdocs.yml `hooks:`), not a plugin and not content: the site still builds
without it, only without the policy. Under `mkdocs serve` pages get no `<meta>` policy, which
would block the inline script MkDocs injects to reload the preview.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

# Every Material partial that writes an inline script; one missing from a theme is skipped.
SCRIPT_PARTIALS = (
    "partials/javascripts/base.html",
    "partials/javascripts/palette.html",
    "partials/javascripts/announce.html",
    "partials/javascripts/outdated.html",
    "partials/javascripts/content.html",
    "partials/javascripts/consent.html",
    "partials/integrations/analytics.html",
)
HEADERS_FILE = "_headers"
NGINX_FILE = "nginx-headers.conf"
OTHER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# The wall of love (generator/render.py): its page may be framed by any site, and its script
# and the testimonials it reads (at today's address and the first one) fetched from any site.
# Nothing else of the site may be framed or read from another origin.
FRAMEABLE = ("/wall/*",)
SHARED = ("/wall.js", "/testimonials.json", "/generated/testimonials.json")
# Framing is refused by X-Frame-Options, not by the site-wide policy's `frame-ancestors`:
# Cloudflare Pages sends every matching section's value of a header (comma-joined: two
# policies, both enforced), so a site-wide `frame-ancestors 'none'` would forbid the wall too.
# A policy that names `frame-ancestors` (the wall's) makes browsers ignore X-Frame-Options.
NO_FRAMING = {"X-Frame-Options": "DENY"}
FRAMING_ALLOWED = "frame-ancestors *"

_CHARSET = re.compile(r"<meta charset=[^>]*>", re.IGNORECASE)
# hashes: of theme templates (404.html); pages: page URL -> the hashes its policy allows.
_state: dict[str, Any] = {"hashes": set(), "pages": {}, "by_base": {}, "template_base": {},
                          "serve": False}  # fmt: skip


class _InlineScripts(HTMLParser):
    """The text of every inline script that a browser would run (not JSON data blocks)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        values = dict(attrs)
        kind = (values.get("type") or "text/javascript").lower()
        runs = kind in ("text/javascript", "module", "application/javascript")
        self._open = [] if runs and "src" not in values else None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append("".join(self._open))
            self._open = None


def _sha256(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def _theme_scripts(config: MkDocsConfig, base_url: str) -> tuple[str, ...]:
    """The inline scripts Material may write into a page at `base_url`."""
    cached: tuple[str, ...] | None = _state["by_base"].get(base_url)
    if cached is not None:
        return cached
    env = config.theme.get_env()
    features = config.theme.get("features") or []
    context = {"config": config, "base_url": base_url, "features": features}
    parser = _InlineScripts()
    for name in SCRIPT_PARTIALS:
        try:
            parser.feed(env.get_template(name).render(context))
        except jinja2.TemplateNotFound:
            continue
    scripts = tuple(dict.fromkeys(parser.scripts))
    _state["by_base"][base_url] = scripts
    return scripts


def policy(hashes: set[str]) -> str:
    """The policy for pages whose inline scripts have these hashes."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(sorted(hashes)),
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])  # fmt: skip


def _with_meta(output: str, config: MkDocsConfig, base_url: str, seen: set[str]) -> str:
    """The page with its policy: the theme's scripts that it contains may run (their hashes
    are added to `seen`)."""
    if _state["serve"]:
        return output
    hashes = {_sha256(s) for s in _theme_scripts(config, base_url) if f">{s}</script>" in output}
    seen.update(hashes)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}">'
    found = _CHARSET.search(output)
    if found is None:
        return output
    return output[: found.end()] + "\n    " + meta + output[found.end() :]


def on_startup(*, command: str, dirty: bool) -> None:
    _state["serve"] = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Start a build with no hashes seen; pin the storage scope to the site's path."""
    _state.update(hashes=set(), pages={}, by_base={}, template_base={})
    if config.site_url and "scope" not in config.extra:
        config.extra["scope"] = urlsplit(config.site_url).path or "/"
    return config


def on_post_page(output: str, /, *, page: Page, config: MkDocsConfig) -> str:
    seen: set[str] = set()
    output = _with_meta(output, config, get_relative_url(".", page.url), seen)
    _state["pages"][page.url] = sorted(seen)
    return output


def on_template_context(context: dict[str, Any], /, *, template_name: str,
                        config: MkDocsConfig) -> dict[str, Any]:  # fmt: skip
    _state["template_base"][template_name] = context.get("base_url", "")
    return context


def on_post_template(output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
    """Theme pages such as 404.html get the policy too (not sitemap.xml)."""
    if not template_name.endswith(".html"):
        return output
    base_url = _state["template_base"].get(template_name, "")
    return _with_meta(output, config, base_url, _state["hashes"])


def incremental_facts() -> dict[str, list[str]]:
    """Each page's hashes in this build, kept by an incremental build for the next one."""
    return dict(_state["pages"])


def incremental_restore(facts: dict[str, list[str]]) -> None:
    """The hashes of pages an incremental build did not render, as the last build found."""
    for url, hashes in facts.items():
        _state["pages"].setdefault(url, hashes)


def header_rules(site_policy: str) -> list[tuple[str, dict[str, str]]]:
    """Which headers a static host sends for which paths, most general first.

    A path matching several sections gets the headers of each, a later section's value of a
    header replacing an earlier one's (Netlify; nginx through its `location` blocks); where a
    host sends both values instead (Cloudflare Pages), the result is the same, see NO_FRAMING.
    """
    rules = [("/*", {"Content-Security-Policy": site_policy, **NO_FRAMING, **OTHER_HEADERS})]
    framed = f"{site_policy}; {FRAMING_ALLOWED}"
    rules += [(path, {"Content-Security-Policy": framed}) for path in FRAMEABLE]
    rules += [(path, {"Access-Control-Allow-Origin": "*"}) for path in SHARED]
    return rules


def _netlify(rules: list[tuple[str, dict[str, str]]]) -> str:
    head = "# Netlify and Cloudflare Pages read this file; written by site_src/hooks/csp.py.\n"
    return head + "".join(
        f"{path}\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())
        for path, headers in rules
    )


def _nginx(rules: list[tuple[str, dict[str, str]]], prefix: str) -> str:
    """The same rules for nginx: the site-wide headers for the server block, a `location`
    for each other path. A location's add_header replaces all of the server's, so each
    location repeats the site-wide headers with its own on top."""
    (_, site_wide), *others = rules
    lines = [
        f"# For nginx: `include` this file in the server block serving the site (at {prefix});",
        "# written by site_src/hooks/csp.py. Reload nginx when a publish changes it.",
        *(f'add_header {name} "{value}" always;' for name, value in site_wide.items()),
    ]
    for path, own in others:
        where = f"^~ {prefix}{path[1:-1]}" if path.endswith("*") else f"= {prefix}{path[1:]}"
        lines += [f"location {where} {{"]
        lines += [f'    add_header {n} "{v}" always;' for n, v in {**site_wide, **own}.items()]
        lines += ["}"]
    return "\n".join(lines) + "\n"


def on_post_build(config: MkDocsConfig) -> None:
    """Header files with the policy for every page of this build, for the static host."""
    every = set(_state["hashes"]).union(*_state["pages"].values())
    rules = header_rules(policy(every))
    site = Path(config.site_dir)
    prefix = urlsplit(config.site_url or "/").path or "/"
    (site / HEADERS_FILE).write_text(_netlify(rules), encoding="utf-8")
    (site / NGINX_FILE).write_text(_nginx(rules, prefix), encoding="utf-8")
