"""What the next publish would add, change and remove on the site, without publishing.

The console shows this beside its "publish now" button. It runs the publish's own first steps,
`collect` and `render` (pure), and compares their files with those in the generated folder
(`write.compare_files`, which only reads), so it can never disagree with what a publish writes.
Each file is named for people: a page by its title (read from the page's front matter: a
removed page is named from the file still on disk), the other files by what they are.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from feedback_app.brand import Brand
from feedback_app.store import Store

from .collect import collect
from .i18n import _, set_locale
from .publish import GENERATED
from .render import WORD_JOINER, render_site
from .write import compare_files

__all__ = ["PagePreview", "SitePreview", "page_title_of", "preview"]

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


@dataclass(frozen=True)
class PagePreview:
    path: str  # under the generated folder, as the publish writes it
    title: str  # the page's title, or what the file is (the feed, a photo)


@dataclass(frozen=True)
class SitePreview:
    added: tuple[PagePreview, ...]
    changed: tuple[PagePreview, ...]
    removed: tuple[PagePreview, ...]

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def page_title_of(content: str | bytes) -> str:
    """The title a generated page gives in its front matter, as plain text ("" if none)."""
    text = content.decode(errors="replace") if isinstance(content, bytes) else content
    found = _FRONT.match(text)
    front = yaml.safe_load(found.group(1)) if found else None
    title = front.get("title") if isinstance(front, dict) else None
    return html.unescape(title).replace(WORD_JOINER, "") if isinstance(title, str) else ""


def _title(path: str, content: str | bytes) -> str:
    if path == "index.md":
        return _("Home page")
    if path.endswith(".md"):
        return page_title_of(content)
    if path.startswith("photos/"):
        return _("A customer's photo")
    if path.startswith("generated/"):
        return _("The page's first address, leading to where it is now")
    if path.startswith("brand/"):
        return _("The business's logo, icon or colours")
    known = {
        "feed.xml": _("News feed of Ideas in Action"),
        "testimonials.json": _("Testimonials for other sites (JSON)"),
        "wall/index.html": _("Wall of love for other sites (to frame)"),
        "wall.js": _("Wall of love for other sites (script)"),
    }
    return known.get(path, "")


def preview(store: Store, project: Path, board_url: str, site_url: str,
            locale: str = "en", brand: Brand | None = None) -> SitePreview:  # fmt: skip
    """The pages the next publish of `project` would add, change and remove."""
    set_locale(locale)
    files = render_site(collect(store, board_url, brand), site_url)
    folder = project / GENERATED
    summary = compare_files(files, folder)

    def new(path: str) -> PagePreview:
        return PagePreview(path, _title(path, files[path]))

    def old(path: str) -> PagePreview:
        return PagePreview(path, _title(path, (folder / path).read_bytes()))

    return SitePreview(
        tuple(new(p) for p in summary.added),
        tuple(new(p) for p in summary.changed),
        tuple(old(p) for p in summary.removed),
    )
