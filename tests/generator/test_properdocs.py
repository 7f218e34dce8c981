"""The site builds with ProperDocs (MkDocs' maintained fork) from the same files, and the
pages come out as MkDocs writes them: nothing of the site depends on MkDocs itself."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from feedback_app.brand import Brand
from feedback_app.demo import seed_demo
from feedback_app.store import TinyStore
from generator.build import mkdocs_env
from generator.publish import write_pages
from generator.render import site_env

BOARD, SITE_URL = "http://board.example", "http://site.example/"
# Each builder names itself in every page; that line is all that may differ.
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def _build(tool: str, project: Path, into: Path) -> dict[str, bytes]:
    # One day for both builds: the sitemap gives each page the build's date.
    env = {**mkdocs_env(SITE_URL, site_env(Brand(), BOARD)), "SOURCE_DATE_EPOCH": "1764547200"}
    command = [sys.executable, "-m", tool, "build", "--quiet", "-d", str(into)]
    subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
    return {p.relative_to(into).as_posix(): GENERATOR.sub(b"", p.read_bytes())
            for p in sorted(into.rglob("*")) if p.is_file()}  # fmt: skip


def test_properdocs_builds_the_same_site(site_project: Path, tmp_path: Path) -> None:
    store = TinyStore(tmp_path / "data")
    seed_demo(store)
    write_pages(store, site_project, BOARD, SITE_URL)
    store.close()
    proper = _build("properdocs", site_project, tmp_path / "properdocs")
    mkdocs = _build("mkdocs", site_project, tmp_path / "mkdocs")
    assert sorted(proper) == sorted(mkdocs) and "ideas/index.html" in proper
    differing = sorted(name for name in mkdocs if proper[name] != mkdocs[name])
    assert differing == [], "ProperDocs writes the pages MkDocs writes"
