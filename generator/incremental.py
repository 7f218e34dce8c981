"""Build a MkDocs site into a new folder, rebuilding only what changed since the live build.

    python -m generator.incremental CONFIG TARGET MANIFEST [--previous DIR --previous-manifest
    FILE] [--full]

Why not `mkdocs build --dirty`: it rewrites the changed pages in place (readers would see a
site in the middle of changing), and Material's search index then holds only the pages of that
one build. Why not hand-written rendering: the site must stay whatever `mkdocs build` (or
ProperDocs) makes of the same files, so this driver only *calls* MkDocs' own build steps, in
the order `mkdocs.commands.build.build` calls them, and it decides nothing about content.

What a page's HTML depends on, and how each is covered:

- its own source: the manifest (written beside the build, outside the served folder) holds the
  sha256 of every file MkDocs knows; a page whose source differs, or which is new, is rebuilt;
- files in docs_dir that MkDocs excludes but a Markdown extension may read into a page
  (pymdownx.snippets, which Voicebox's own site no longer uses, but a business may add): a
  page naming a changed one (by its file name, through other such files too) is rebuilt, as
  if its own source had changed;
- everything global (mkdocs.yml and the environment variables it reads, the resolved
  site_url, theme overrides, hooks, and the versions of MkDocs, Material, Markdown and their
  kin): one digest; any difference means a full build;
- the navigation (titles and addresses of the pages in `nav`, which every page shows, with the
  previous/next links): the titles of unchanged pages come from the manifest, changed pages are
  read again, and if the navigation differs from the live one the build is a full one;
- every other page: addresses come from file paths, which MkDocs knows for all files because
  the driver gives it the whole file list, so links resolve exactly as in a full build.

Unchanged outputs are hard-linked from the live build *after* MkDocs has written everything it
writes in this build (so nothing ever writes through a link, and the live site never changes
under its readers); outputs of removed and changed files are never linked. Theme templates
(sitemap.xml, 404.html) are rendered each time: they are cheap and list every page.

What a full build sums up over every page in `on_post_build` is completed rather than redone:
Material's search index gets the previous entries of unchanged pages, in the order a full build
would give them, around the new entries of rebuilt pages (entries are the plugin's own output,
so its tokeniser, jieba included, is never reimplemented here). Any other plugin or hook that
sums up pages must say how (`incremental_facts()` returning per-page JSON facts after a build,
`incremental_restore(facts)` taking those of the pages not rebuilt, as site_src/hooks/csp.py
does for its header files); a plugin that does not is not understood, and the build is a full
one. A full build is also made when there is no usable previous build, or when more than
`REBUILD_SHARE` of the pages changed (then linking and merging no longer pay).

This module runs in a subprocess (as `mkdocs build` did) and imports MkDocs and its Jinja,
nothing of the app: the hooks it loads are module-level state, and a fresh process gives every
build a clean one.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands import build as mk
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page

# More changed pages than this share (and than a handful) and a full build is about as fast.
REBUILD_SHARE, REBUILD_FEW = 0.25, 10
MANIFEST_FORMAT = 2
# Distributions whose version changes what a page looks like.
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pygments",
            "babel", "backrefs", "jieba")  # fmt: skip
FACTS, RESTORE = "incremental_facts", "incremental_restore"
_ENV = re.compile(r"!ENV\s*\[?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)")


class FullBuildNeeded(Exception):
    """Why this build cannot be incremental (said in the timing line)."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load(config_file: str, target: Path, template_cache: Path | None) -> MkDocsConfig:
    config = load_config(config_file, site_dir=str(target))
    if template_cache is not None:
        _cache_templates(config, template_cache)
    config.plugins.on_startup(command="build", dirty=False)
    return config


def _cache_templates(config: MkDocsConfig, folder: Path) -> None:
    """Keep the theme's compiled templates between builds (each process would compile them
    again: 0.4 s, a fifth of a republish). Jinja keys the cache by each template's source, so
    a changed template is compiled afresh; what a template renders is unchanged."""
    folder.mkdir(parents=True, exist_ok=True)
    cache = jinja2.FileSystemBytecodeCache(str(folder))
    theme = config.theme
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make_env()
        env.bytecode_cache = cache
        return env

    theme.get_env = get_env  # type: ignore[method-assign]


def _tree(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def global_digest(config: MkDocsConfig, files: Files) -> str:
    """Everything a page depends on besides its own source."""
    h = hashlib.sha256()
    config_file = Path(config.config_file_path)
    text = config_file.read_bytes()
    h.update(text)
    for name in sorted(set(_ENV.findall(text.decode("utf-8", "replace")))):
        h.update(f"\0{name}={os.environ.get(name, '')}".encode())
    h.update(f"\0site_url={config.site_url}".encode())
    for package in PACKAGES:
        try:
            h.update(f"\0{package}={version(package)}".encode())
        except PackageNotFoundError:
            h.update(f"\0{package}=-".encode())
    for path in _global_files(config):
        h.update(b"\0" + str(path).encode() + b"\0" + _sha(path.read_bytes()).encode())
    return h.hexdigest()


def _global_files(config: MkDocsConfig) -> list[Path]:
    """Hooks and theme overrides: every page may depend on them."""
    paths = [Path(p).resolve() for p in config.get("hooks") or []]
    if config.theme.custom_dir:
        paths += [p.resolve() for p in _tree(Path(config.theme.custom_dir))]
    return sorted(set(paths))


def source_hashes(files: Files) -> dict[str, list[Any]]:
    """src_uri -> [sha256, dest_uri, is a page] for every file MkDocs will output."""
    return {
        f.src_uri: [_sha(f.content_bytes), f.dest_uri, f.is_documentation_page()]
        for f in files
        if f.inclusion.is_included()
    }


def included_hashes(config: MkDocsConfig, files: Files) -> dict[str, str]:
    """Files in docs_dir that MkDocs leaves out but Markdown extensions may read into a page
    (snippets): src_uri -> sha256. Hooks and overrides count as global instead."""
    known = set(_global_files(config))
    return {
        f.src_uri: _sha(f.content_bytes)
        for f in files
        if f.inclusion.is_excluded()
        and f.abs_src_path
        and Path(f.abs_src_path).resolve() not in known
    }


def _including(files: Files, changed: set[str]) -> set[str]:
    """The pages that name a changed included file, directly or through other included files:
    an include names the file it reads by a path ending in the file's name."""
    readers = [f for f in files if f.abs_src_path and (
        f.is_documentation_page() or f.inclusion.is_excluded())]  # fmt: skip
    excluded = {f.src_uri for f in files if f.inclusion.is_excluded()}
    found: set[str] = set()
    fresh = set(changed)
    while fresh:
        names = {uri.rsplit("/", 1)[-1].encode() for uri in fresh}
        hits = {f.src_uri for f in readers
                if f.src_uri not in found and any(n in f.content_bytes for n in names)}  # fmt: skip
        found |= hits
        fresh = {uri for uri in hits if uri not in changed and uri in excluded}
    return {uri for uri in found if uri not in excluded}


def _nav(nav: Navigation) -> list[list[str | None]]:
    return [[p.url, p.title] for p in nav.pages]


def _plugins_understood(config: MkDocsConfig) -> None:
    """A plugin summing up pages, or changing the file list or navigation, that is not known."""
    for name, plugin in config.plugins.items():
        if _is_search(plugin) or hasattr(plugin, FACTS):
            continue
        events = {e for e in ("on_post_build", "on_files", "on_nav", "on_env")
                  if _defines(plugin, e)}  # fmt: skip
        if events:
            raise FullBuildNeeded(f"plugin {name} sums up pages ({', '.join(sorted(events))})")


def _defines(plugin: object, event: str) -> bool:
    if isinstance(plugin, BasePlugin):  # which defines every event, doing nothing
        return getattr(type(plugin), event) is not getattr(BasePlugin, event)
    return callable(getattr(plugin, event, None))  # a hook: a module


def _is_search(plugin: object) -> bool:
    return type(plugin).__module__.startswith("material.plugins.search")


def _search_index(plugin: object) -> Any:
    """Material's search index of this build, if `plugin` is Material's search plugin."""
    return getattr(plugin, "search_index", None) if _is_search(plugin) else None


def _facts(config: MkDocsConfig) -> dict[str, Any]:
    return {name: getattr(p, FACTS)() for name, p in config.plugins.items() if hasattr(p, FACTS)}


def manifest(
    config: MkDocsConfig,
    files: Files,
    nav: Navigation,
    digest: str,
    hashes: dict[str, list[Any]] | None = None,
    included: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What a build was made from; `hashes` and `included` when the caller has them already
    (an incremental build compared them: reading every source again would double its I/O)."""
    pages = files.documentation_pages()
    return {
        "format": MANIFEST_FORMAT,
        "global": digest,
        "files": source_hashes(files) if hashes is None else hashes,
        "included": included_hashes(config, files) if included is None else included,
        "titles": {f.src_uri: f.page.title for f in pages if f.page is not None},
        "nav": _nav(nav),
        "facts": _facts(config),
    }


class _Recorder:
    """Watches a plain MkDocs build (it changes nothing) to write the manifest after it."""

    def __init__(self) -> None:
        self.files: Files | None = None
        self.nav: Navigation | None = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.files = files
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav


def full_build(config_file: str, target: Path, template_cache: Path | None) -> dict[str, Any]:
    """Exactly `mkdocs build --clean`, and the manifest of what it was built from."""
    config = _load(config_file, target, template_cache)
    recorder = _Recorder()
    config.plugins["voicebox-incremental-recorder"] = recorder  # type: ignore[assignment]
    mk.build(config)
    config.plugins.on_shutdown()
    assert recorder.files is not None and recorder.nav is not None
    return manifest(config, recorder.files, recorder.nav, global_digest(config, recorder.files))


def incremental_build(
    config_file: str, target: Path, previous: Path, old: dict[str, Any],
    template_cache: Path | None = None,
) -> tuple[dict[str, Any], dict[str, float]]:  # fmt: skip
    """Build only changed pages into `target`, link the rest from `previous`."""
    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[name] = times.get(name, 0.0) + now - clock
        clock = now

    if old.get("format") != MANIFEST_FORMAT or not (previous / "index.html").exists():
        raise FullBuildNeeded("no usable previous build")
    config = _load(config_file, target, template_cache)
    _plugins_understood(config)
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    target.mkdir(parents=True, exist_ok=True)
    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    lap("load")

    digest = global_digest(config, files)
    if digest != old["global"]:
        raise FullBuildNeeded("mkdocs.yml, theme, hooks, versions or site_url changed")
    hashes = source_hashes(files)
    before: dict[str, list[Any]] = old["files"]
    changed = {uri for uri, entry in hashes.items() if before.get(uri, [None])[0] != entry[0]}
    included, included_before = included_hashes(config, files), old["included"]
    changed_included = {u for u in set(included) | set(included_before)
                        if included.get(u) != included_before.get(u)}  # fmt: skip
    if changed_included:
        changed |= {uri for uri in _including(files, changed_included) if uri in hashes}
    removed = set(before) - set(hashes)
    pages_total = sum(1 for entry in hashes.values() if entry[2])
    pages_changed = sum(1 for uri in changed if hashes[uri][2])
    if pages_changed > max(REBUILD_SHARE * pages_total, REBUILD_FEW):
        raise FullBuildNeeded(f"{pages_changed} of {pages_total} pages changed")
    lap("compare")

    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    rebuilt: list[File] = []
    for file in doc_files:
        if file.page is None:
            Page(None, file, config)
        assert file.page is not None
        if file.src_uri in changed:
            mk._populate_page(file.page, config, files)
            rebuilt.append(file)
        else:
            file.page.title = old["titles"].get(file.src_uri)  # as the live build read it
    if _nav(nav) != old["nav"]:
        raise FullBuildNeeded("the navigation changed")
    lap("markdown")

    env = config.plugins.on_env(env, config=config, files=files)
    for file in files:
        if file.src_uri in changed and not file.is_documentation_page():
            file.copy_file()
    for template in config.theme.static_templates:
        mk._build_theme_template(template, env, files, config, nav)
    for template in config.extra_templates:
        mk._build_extra_template(template, files, config, nav)
    lap("static")
    for file in rebuilt:
        assert file.page is not None
        mk._build_page(file.page, config, doc_files, nav, env)
    lap("pages")

    kept = {f.page.url for f in doc_files if f.page is not None and f.src_uri not in changed}
    _complete_summaries(config, previous, doc_files, kept, old)
    config.plugins.on_post_build(config=config)
    config.plugins.on_shutdown()
    lap("summaries")

    stale = {before[uri][1] for uri in removed | changed if uri in before}
    stale |= {hashes[uri][1] for uri in changed}
    links = _link_unchanged(previous, target, stale)
    lap("link")
    new = manifest(config, files, nav, digest, hashes, included)
    times.update(pages_rebuilt=len(rebuilt), files_linked=links)
    return new, times


def _complete_summaries(
    config: MkDocsConfig, previous: Path, doc_files: list[File], kept: set[str],
    old: dict[str, Any],
) -> None:  # fmt: skip
    """Give summing-up plugins the pages not rebuilt, as a full build would have given them."""
    for name, plugin in config.plugins.items():
        if hasattr(plugin, RESTORE):
            facts = old["facts"].get(name, {})
            getattr(plugin, RESTORE)({url: f for url, f in facts.items() if url in kept})
        index = _search_index(plugin)
        if index is None:
            continue
        data = json.loads((previous / "search" / "search_index.json").read_bytes())
        by_page = {url: e for url, e in _by_page(data["docs"]).items() if url in kept}
        by_page.update(_by_page(index.entries))
        # A full build indexes pages in the order of MkDocs' file list.
        index.entries = [e for f in doc_files if f.page for e in by_page.get(f.page.url, [])]


def _by_page(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Search index entries by the page they are on (a location without its #section)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        found.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
    return found


def _link_unchanged(previous: Path, target: Path, stale: set[str]) -> int:
    """Hard-link every live output this build did not write and that is not stale.

    Folders are made with one `mkdir` each, parents first (os.walk goes top-down): checking
    each path with `makedirs` costs more than the links. A folder left empty (a removed page's)
    is removed again."""
    written = {os.path.relpath(os.path.join(folder, name), target)
               for folder, _dirs, names in os.walk(target) for name in names}  # fmt: skip
    skip = stale | written
    count = 0
    empty: list[str] = []
    for folder, _dirs, names in os.walk(previous):
        rel_folder = os.path.relpath(folder, previous)
        prefix = "" if rel_folder == "." else rel_folder + "/"
        out = os.path.join(target, rel_folder)
        with contextlib.suppress(FileExistsError):  # the build wrote into it
            os.mkdir(out)
        linked = 0
        for name in names:
            if prefix + name not in skip:
                os.link(os.path.join(folder, name), os.path.join(out, name))
                linked += 1
        if not linked:
            empty.append(out)
        count += linked
    for folder in reversed(empty):
        with contextlib.suppress(OSError):  # not empty: it holds what this build wrote
            os.rmdir(folder)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config")
    parser.add_argument("target", type=Path)
    parser.add_argument("manifest", type=Path, help="where to write this build's manifest")
    parser.add_argument("--previous", type=Path, help="the live build")
    parser.add_argument("--previous-manifest", type=Path)
    parser.add_argument("--full", action="store_true", help="never incremental")
    parser.add_argument("--template-cache", type=Path, help="keep compiled templates here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    start = time.perf_counter()
    times: dict[str, Any] = {}
    try:
        if args.full or args.previous is None or args.previous_manifest is None:
            raise FullBuildNeeded("asked for" if args.full else "no previous build")
        try:
            old = json.loads(args.previous_manifest.read_bytes())
        except (OSError, ValueError) as exc:
            raise FullBuildNeeded(f"no previous manifest ({exc})") from exc
        new, times = incremental_build(
            args.config, args.target, args.previous, old, args.template_cache
        )
        mode = "incremental"
    except FullBuildNeeded as why:
        _empty(args.target)
        new, mode = full_build(args.config, args.target, args.template_cache), f"full ({why})"
    args.manifest.write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    times["total"] = time.perf_counter() - start
    print(json.dumps({"mode": mode, **times}))
    return 0


def _empty(folder: Path) -> None:
    """An incremental attempt that gave up may have written into the folder: start clean."""
    if folder.exists():
        shutil.rmtree(folder)


if __name__ == "__main__":
    sys.exit(main())
