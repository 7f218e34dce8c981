"""Set up Voicebox from a fresh clone and run it, or its tests, with nothing but python3.

    python3 dev.py demo   # environment + demo data + the app on http://127.0.0.1:8000
    python3 dev.py test   # environment + Chromium + PostgreSQL + every test (and ruff)
    python3 dev.py screenshots   # environment + Chromium + the README's pictures of the demo

The environment lives in `.venv/` and is reinstalled only when `pyproject.toml` changes, so the
second run starts in a second. Uses only the standard library on purpose: it runs before any
dependency exists.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".voicebox-installed"
CHROMIUM = os.environ.get("VOICEBOX_CHROMIUM", "/usr/bin/chromium")


def run(*cmd: str | os.PathLike[str], **kwargs: object) -> None:
    """Run a command, stopping this script with its exit code when it fails."""
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, check=False, **kwargs)
    if result.returncode:
        sys.exit(result.returncode)


def ensure_environment() -> None:
    """Create `.venv` and install Voicebox with its test extra, once per pyproject change."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not (BIN / "python").exists():
        print("Creating the virtual environment in .venv/ ...", flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        except subprocess.CalledProcessError:
            sys.exit("Could not create .venv; on Debian or Ubuntu: apt-get install python3-venv")
    print("Installing Voicebox and its dependencies (first run only) ...", flush=True)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test]")
    STAMP.write_text(digest)


def _apt_install(package: str) -> bool:
    """Install a Debian package when this runs as root with apt-get; False when it cannot."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")):
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", package, env=env)
    return True


def ensure_chromium() -> None:
    """Browser tests need Debian's Chromium: install it as root, or say how."""
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    print("Installing Chromium for the browser tests (apt-get) ...", flush=True)
    if not _apt_install("chromium"):
        sys.exit(
            "The browser tests need Chromium. Install it with `sudo apt-get install chromium`, "
            "or point VOICEBOX_CHROMIUM at a Chromium executable."
        )


def ensure_postgresql() -> None:
    """Every test runs on PostgreSQL too, on a throwaway server: install its programs as
    root, or say how. Tests are never skipped for want of it."""
    if os.environ.get("VOICEBOX_PG_BIN") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return
    print("Installing PostgreSQL for the tests (apt-get) ...", flush=True)
    if not _apt_install("postgresql"):
        sys.exit(
            "The tests need PostgreSQL's server programs. Install them with "
            "`sudo apt-get install postgresql`, or point VOICEBOX_PG_BIN at the folder "
            "holding initdb and pg_ctl."
        )


def main(argv: list[str]) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before pyproject applies
        sys.exit(f"Voicebox needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    commands = {"demo", "test", "screenshots"}
    if not argv or argv[0] not in commands:
        sys.exit(
            "usage: python3 dev.py demo [voicebox demo options] | test [pytest options] "
            "| screenshots"
        )
    os.chdir(ROOT)  # data/, site/ and mkdocs.yml are found from the repository root
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "demo":
        os.execv(BIN / "voicebox", [str(BIN / "voicebox"), "demo", *rest])
    ensure_chromium()
    if command == "screenshots":
        run(BIN / "python", "-m", "feedback_app.dev.screenshots")
        return
    ensure_postgresql()
    run(BIN / "ruff", "check", ".")
    run(BIN / "python", "-m", "pytest", *rest)


if __name__ == "__main__":
    main(sys.argv[1:])
