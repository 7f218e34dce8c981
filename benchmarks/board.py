"""Board benchmark: the real server (gunicorn, 4 workers) under concurrent clients.

    python -m benchmarks.board [--json FILE] [--ideas 10000 --votes 100000 --comments 20000]

Seeds a board, serves it with `voicebox serve --workers 4` on localhost, and measures from 4
client processes: the trending list page, idea pages, and vote POSTs (1,000 votes by 1,000
different signed-in people, 250 per process, at once). Then counts the votes in the store:
every vote the server acknowledged must be there. Prints a Markdown table; `--json` writes it.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import orjson

from benchmarks.common import Target, p50_p95, report
from benchmarks.dataset import board_arguments, seed_board
from feedback_app.store import TinyStore

CLIENTS = 4
VOTES_PER_CLIENT = 250
READS_PER_CLIENT = 150
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_COOKIE = re.compile(r"session=([^;]+)")


class Client:
    """One keep-alive HTTP connection with a session cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(
        self, method: str, path: str, body: str = "", accept: str = "text/html"
    ) -> tuple[int, str]:
        headers = {"Accept": accept}
        if self.cookie:
            headers["Cookie"] = f"session={self.cookie}"
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body or None, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            found = _COOKIE.search(header)
            if found:
                self.cookie = found.group(1)
        return response.status, text

    def sign_in(self, token: str) -> str:
        """Use a one-time link as a browser would; return the CSRF token for later forms."""
        status, page = self.request("GET", f"/signin/{token}")
        csrf = _CSRF.search(page)
        assert status == 200 and csrf, f"sign-in page answered {status}"
        status, _ = self.request("POST", f"/signin/{token}", f"csrf_token={csrf.group(1)}")
        assert status == 302, f"sign-in answered {status}"
        return csrf.group(1)


def _reader(port: int, ideas: list[int], seed: int, out: Any) -> None:
    client = Client(port)
    rng = random.Random(seed)
    lists, pages = [], []
    for _ in range(READS_PER_CLIENT):
        start = time.perf_counter()
        status, _ = client.request("GET", "/ideas")
        lists.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
        start = time.perf_counter()
        status, _ = client.request("GET", f"/ideas/{rng.choice(ideas)}")
        pages.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
    out.put((lists, pages))


def _voter(port: int, tokens: list[str], ideas: list[int], seed: int, ready: Any, go: Any,
           out: Any) -> None:  # fmt: skip
    rng = random.Random(seed)
    people = []
    for token in tokens:
        client = Client(port)
        people.append((client, client.sign_in(token)))
    ready.put(True)
    go.wait()
    latencies, acknowledged = [], 0
    for client, csrf in people:
        body = f"csrf_token={csrf}&value=1"
        client.conn.close()  # the server closed the idle keep-alive connection meanwhile
        client.conn.connect()
        start = time.perf_counter()
        status, _ = client.request(
            "POST", f"/ideas/{rng.choice(ideas)}/vote", body, "application/json"
        )
        latencies.append((time.perf_counter() - start) * 1000)
        acknowledged += status == 200
    out.put((latencies, acknowledged))


def _result(queue: Any, workers: list[Any]) -> Any:
    """The next result, or stop if a client process died before giving one."""
    while True:
        try:
            return queue.get(timeout=1)
        except Exception:
            if any(p.exitcode not in (None, 0) for p in workers):
                raise SystemExit("a client process failed; its error is printed above") from None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VOICEBOX_POST_LIMIT": "1000000/minute",
        "VOICEBOX_MAIL_IN_BACKGROUND": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "feedback_app.cli", "--data-dir", str(data_dir), "serve",
         "--port", str(port), "--workers", "4", "--threads", "4"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def main(argv: list[str] | None = None) -> int:
    parser = board_arguments(__doc__.split("\n\n")[0])
    args = parser.parse_args(argv)
    ctx = multiprocessing.get_context("spawn")

    with tempfile.TemporaryDirectory(prefix="voicebox-board-") as tmp:
        data_dir = Path(tmp) / "data"
        store = TinyStore(data_dir)
        print(f"seeding {args.ideas:,} ideas, {args.votes:,} votes, {args.comments:,} comments")
        ideas = seed_board(store, args.ideas, args.votes, args.comments)
        tokens = [
            store.tokens.issue(f"voter{n}@bench.example") for n in range(CLIENTS * VOTES_PER_CLIENT)
        ]
        port = _free_port()
        server = _serve(data_dir, port)
        try:
            warm = Client(port)
            for n in range(40):  # every worker reads the data once before timing starts
                warm.request("GET", "/ideas")
                warm.request("GET", f"/ideas/{ideas[n]}")
                warm = Client(port) if n % 4 == 3 else warm

            out = ctx.Queue()
            readers = [
                ctx.Process(target=_reader, args=(port, ideas, n, out)) for n in range(CLIENTS)
            ]
            for p in readers:
                p.start()
            results = [_result(out, readers) for _ in readers]
            for p in readers:
                p.join()
            lists = [x for r in results for x in r[0]]
            pages = [x for r in results for x in r[1]]

            before = store.votes.count()
            ready, go, out = ctx.Queue(), ctx.Event(), ctx.Queue()
            voters = [
                ctx.Process(
                    target=_voter, args=(port, tokens[n::CLIENTS], ideas, n, ready, go, out)
                )
                for n in range(CLIENTS)
            ]
            for p in voters:
                p.start()
            for _ in voters:
                _result(ready, voters)
            start = time.perf_counter()
            go.set()
            votes = [_result(out, voters) for _ in voters]
            elapsed = time.perf_counter() - start
            for p in voters:
                p.join()
            acknowledged = sum(v[1] for v in votes)
            # Counted by a fresh store, which trusts no cache, and by the raw files.
            lost = before + acknowledged - TinyStore(data_dir).votes.count()
            on_disk = sum(len(orjson.loads(f.read_bytes()).get("votes", {}))
                          for f in (data_dir / "votes").glob("*.json"))  # fmt: skip
            if on_disk != store.votes.count():
                print(f"warning: {on_disk} votes on disk, {store.votes.count()} seen by the store")
        finally:
            server.terminate()
            server.wait(timeout=30)

    latencies = [x for v in votes for x in v[0]]
    rows = {
        "list_p50_ms": Target(p50_p95(lists)[0]),
        "list_p95_ms": Target(p50_p95(lists)[1], 25),
        "idea_p50_ms": Target(p50_p95(pages)[0]),
        "idea_p95_ms": Target(p50_p95(pages)[1], 25),
        "vote_p50_ms": Target(p50_p95(latencies)[0]),
        "vote_p95_ms": Target(p50_p95(latencies)[1], 30),
        "votes_per_s": Target(len(latencies) / elapsed, 200, at_least=True),
        "votes_acknowledged": Target(acknowledged, CLIENTS * VOTES_PER_CLIENT, at_least=True),
        "lost_votes": Target(lost, 0),
    }
    ok = report(
        f"Board benchmark over HTTP: gunicorn 4 workers x 4 threads, {CLIENTS} client processes, "
        f"{args.ideas:,} ideas, {args.votes:,} votes, {args.comments:,} comments",
        rows,
        args.json,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
