"""Publish benchmark: 5,000 testimonials and 2,000 implemented ideas through the publisher.

    python -m benchmarks.publish [--json FILE] [--testimonials 5000 --ideas 2000]

Measures a full publish (collect, render, write, MkDocs build), a publish with nothing
changed (which skips the build), a republish after one change of each kind (an idea's title
edited; a testimonial approved, the newest, so it heads every listing), whose builds are
incremental (generator/incremental.py; the worst is `republish_one_change_s`), and in the same
run a plain `mkdocs build` of the same generated Markdown, whose ratio to the publish is the
publisher's overhead. Prints a Markdown table, and where each republish spent its time;
`--json` writes the table.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.common import Target, report
from feedback_app.brand import Brand
from feedback_app.store import (
    Idea,
    IdeaStatus,
    StatusChange,
    Store,
    Testimonial,
    TestimonialState,
    TinyStore,
    utcnow,
)
from generator.build import finish_removals, mkdocs_env
from generator.publish import publish
from generator.render import site_env

ROOT = Path(__file__).resolve().parents[1]
QUOTES = ["Great coffee and friendly people.", "Найкраща кава в місті.", "Отличный кофе!",
          "Ang sarap ng kape.", "Cornetti vegani perfetti.", "咖啡很好喝。"]  # fmt: skip
TAGS = ["coffee", "service", "vegan", "app", "кава", "咖啡"]
REPUBLISH_SHARE = round(2 / 11.2, 2)  # one change: 2 s against a full build of 11.2 s


def _seed(store: Store, testimonials: int, ideas: int) -> None:
    rng = random.Random(5)
    now = utcnow()
    store.testimonials.add_many([
        Testimonial(
            user_id=n, original_text=f"{rng.choice(QUOTES)} #{n}", rating=rng.randint(3, 5),
            credit_name=f"Customer {n}", credit_role=rng.choice(["", "Designer", "Nurse"]),
            consent_text="ok", consent_version="1", consented_at=now, email_confirmed_at=now,
            tags=rng.sample(TAGS, 2), featured=n < 6, state=TestimonialState.APPROVED,
            decided_at=now - timedelta(days=n % 365),
        )
        for n in range(testimonials)
    ])  # fmt: skip
    batch = []
    for n in range(ideas):
        idea = Idea(f"Idea in action number {n}", "Customers asked for **this**.", "Drinks", 1)
        idea.status = IdeaStatus.IMPLEMENTED
        idea.history = [StatusChange(IdeaStatus.IMPLEMENTED, "Done, thank you!", 1)]
        idea.changed_note = f"What changed for idea {n}."
        idea.changed_on = (now - timedelta(days=n % 700)).date()
        batch.append(idea)
    store.ideas.add_many(batch)


def _timed_publish(store: Store, project: Path, site: Path) -> tuple[float, str]:
    """Seconds for a publish, and where they went (publish steps, then the build's own)."""
    marks: list[tuple[str, float]] = []

    def mark(step: str) -> None:
        marks.append((step, time.perf_counter()))

    start = time.perf_counter()
    result = publish(store, project, site, "http://board.example", "http://site.example/",
                     progress=mark)  # fmt: skip
    end = time.perf_counter()
    ends = [at for _, at in marks[1:]] + [end]
    phases = ", ".join(
        f"{step} {stop - at:.2f}" for (step, at), stop in zip(marks, ends, strict=True)
    )
    steps = ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                      for k, v in (result.build or {}).items())  # fmt: skip
    return end - start, f"{phases}; inside the build: {steps}"


def _edit_idea(store: Store) -> None:
    """One idea's title edited, as staff would."""
    idea = next(i for i in store.ideas.all() if i.title == "Idea in action number 1000")
    store.ideas.edit(idea.id, title="Idea in action number 1000, renamed")


def _approve_newest(store: Store, n: int) -> None:
    """One testimonial approved now: the newest, first on the wall."""
    now = utcnow()
    store.testimonials.add(Testimonial(
        user_id=n, original_text="Just approved: the best flat white", rating=5,
        credit_name="Newest Customer", consent_text="ok", consent_version="1", consented_at=now,
        email_confirmed_at=now, tags=["coffee"], state=TestimonialState.APPROVED, decided_at=now,
    ))  # fmt: skip


def _size(folder: Path) -> tuple[float, float]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    largest_html = max(p.stat().st_size for p in files if p.suffix == ".html")
    return largest_html / 1024, sum(p.stat().st_size for p in files) / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--testimonials", type=int, default=5_000)
    parser.add_argument("--ideas", type=int, default=2_000)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="voicebox-publish-") as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(ROOT / "site_src", project / "site_src",
                        ignore=shutil.ignore_patterns("generated"))  # fmt: skip
        shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
        site = project / "site"
        store = TinyStore(Path(tmp) / "data")
        print(f"seeding {args.testimonials:,} testimonials and {args.ideas:,} implemented ideas")
        _seed(store, args.testimonials, args.ideas)

        def run() -> float:
            start = time.perf_counter()
            publish(store, project, site, "http://board.example", "http://site.example/")
            return time.perf_counter() - start

        publish_s = run()
        pages = sum(1 for _ in (project / "site_src/generated").rglob("*.md"))
        republish_s = run()
        changes = {
            "republish_idea_s": lambda: _edit_idea(store),
            "republish_testimonial_s": lambda: _approve_newest(store, args.testimonials),
        }
        one_change: dict[str, float] = {}
        for name, change in changes.items():
            change()
            one_change[name], where = _timed_publish(store, project, site)
            print(f"{name}: {one_change[name]:.2f} s ({where})")
        start = time.perf_counter()
        command = [sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet"]
        env = mkdocs_env("http://site.example/", site_env(Brand(), "http://board.example"))
        subprocess.run(command, cwd=project, check=True, env=env)  # the site publish built
        raw_s = time.perf_counter() - start
        max_html_kb, site_mb = _size(site)
        finish_removals()  # before the temporary folder goes

    rows = {
        "publish_s": Target(publish_s, 15),
        "republish_nochange_s": Target(republish_s, 1),
        **{name: Target(seconds) for name, seconds in one_change.items()},
        "republish_one_change_s": Target(max(one_change.values()), 2),
        # The 2 s was set where the whole build took 11.2 s; machines differ (this
        # benchmark has run two and more times slower on another), so the target that travels
        # is the share of a full publish measured in this same run: 2 / 11.2.
        "republish_share_of_full": Target(max(one_change.values()) / publish_s, REPUBLISH_SHARE),
        "raw_mkdocs_s": Target(raw_s),
        "overhead_ratio": Target(publish_s / raw_s, 1.2),
        "max_html_kb": Target(max_html_kb, 500),
        "site_mb": Target(site_mb),
        "generated_pages": Target(pages),
    }
    ok = report(
        f"Publish benchmark: {args.testimonials:,} testimonials, {args.ideas:,} implemented ideas",
        rows,
        args.json,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
