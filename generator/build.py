"""Run MkDocs on the project's mkdocs.yml into a new folder, then switch the site to it.

The site folder (`site/`) is a symbolic link to the live build. A publish builds into a new
sibling folder (`.site-builds/<inputs>-<n>`) and then replaces the link in one `rename`, so a
reader (the web server, a copy in progress) always finds a whole site: never a missing
index.html, never half of the old and half of the new. A failed build is deleted and the link
is left alone, so the last good site keeps serving. The build before the live one is kept
until the next switch, for readers that were still walking it; older ones are removed (in the
background, once the new one is live).

A build folder is named for what it was built from (the pages, mkdocs.yml, the site's URL and
the MkDocs and Material versions), which is how a publish knows the live site is current.
Beside each build lies its manifest (`<build>.manifest.json`, not served), from which the next
build rebuilds only the pages that changed (generator/incremental.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

__all__ = [
    "DOCS", "BuildError", "build_site", "builds_folder", "finish_removals", "inputs_digest",
    "is_current", "mkdocs_env",
]  # fmt: skip

DOCS = "site_src"  # what a build reads: the docs folder (generated/), theme overrides, hooks
_DIGEST_LEN = 16
MANIFEST_SUFFIX = ".manifest.json"
_REMOVER = "remove-old-builds"
TEMPLATE_CACHE = "templates-cache"  # compiled theme templates, kept between builds


class BuildError(Exception):
    """MkDocs failed; the message ends with what it printed."""


def builds_folder(site_dir: Path) -> Path:
    """Where the builds live: beside the site link, hidden so it is not served by mistake."""
    return site_dir.parent / f".{site_dir.name}-builds"


def inputs_digest(project: Path, site_url: str, env: Mapping[str, str] | None = None) -> str:
    """A fingerprint of everything a build depends on (`env`: the variables mkdocs.yml reads)."""
    h = hashlib.sha256()
    for part in (site_url, version("mkdocs"), version("mkdocs-material")):
        h.update(part.encode() + b"\0")
    for name, value in sorted((env or {}).items()):
        h.update(f"{name}={value}".encode() + b"\0")
    files = [project / "mkdocs.yml", *sorted((project / DOCS).rglob("*"))]
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:  # Python's cache of the hook
            h.update(path.relative_to(project).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:_DIGEST_LEN]


def is_current(site_dir: Path, digest: str) -> bool:
    """Whether the live site was built from inputs with this `inputs_digest`."""
    if not site_dir.is_symlink() or not (site_dir / "index.html").exists():
        return False
    live = Path(os.readlink(site_dir)).name
    return live.startswith(digest + "-")


def build_site(
    project: Path,
    site_dir: Path,
    site_url: str,
    env: Mapping[str, str] | None = None,
    full: bool = False,
    digest: str | None = None,
) -> dict[str, Any]:
    """Build `project/mkdocs.yml` into a new folder, then switch `site_dir` to it; what the
    build did (its mode, "incremental" or "full (why)", and seconds by step).

    The build rebuilds only what changed since the live build when it can (see
    generator/incremental.py; `full` forbids it), and is otherwise exactly `mkdocs build`.
    It runs from `project` (MkDocs resolves some paths from the working folder); mkdocs.yml
    reads `site_url` from VOICEBOX_SITE_URL, for the sitemap and canonical links, and the
    brand from `env` (generator/render.py, site_env). `digest` is the inputs' digest when
    the caller has it already (reading every input again takes a while on a big site).
    """
    builds = builds_folder(site_dir)
    builds.mkdir(parents=True, exist_ok=True)
    digest = digest or inputs_digest(project, site_url, env)
    target = builds / f"{digest}-{time.time_ns()}"
    live = site_dir.resolve() if site_dir.is_symlink() else None
    try:
        report = _driver(project, target, site_url, env or {}, live, full)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        _manifest(target).unlink(missing_ok=True)
        raise
    previous = _switch(site_dir, target)
    keep = {target.name, _manifest(target).name, TEMPLATE_CACHE}
    if previous:
        keep |= {previous, f"{previous}{MANIFEST_SUFFIX}"}
    old = [path for path in builds.iterdir() if path.name not in keep]
    for path in old:
        if not path.is_dir():
            path.unlink(missing_ok=True)
    # Deleting a build of thousands of folders takes longer than a one-page republish (0.5 s
    # and more): the site is already switched, so that happens after the publish answers.
    # Whatever an interrupted deletion leaves, the next build's clean-up removes.
    folders = [path for path in old if path.is_dir()]
    if folders:
        remover = threading.Thread(target=_remove, args=(folders,), name=_REMOVER)
        remover.start()
    return report


def finish_removals(timeout: float = 60) -> None:
    """Wait until old builds are removed (for whoever deletes the whole project next)."""
    for thread in threading.enumerate():
        if thread.name == _REMOVER:
            thread.join(timeout)


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _manifest(build: Path) -> Path:
    """What a build was made from: beside it, never in the served folder."""
    return build.with_name(build.name + MANIFEST_SUFFIX)


def _driver(
    project: Path,
    target: Path,
    site_url: str,
    brand: Mapping[str, str],
    live: Path | None,
    full: bool,
) -> dict[str, Any]:
    code_root = str(Path(__file__).resolve().parents[1])  # this generator, whatever the cwd
    path = os.pathsep.join(filter(None, [code_root, os.environ.get("PYTHONPATH")]))
    env = {**mkdocs_env(site_url, brand), "PYTHONPATH": path}
    command = [sys.executable, "-m", "generator.incremental", str(project / "mkdocs.yml"),
               str(target.absolute()), str(_manifest(target).absolute()),
               "--template-cache", str(target.parent.absolute() / TEMPLATE_CACHE)]  # fmt: skip
    if full:
        command.append("--full")
    elif live is not None and _manifest(live).exists():
        command += ["--previous", str(live), "--previous-manifest", str(_manifest(live))]
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BuildError(f"MkDocs failed (exit {result.returncode}):\n{tail}")
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def mkdocs_env(site_url: str, brand: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a build of the site runs in: the variables mkdocs.yml reads (the site's
    address; the brand, generator/render.py site_env), and no bytecode written next to the
    hooks, so the site's inputs stay exactly what the project holds."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "VOICEBOX_SITE_URL": site_url,
            "PYTHONDONTWRITEBYTECODE": "1", **(brand or {})}  # fmt: skip


def _switch(site_dir: Path, target: Path) -> str | None:
    """Point `site_dir` at `target` in one rename; the name of the build it pointed at before.

    A real folder left by an earlier version is moved into the builds folder first: the one
    moment `site_dir` is missing, between two renames, happens once per installation.
    """
    link = site_dir.parent / f".{site_dir.name}.switch-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(target, site_dir.parent), target_is_directory=True)
    previous: str | None = None
    if site_dir.is_symlink():
        previous = Path(os.readlink(site_dir)).name
    elif site_dir.exists():
        aside = target.parent / f"replaced-{time.time_ns()}"
        site_dir.rename(aside)
        previous = aside.name
    os.replace(link, site_dir)
    _sync_folder(site_dir.parent)
    return previous


def _sync_folder(folder: Path) -> None:
    """Make the switch survive a power cut (where the platform allows syncing a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
