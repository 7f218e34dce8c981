"""The demo as a newcomer meets it: believable data, and a published site that links back.

The demo is the first impression: its ideas read like a real board (no attack strings: those
live in the tests that need them), its dates tell a story that could have happened, and every
address it prints or publishes reaches the running app.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from feedback_app.demo import seed_demo
from feedback_app.store import IdeaStatus, Store, TestimonialState, utcnow
from feedback_app.store.models import FollowUpState
from tests.conftest import Backend, VoiceboxRunner

JOIN = re.compile(r'href="([^"]+)"[^>]*>Join the conversation on the idea board')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_text_is_free_of_attack_strings(store: Store) -> None:
    seed_demo(store)
    for idea in store.ideas.all():
        for text in (idea.title, idea.description):
            assert "<" not in text and "onerror" not in text, text


def test_seeded_dates_are_in_the_past_and_tell_a_consistent_story(store: Store) -> None:
    seed_demo(store)
    now = utcnow()
    ideas = store.ideas.all()
    assert any(len(idea.history) > 1 for idea in ideas), "some ideas went through several steps"
    for idea in ideas:
        assert idea.created_at < now
        changes = [change.at for change in idea.history]
        assert changes == sorted(changes), f"history of {idea.title!r} is out of order"
        assert all(idea.created_at < at < now for at in changes), idea.title
        steps = [IdeaStatus.NEW] + [change.status for change in idea.history]
        assert all(a.can_become(b) for a, b in itertools.pairwise(steps)), idea.title
        assert steps[-1] is idea.status
        if idea.changed_on is not None:
            assert idea.changed_on == changes[-1].date(), idea.title
        for comment in store.comments.for_idea(idea.id, include_hidden=True):
            assert idea.created_at < comment.created_at < now, idea.title
    if len({change.at for idea in ideas for change in idea.history}) < 2:
        pytest.fail("every status change has the same time stamp")

    surveys = {survey.id: survey for survey in store.surveys.all()}
    assert len({survey.created_at for survey in surveys.values()}) > 1
    assert all(survey.created_at < now for survey in surveys.values())
    followups = store.followups.all()
    assert followups, "unhappy customers get a follow-up"
    for followup in followups:
        assert followup.survey_id is not None
        assert surveys[followup.survey_id].created_at <= followup.created_at < now
        assert followup.created_at < followup.due_at
    assert any(f.due_at < now for f in followups), "one follow-up is overdue"
    assert any(f.due_at > now for f in followups), "one follow-up is still ahead"

    for t in store.testimonials.all():
        steps = [t.created_at, t.consented_at, t.decided_at, t.withdrawn_at]
        known = [at for at in steps if at is not None]
        assert known == sorted(known), t.original_text
        assert all(at < now for at in known), t.original_text


def test_the_demo_shows_the_whole_follow_up_loop_at_once(store: Store) -> None:
    """Sales imported over the last months, replayed through the real services: every kind
    of answer, testimonials waiting for a decision, follow-ups with owners, and their emails."""
    seed_demo(store)
    now = utcnow()
    assert store.sales.count() >= 24, "a few dozen sales"
    answers = store.surveys.all()
    assert {a.category for a in answers if a.score is not None} == {
        "promoter", "passive", "detractor"
    }  # fmt: skip
    assert any(a.arrived is False for a in answers), "an order that did not arrive"
    assert any(a.question == "lost" and a.reason for a in answers), "a lost sale's answer"
    waiting = [t for t in store.testimonials.all()
               if t.state is TestimonialState.PENDING and t.email_confirmed_at]  # fmt: skip
    assert waiting and all(t.invite for t in waiting), "written from a promoter's invitation"
    assert any(t.language == "uk" and "Замовляю" in t.original_text for t in waiting)
    followups = store.followups.all()
    assert followups and all(f.owner_id for f in followups), "every follow-up has an owner"
    still_open = [f for f in followups if f.state is FollowUpState.OPEN]
    assert any(f.due_at < now and f.overdue_notified_at for f in still_open), "one overdue"
    assert any(f.due_at > now for f in still_open), "one still ahead"
    assert any(f.state is FollowUpState.RESOLVED and f.outcome for f in followups)
    mail = store.messages.all()
    subjects = " | ".join(m.subject for m in mail)
    for subject in (
        "Thank you for your order",
        "How likely are you to recommend",
        "Please confirm your testimonial",
        "Overdue: call",
        "A note from",
    ):
        assert subject in subjects, subject  # fmt: skip
    assert all(m.created_at < now for m in mail), "each email written on its own past day"
    assert len({m.created_at.date() for m in mail}) > 20


def _published_join_links(site: Path) -> list[str]:
    links = []
    for page in (site / "ideas").glob("*/index.html"):
        links += JOIN.findall(page.read_text())
    return links


def test_demo_publishes_links_to_the_port_it_serves_on(
    runner: VoiceboxRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VOICEBOX_BASE_URL", raising=False)
    monkeypatch.delenv("VOICEBOX_SITE_URL", raising=False)
    port = _free_port()
    result = runner.invoke("demo", "--no-serve", "--port", str(port))
    assert result.exit_code == 0, result.output
    links = _published_join_links(runner.site_dir)
    assert links, "the demo publishes Ideas in Action"
    assert all(link.startswith(f"http://127.0.0.1:{port}/ideas/") for link in links), links
    sitemap = (runner.site_dir / "sitemap.xml").read_text()
    assert f"<loc>http://127.0.0.1:{port}/dev/site/</loc>" in sitemap
    assert f"http://127.0.0.1:{port}/dev/site/" in result.output
    assert "mkdocs serve" not in result.output and "open index.html" not in result.output


def test_a_set_base_url_wins_over_the_port(
    runner: VoiceboxRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICEBOX_BASE_URL", "https://ideas.example.com")
    monkeypatch.delenv("VOICEBOX_SITE_URL", raising=False)
    result = runner.invoke("demo", "--no-serve", "--port", str(_free_port()))
    assert result.exit_code == 0, result.output
    links = _published_join_links(runner.site_dir)
    assert links and all(link.startswith("https://ideas.example.com/ideas/") for link in links)


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn does not run on Windows")
def test_running_demo_serves_its_site_at_the_printed_address(
    tmp_path: Path, site_project: Path, backend: Backend
) -> None:
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("VOICEBOX_")}
    env.update(
        VOICEBOX_DATABASE_URL=backend.url,
        VOICEBOX_SITE_PROJECT=str(site_project),
        VOICEBOX_SITE_DIR=str(site_project / "site"),
        VOICEBOX_MAIL_IN_BACKGROUND="0",
        VOICEBOX_AUTO_PUBLISH="0",
    )
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "feedback_app.cli", "--data-dir", str(tmp_path / "data"),
             "demo", "--port", str(port), "--workers", "1"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        printed = None
        deadline = time.monotonic() + 120
        while printed is None and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            printed = re.search(r"the published site:\s+(\S+)", log.read_text())
            time.sleep(0.2)
        assert printed, log.read_text()
        site = printed.group(1)
        assert site == f"http://127.0.0.1:{port}/dev/site/"

        status, home = _get(site)
        assert status == 200 and "What our customers say" in home
        assert "Latest Ideas in Action" in home
        idea_page = re.search(r'href="(ideas/\d+[a-z0-9-]*/)"', home)
        assert idea_page, home
        status, page = _get(site + idea_page.group(1))
        assert status == 200
        board = JOIN.search(page)
        assert board and board.group(1).startswith(f"http://127.0.0.1:{port}/ideas/")
        status, board_page = _get(board.group(1))
        assert status == 200 and "Join the conversation" not in board_page
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_demo_board_looks_recent_whenever_it_is_seeded(store: Store) -> None:
    """Dates are relative to the day of seeding, not fixed: the board never looks abandoned."""
    seed_demo(store)
    newest = max(idea.created_at for idea in store.ideas.all())
    assert utcnow() - newest < timedelta(days=30), "the demo looks recent, whenever it is run"


def test_the_demo_offers_saved_responses_for_several_statuses(store: Store) -> None:
    from feedback_app.store import IdeaStatus

    seed_demo(store)
    offered = {reply.status for reply in store.replies.all()}
    assert {IdeaStatus.PLANNED, IdeaStatus.IMPLEMENTED, IdeaStatus.NOT_PLANNED} <= offered
