"""Several hosts on one PostgreSQL, as behind a load balancer.

Two `voicebox serve` processes (real gunicorn, two workers each) run on different ports, each
with its own data folder and published site, and the same VOICEBOX_DATABASE_URL; both send
mail to one local SMTP server. A person's browser may reach either host for any request, so
whatever one host hands out (a session, a form token, a sign-in link) must work on the other,
and whatever one host counts (votes, posts against a rate limit, a used link, the publish
lock) must count on the other. One host is killed with `kill -9` in the middle of a voting
rush; every vote a browser saw acknowledged must be counted, once.

Every client sends `X-Forwarded-For` as a load balancer would (VOICEBOX_TRUSTED_PROXIES=1),
so each simulated person has an address of their own for the per-address post limit.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from feedback_app.demo import IDEAS
from feedback_app.dev.throwaway_pg import ThrowawayPostgres
from feedback_app.store import Idea, Role
from feedback_app.store.postgres import PgStore
from tests.conftest import ROOT

PUBLIC_URL = "http://voicebox.test"  # what emailed links are built on: the balancer's name
POST_LIMIT = 30  # per client address per day (a day: no window ends during the test)
SIGNIN_LIMIT = 3
VOTERS = 8
IDEAS_PER_VOTER = 20

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_LINK = re.compile(re.escape(PUBLIC_URL) + r"(/signin/[A-Za-z0-9_\-]+)")
_TALLY = re.compile(r"([\d,]+) promoted, ([\d,]+) demoted")
_VOTES_FIGURE = re.compile(r"<strong>([\d,]+)</strong> votes")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """The SMTP server both hosts deliver to: every message, as received."""

    def __init__(self) -> None:
        self._messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[arg-type]
        with self._lock:
            self._messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self._messages if m["To"] == address]

    def wait_for(self, address: str, count: int = 1, seconds: float = 20) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.to(address)) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"{count} email(s) to {address} expected, {len(self.to(address))} came")
            time.sleep(0.05)
        return self.to(address)


def _sign_in_path(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = _LINK.search(body.get_content())
    assert found, "no sign-in link in the email"
    return found.group(1)


def _site_project(project: Path) -> dict[str, str]:
    """A copy of the site's sources for one host (each builds its own site); its settings."""
    shutil.copytree(ROOT / "site_src", project / "site_src",
                    ignore=shutil.ignore_patterns("generated", "__pycache__"))  # fmt: skip
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return {"VOICEBOX_SITE_PROJECT": str(project), "VOICEBOX_SITE_DIR": str(project / "site")}


def _environment(**settings: str) -> dict[str, str]:
    """This process's environment without any VOICEBOX_ setting, then `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOICEBOX_")}
    return {**env, **{f"VOICEBOX_{name}": value for name, value in settings.items()}}


class Host:
    """One `voicebox serve`, in a process group of its own (so it can be killed whole)."""

    def __init__(self, name: str, root: Path, env: dict[str, str]) -> None:
        self.name = name
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = root / name / "data"
        self.project = root / name / "project"
        self.env = {**env, **_site_project(self.project)}
        self.log = root / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "feedback_app.cli", "--data-dir", str(self.data_dir),
                 "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def wait_healthy(self, seconds: float = 30) -> None:
        assert self.process is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"host {self.name} exited {self.process.returncode}:\n{self.output()}")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                try:
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        return
                finally:
                    conn.close()
            time.sleep(0.1)
        pytest.fail(f"host {self.name} did not answer /healthz:\n{self.output()}")

    def kill(self) -> None:
        """`kill -9` for the master and every worker at once, as a crashed machine would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # workers that outlived their master
        self.process.wait()


class Browser:
    """One person's browser: a session cookie, and the address the balancer reports."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.cookie = ""

    def request(
        self,
        host: Host,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        accept: str = "text/html",
    ) -> tuple[int, str]:
        parts = urlsplit(host.url)
        headers = {"Accept": accept, "X-Forwarded-For": self.address}
        if self.cookie:
            headers["Cookie"] = f"session={self.cookie}"
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            found = re.match(r"session=([^;]*)", header)
            if found:
                self.cookie = found.group(1)
        return response.status, text

    def form_token(self, host: Host, path: str) -> str:
        status, page = self.request(host, "GET", path)
        found = _CSRF.search(page)
        assert status == 200 and found, f"{host.name}{path} answered {status} without a form"
        return found.group(1)

    def follow_link(self, host: Host, path: str) -> int:
        """Open an emailed sign-in link and press its button, as a person does."""
        return self.request(host, "POST", path, {"csrf_token": self.form_token(host, path)})[0]


@dataclass
class Cluster:
    a: Host
    b: Host
    inbox: Inbox
    store: PgStore  # the test's own look at the shared database
    pg: ThrowawayPostgres

    def idea(self, title: str) -> int:
        author = self.store.users.add("author@example.com", name="Автор")
        return self.store.ideas.add(Idea(title, "Опис · 描述", "Drinks", author.id)).id

    def signed_in(
        self, email: str, host: Host, address: str, role: Role = Role.CUSTOMER
    ) -> Browser:
        """A browser signed in on `host` through a one-time link (as `voicebox user add`
        prints it)."""
        person = self.store.users.add(email, role, name=email.split("@")[0])
        if person.role is not role:
            self.store.users.set_role(person.id, role)
        browser = Browser(address)
        assert browser.follow_link(host, f"/signin/{self.store.tokens.issue(email)}") == 302
        return browser


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("hosts")
    with contextlib.ExitStack() as cleanup:  # undone in reverse, however the tests end
        pg = cleanup.enter_context(ThrowawayPostgres())
        url = pg.create_database("voicebox")
        inbox = Inbox()
        smtp_port = _free_port()
        smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        cleanup.callback(smtp.stop)
        env = _environment(
            DATABASE_URL=url,  # and no VOICEBOX_SECRET_KEY: the database keeps it
            SMTP_URL=f"smtp://127.0.0.1:{smtp_port}?tls=none",
            BASE_URL=PUBLIC_URL,
            TRUSTED_PROXIES="1",
            POST_LIMIT=f"{POST_LIMIT}/day",
            SIGNIN_LIMIT=f"{SIGNIN_LIMIT}/day",
            PUBLISH_DELAY_S="0",
        )
        hosts = [Host("a", root, env), Host("b", root, env)]
        for host in hosts:
            cleanup.callback(host.stop)
        for host in hosts:
            host.start()
        for host in hosts:
            host.wait_healthy()
        store = PgStore(url)
        cleanup.callback(store.close)
        yield Cluster(hosts[0], hosts[1], inbox, store, pg)


def test_serve_says_where_the_data_is_without_the_password(cluster: Cluster) -> None:
    for host in (cluster.a, cluster.b):
        assert f"The data is in {cluster.store.location}." in host.output()
    assert cluster.store.location.startswith("postgresql://voicebox@/voicebox?host=")


def test_the_demo_seeds_the_database_once_and_names_it_without_the_password(
    cluster: Cluster, tmp_path: Path
) -> None:
    url = cluster.pg.create_database("demo")
    with_password = url.replace("voicebox@", "voicebox:s3cret@")  # trusted here, yet given
    outputs = []
    for name in ("a", "b"):  # the demo started on one host, then on another
        demo = subprocess.run(
            [sys.executable, "-m", "feedback_app.cli", "--data-dir", str(tmp_path / name / "data"),
             "demo", "--no-serve", "--port", str(_free_port())],
            env={**_environment(DATABASE_URL=with_password), **_site_project(tmp_path / name)},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert demo.returncode == 0, demo.stdout + demo.stderr
        outputs.append(demo.stdout)
    assert "Seeded:" in outputs[0] and "Using the existing data in" in outputs[1], outputs
    shown = PgStore(url)
    try:
        assert all(shown.location in out and "s3cret" not in out for out in outputs)
        assert shown.ideas.count() == len(IDEAS)
    finally:
        shown.close()


def test_a_link_asked_for_on_one_host_signs_in_on_the_other_once(cluster: Cluster) -> None:
    a, b = cluster.a, cluster.b
    idea = cluster.idea("Безкоштовна доставка у вихідні")
    person = Browser("10.0.1.1")
    token_from_a = person.form_token(a, "/signin")
    email = "olena@example.com"
    status, _ = person.request(a, "POST", "/signin", {"csrf_token": token_from_a, "email": email})
    assert status == 200
    link = _sign_in_path(cluster.inbox.wait_for(email)[0])

    # The link from A's email opens on B, and B takes the form token A's page gave.
    status, page = person.request(b, "GET", link)
    assert status == 200 and email in page
    assert person.request(b, "POST", link, {"csrf_token": token_from_a})[0] == 302

    # The session B made is good on A, and a vote sent to B with A's form token counts.
    vote_token = person.form_token(a, f"/ideas/{idea}")
    status, body = person.request(
        b, "POST", f"/ideas/{idea}/vote", {"csrf_token": vote_token, "value": "1"},
        accept="application/json",
    )  # fmt: skip
    assert status == 200 and json.loads(body)["promotes"] == 1
    olena = cluster.store.users.find_by_email(email)
    assert olena is not None and cluster.store.votes.voters(idea) == {olena.id: 1}
    assert "1 promoted, 0 demoted" in person.request(a, "GET", f"/ideas/{idea}")[1]

    # Used on B, the link is refused on A, whether opened or pressed.
    assert person.request(a, "GET", link)[0] == 400
    assert person.request(a, "POST", link, {"csrf_token": vote_token})[0] == 400
    assert len(cluster.inbox.to(email)) == 1, "one email, though both hosts deliver mail"


def test_one_link_pressed_on_both_hosts_at_once_signs_in_once(cluster: Cluster) -> None:
    link = f"/signin/{cluster.store.tokens.issue('taras@example.com')}"
    hosts = (cluster.a, cluster.b)
    browsers = [Browser("10.0.1.2"), Browser("10.0.1.3")]
    tokens = [br.form_token(host, link) for br, host in zip(browsers, hosts, strict=True)]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(
            lambda n: browsers[n].request(hosts[n], "POST", link, {"csrf_token": tokens[n]})[0],
            range(2),
        ))  # fmt: skip
    assert sorted(answers) == [302, 400]


def test_rate_limits_count_the_posts_both_hosts_received(cluster: Cluster) -> None:
    a, b = cluster.a, cluster.b
    client = Browser("10.0.2.1")
    # Alternate hosts: each sees only half the posts, together they reach the limit.
    answers = [client.request((a, b)[n % 2], "POST", "/signout", {})[0]
               for n in range(POST_LIMIT + 2)]  # fmt: skip
    assert 429 not in answers[:POST_LIMIT], answers
    assert answers[POST_LIMIT:] == [429, 429]

    asker = Browser("10.0.2.2")
    token = asker.form_token(a, "/signin")
    email = "ivan@example.com"
    answers = [asker.request(host, "POST", "/signin", {"csrf_token": token, "email": email})[0]
               for host in (a, b, a, b)]  # fmt: skip
    assert answers == [200] * SIGNIN_LIMIT + [429]
    cluster.inbox.wait_for(email, SIGNIN_LIMIT)


def test_a_publish_on_one_host_waits_for_the_lock_held_on_another(cluster: Cluster) -> None:
    a, b = cluster.a, cluster.b
    staff = cluster.signed_in("marta@example.com", b, "10.0.3.1", Role.MARKETER)
    colleague = cluster.signed_in("pavlo@example.com", a, "10.0.3.3", Role.MARKETER)
    idea = cluster.idea("燕麦拿铁减糖版本")
    page = b.project / "site_src" / "generated" / "ideas" / f"{idea}.md"
    before = cluster.store.status.get("publish")
    with cluster.store.lock("publish", timeout=5):  # held as another host's publish holds it
        token = staff.form_token(b, f"/ideas/{idea}")
        started = time.monotonic()
        status, _ = staff.request(b, "POST", f"/ideas/{idea}", {
            "csrf_token": token, "staff_form": "status", "status-status": "implemented",
            "status-response": "Готово! 已上线。", "status-changed_note": "Менше цукру · 少糖",
            "status-changed_on": date.today().isoformat(), "status-notify": "y",
        })  # fmt: skip
        assert status == 302 and time.monotonic() - started < 5, "the request never waits"
        time.sleep(2.5)  # B's publisher starts at once (no delay) and must wait for the lock
        assert not page.exists()
        assert cluster.store.status.get("publish") == before
        # A colleague's console on the other host knows the publish B is about to do.
        assert "A publish is under way" in colleague.request(a, "GET", "/admin/publishing")[1]
    _wait_until(lambda: page.exists(), "B publishes once the lock is free", b)
    _wait_until(lambda: (cluster.store.status.get("publish") or {}).get("ok") is True,
                "the publish is recorded", b)  # fmt: skip
    assert "燕麦拿铁减糖版本" in page.read_text()
    shown = colleague.request(a, "GET", "/admin/publishing")[1]
    assert "A publish is under way" not in shown and 'class="last-publish"' in shown


def test_the_hosts_carry_on_when_the_database_restarts(cluster: Cluster) -> None:
    """Every connection the hosts' pools hold dies with the server; none may fail a request."""
    reader = Browser("10.0.3.2")
    hosts = (cluster.a, cluster.b)
    for n in range(40):  # every worker of both hosts holds pooled connections
        assert reader.request(hosts[n % 2], "GET", "/ideas")[0] == 200
    cluster.pg.restart()
    answers = [reader.request(hosts[n % 2], "GET", path)[0]
               for n in range(40) for path in ("/healthz", "/ideas")]  # fmt: skip
    assert answers == [200] * len(answers)


def test_a_host_started_before_its_database_serves_once_the_database_is_up(
    tmp_path: Path,
) -> None:
    """Hosts and database restart in any order: until the database answers, every page is
    the 503 (a balancer's health check keeps the host out), never a failed start."""
    from feedback_app.app import create_app
    from feedback_app.data import get_store
    from tests.conftest import TEST_CONFIG

    pg = ThrowawayPostgres()  # its address is known before it runs
    app = create_app({**TEST_CONFIG, "DATA_DIR": str(tmp_path), "DATABASE_URL": pg.url})
    client = app.test_client()
    try:
        assert client.get("/healthz").status_code == 503
        assert client.get("/signin").status_code == 503
        pg.start()
        assert client.get("/healthz").status_code == 200
        assert _CSRF.search(client.get("/signin").get_data(as_text=True))
        with app.app_context():
            get_store().close()
    finally:
        pg.stop()


def _wait_until(ready: Callable[[], bool], what: str, host: Host, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds:g} s\n{host.output()}")
        time.sleep(0.1)


@dataclass
class Voter:
    browser: Browser
    user_id: int
    token: str
    host: Host


def test_every_acknowledged_vote_counts_once_when_a_host_is_killed(cluster: Cluster) -> None:
    a, b = cluster.a, cluster.b
    ideas = [cluster.idea(f"Ідея {n} · 想法 {n}") for n in range(IDEAS_PER_VOTER)]
    votes_before = cluster.store.votes.count()
    voters = []
    for k in range(VOTERS):
        host = (a, b)[k % 2]
        browser = cluster.signed_in(f"voter{k}@example.com", host, f"10.0.4.{k}")
        user = cluster.store.users.find_by_email(f"voter{k}@example.com")
        assert user is not None
        voters.append(Voter(browser, user.id, browser.form_token(host, f"/ideas/{ideas[0]}"), host))

    acknowledged: dict[tuple[int, int], int] = {}  # (idea, person) -> the vote seen accepted
    moved: list[int] = []  # voters whose host died under them, and who went on at the other
    refused: list[tuple[int, int, Any]] = []
    lock = threading.Lock()
    go = threading.Event()

    def vote(k: int) -> None:
        voter = voters[k]
        go.wait()
        for n, idea in enumerate(ideas[k:] + ideas[:k]):
            value = 1 if (k + n) % 3 else -1
            form = {"csrf_token": voter.token, "value": str(value)}
            for _attempt in range(2):
                try:
                    status, _ = voter.browser.request(
                        voter.host, "POST", f"/ideas/{idea}/vote", form, "application/json"
                    )
                except (OSError, http.client.HTTPException):
                    # No answer: the balancer sends the same vote to the other host.
                    voter.host = b if voter.host is a else a
                    with lock:
                        moved.append(k)
                    continue
                with lock:
                    if 200 <= status < 400:
                        acknowledged[(idea, voter.user_id)] = value
                    else:
                        refused.append((k, idea, status))
                break

    threads = [threading.Thread(target=vote, args=(k,)) for k in range(VOTERS)]
    for thread in threads:
        thread.start()
    go.set()
    total = VOTERS * IDEAS_PER_VOTER
    deadline = time.monotonic() + 30
    while len(acknowledged) < total // 4 and time.monotonic() < deadline:
        time.sleep(0.005)
    a.kill()  # mid-run: a quarter of the votes are in, A's voters have most of theirs to go
    killed_after = len(acknowledged)
    for thread in threads:
        thread.join(60)
    assert a.process is not None and a.process.returncode == -signal.SIGKILL
    assert killed_after < total and set(moved) == {k for k in range(VOTERS) if k % 2 == 0}
    assert refused == []
    assert len(acknowledged) == total, "every vote was answered, by one host or the other"

    # In the database: each acknowledged vote exactly once, and tallies that agree with it.
    for idea in ideas:
        held = {user: v for (i, user), v in acknowledged.items() if i == idea}
        assert cluster.store.votes.voters(idea) == held
        summary = cluster.store.ideas.summary(idea)
        expected = (sum(v > 0 for v in held.values()), sum(v < 0 for v in held.values()))
        assert (summary.promotes, summary.demotes) == expected
        assert cluster.store.votes.tally(idea) == expected
    assert cluster.store.votes.count() - votes_before == total

    # On the board (the surviving host, then A started again): the same figures.
    a.start()
    a.wait_healthy()
    reader = Browser("10.0.5.1")
    for host in (b, a):
        for idea in ideas:
            tally = _TALLY.search(reader.request(host, "GET", f"/ideas/{idea}")[1])
            assert tally, f"no tally on {host.name}'s page for idea {idea}"
            shown = tuple(int(n.replace(",", "")) for n in tally.groups())
            assert shown == cluster.store.votes.tally(idea)
        figure = _VOTES_FIGURE.search(reader.request(host, "GET", "/")[1])
        assert figure and int(figure.group(1).replace(",", "")) == cluster.store.votes.count()
