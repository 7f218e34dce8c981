"""collect -> render -> write -> build, one publish at a time across processes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from feedback_app.brand import Brand
from feedback_app.store import Store, utcnow

from .build import DOCS, BuildError, build_site, inputs_digest, is_current
from .collect import SiteData, collect
from .i18n import set_locale
from .paging import known_pages, remember_pages
from .render import render_site, site_env
from .slugs import known_slugs, remember_slugs
from .write import WriteSummary, write_files

__all__ = [
    "GENERATED", "BuildError", "PublishResult", "last_publish", "publish", "publish_pending",
    "publish_requested", "write_pages",
]  # fmt: skip

GENERATED = Path(DOCS) / "generated"
# The store's lock and status record for publishing: one publish at a time across processes
# (and hosts, with a shared backend); the console reads how the last one went.
PUBLISH = "publish"
PUBLISH_WAIT_S = 600
# When a publish was last asked for, by any process: every app worker's console can tell that
# one is under way, not only the worker that took the request.
REQUESTED = "publish-requested"
# A request older than this with no publish after it was lost with its process (killed while
# waiting or building): the console stops saying that one is under way.
REQUEST_LOST_S = PUBLISH_WAIT_S + 300


@dataclass
class PublishResult:
    summary: WriteSummary
    built: bool
    seconds: float
    testimonials: int
    ideas: int
    # What the build did, when there was one: its mode ("incremental", "full (why)") and
    # seconds by step, from generator/incremental.py.
    build: dict[str, Any] | None = None


def _quiet(step: str) -> None:
    """Default progress callback: report nothing."""


def publish(
    store: Store,
    project: Path,
    site_dir: Path,
    board_url: str,
    site_url: str,
    locale: str = "en",
    force: bool = False,
    progress: Callable[[str], None] = _quiet,
    brand: Brand | None = None,
) -> PublishResult:
    """Publish the site; the MkDocs build is skipped when the live site was built from the
    project as it is now (so a build that failed is tried again by the next publish)."""
    start = time.perf_counter()
    with store.lock(PUBLISH, timeout=PUBLISH_WAIT_S):
        started = utcnow().isoformat()
        try:
            data, summary = write_pages(store, project, board_url, site_url, locale, progress,
                                        brand)  # fmt: skip
            env = site_env(data.brand, board_url)
            digest = inputs_digest(project, site_url, env)
            built = force or not is_current(site_dir, digest)
            report = None
            if built:
                progress("build")
                # `force` is the way out when a site looks wrong: it rebuilds every page.
                report = build_site(project, site_dir, site_url, env, full=force, digest=digest)
        except Exception as exc:
            _record(store, started, ok=False, message=str(exc))
            raise
        result = PublishResult(summary, built, time.perf_counter() - start,
                               len(data.testimonials), len(data.ideas), report)  # fmt: skip
        changed = len(summary.added) + len(summary.changed) + len(summary.removed)
        _record(store, started, ok=True, message=f"{changed} files changed", built=built)
        return result


def write_pages(
    store: Store,
    project: Path,
    board_url: str,
    site_url: str,
    locale: str = "en",
    progress: Callable[[str], None] = _quiet,
    brand: Brand | None = None,
) -> tuple[SiteData, WriteSummary]:
    """collect -> render -> write: the site's pages in its docs folder, without building.
    Ideas published for the first time keep the address they got (generator/slugs.py)."""
    progress("collect")
    data = collect(store, board_url, brand)
    progress("render")
    set_locale(locale)
    files = render_site(data, site_url)
    progress("write")
    summary = write_files(files, project / GENERATED)
    remember_slugs(store, known_slugs(store), ((i.id, i.slug) for i in data.ideas))
    remember_pages(store, known_pages(store), data.pages)
    return data, summary


def _record(store: Store, started: str, **fields: Any) -> None:
    store.status.put(PUBLISH, {"at": utcnow().isoformat(), "started": started, **fields})


def last_publish(store: Store) -> dict[str, Any] | None:
    """When the site was last published, and whether it worked (for the console)."""
    return store.status.get(PUBLISH)


def publish_requested(store: Store) -> None:
    """Note that a publish was asked for (the process asked starts it)."""
    store.status.put(REQUESTED, {"at": utcnow().isoformat()})


def publish_pending(store: Store) -> bool:
    """A publish was asked for, by any process, and has not started since (or is running)."""
    asked = store.status.get(REQUESTED)
    if asked is None:
        return False
    at = datetime.fromisoformat(asked["at"])
    if (utcnow() - at).total_seconds() > REQUEST_LOST_S:
        return False
    last = last_publish(store)
    # A publish that started before the request did not include what was asked for.
    return last is None or datetime.fromisoformat(last.get("started", last["at"])) < at
