"""Run MkDocs on the project's mkdocs.yml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["BuildError", "build_site"]


class BuildError(Exception):
    """MkDocs failed; the message ends with what it printed."""


def build_site(project: Path, site_dir: Path, site_url: str) -> None:
    """`mkdocs build --clean` of `project/mkdocs.yml` into `site_dir`, run from `project`
    (MkDocs resolves snippet paths from the working folder); mkdocs.yml reads `site_url` from
    VOICEBOX_SITE_URL, for the sitemap and canonical links."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "VOICEBOX_SITE_URL": site_url}
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet",
               "-f", str(project / "mkdocs.yml"), "-d", str(site_dir.resolve())]  # fmt: skip
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BuildError(f"MkDocs failed (exit {result.returncode}):\n{tail}")
