"""Board benchmark: the real server (gunicorn, 4 workers) under concurrent clients, and its
CPU cost per request beside a bare Flask endpoint served the same way in the same run.

    python -m benchmarks.board --backend tinydb|postgresql --scale default|ideastorm [--json FILE]

Seeds a board, serves it with `voicebox serve --workers 4 --threads 4` on localhost, and
measures from 4 client processes, one kind of request at a time: the trending list page, idea
pages, and vote POSTs (1,000 votes by 1,000 different signed-in people, 250 per process, at
once). Then serves a bare Flask endpoint with the same gunicorn options (benchmarks/floor.py)
and sends it ten times as many (each costs a fraction of a millisecond). For each kind, the
server's CPU time (master and workers, read from /proc) divided by the requests is its CPU
cost; on PostgreSQL the database server's, when it is the benchmark's own, is reported beside.
Finally a fresh store counts the votes: every vote the server acknowledged must be there.
Prints a Markdown table; `--json` writes it.
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
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.backends import bench_store, postgres_pids, process_cpu_s, server_pids
from benchmarks.common import Target, p50_p95, report
from benchmarks.dataset import board_arguments, parse_board_arguments, seed_board
from feedback_app.store import open_store

CLIENTS = 4
WORKERS = THREADS = 4  # the server's, as `voicebox serve --workers 4 --threads 4`
VOTES_PER_CLIENT = 250
READS_PER_CLIENT = 150
# The floor's requests cost a fraction of a millisecond, and /proc counts CPU time in 10 ms
# ticks per process: 600 of them gave floors from 0.15 to 0.7 ms on one machine, 6,000 gave
# 0.45 to 0.55 ms.
FLOOR_READS_PER_CLIENT = 1500
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


def _reader(port: int, paths: list[str], ready: Any, go: Any, out: Any) -> None:
    client = Client(port)
    client.request("GET", paths[0])  # connected before the clock starts
    ready.put(True)
    go.wait()
    latencies = []
    for path in paths:
        start = time.perf_counter()
        status, _ = client.request("GET", path)
        latencies.append((time.perf_counter() - start) * 1000)
        assert status == 200, f"{path} answered {status}"
    out.put((latencies, len(paths)))


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


class Phase:
    """One kind of request from 4 client processes at once: latencies, acknowledged
    requests, and the CPU seconds the server (and the database) spent meanwhile."""

    def __init__(self, target: Any, client_args: list[tuple[Any, ...]], server: list[int],
                 database: list[int]) -> None:  # fmt: skip
        ctx = multiprocessing.get_context("spawn")
        ready, go, out = ctx.Queue(), ctx.Event(), ctx.Queue()
        clients = [ctx.Process(target=target, args=(*a, ready, go, out)) for a in client_args]
        for p in clients:
            p.start()
        for _ in clients:
            _result(ready, clients)
        cpu, db_cpu = process_cpu_s(server), process_cpu_s(database)
        start = time.perf_counter()
        go.set()
        results = [_result(out, clients) for _ in clients]
        self.elapsed = time.perf_counter() - start
        self.cpu_s = process_cpu_s(server) - cpu
        self.db_cpu_s = process_cpu_s(database) - db_cpu
        for p in clients:
            p.join()
        self.latencies = [x for r in results for x in r[0]]
        self.done = sum(r[1] for r in results)

    def cpu_ms(self) -> float:
        return self.cpu_s * 1000 / len(self.latencies)

    def db_cpu_ms(self) -> float:
        return self.db_cpu_s * 1000 / len(self.latencies)


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


def _serve(command: list[str], port: int, settings: dict[str, Any]) -> subprocess.Popen[bytes]:
    """Start `python -m <command>` serving on `port` and wait until it answers and all its
    workers run: gunicorn answers once its first worker does, and a worker started after
    the server's processes are listed would serve requests whose CPU time goes uncounted
    (the floor, measured straight after its start, was often counted with 2 of its 4
    workers: from 0.13 to 0.73 ms a request, against 0.45 to 0.55 once all were counted)."""
    env = {
        **os.environ,
        "VOICEBOX_DATABASE_URL": settings["DATABASE_URL"],
        "VOICEBOX_POST_LIMIT": "1000000/minute",
        "VOICEBOX_MAIL_IN_BACKGROUND": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", *command, "--port", str(port), "--workers", str(WORKERS),
         "--threads", str(THREADS)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _answers(port) and len(server_pids(server.pid)) == 1 + WORKERS:
            return server
        time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = board_arguments(__doc__.split("\n\n")[0])
    args = parse_board_arguments(parser, argv)

    with tempfile.TemporaryDirectory(prefix="voicebox-board-") as tmp, \
            bench_store(args.backend, Path(tmp)) as (store, settings):  # fmt: skip
        print(f"{args.backend}: seeding {args.ideas:,} ideas, {args.votes:,} votes, "
              f"{args.comments:,} comments")  # fmt: skip
        ideas = seed_board(store, args.ideas, args.votes, args.comments)
        tokens = [
            store.tokens.issue(f"voter{n}@bench.example") for n in range(CLIENTS * VOTES_PER_CLIENT)
        ]
        database = postgres_pids(settings)
        port = _free_port()
        app = ["feedback_app.cli", "--data-dir", settings["DATA_DIR"], "serve"]
        server = _serve(app, port, settings)
        try:
            warm = Client(port)
            for n in range(40):  # every worker reads the data once before timing starts
                warm.request("GET", "/ideas")
                warm.request("GET", f"/ideas/{ideas[n]}")
                warm = Client(port) if n % 4 == 3 else warm
            pids = server_pids(server.pid)
            rng = random.Random(5)
            lists = Phase(_reader, [(port, ["/ideas"] * READS_PER_CLIENT)] * CLIENTS, pids,
                          database)  # fmt: skip
            pages = Phase(
                _reader,
                [(port, [f"/ideas/{rng.choice(ideas)}" for _ in range(READS_PER_CLIENT)])
                 for _ in range(CLIENTS)],
                pids, database,
            )  # fmt: skip
            before = store.votes.count()
            votes = Phase(
                _voter,
                [(port, tokens[n::CLIENTS], ideas, n) for n in range(CLIENTS)],
                pids, database,
            )  # fmt: skip
        finally:
            _stop(server)
        fresh = open_store(settings)
        lost = before + votes.done - fresh.votes.count()
        fresh.close()

        port = _free_port()  # the app's workers may hold the old one while they finish
        server = _serve(["benchmarks.floor"], port, settings)
        try:
            floor = Phase(_reader, [(port, ["/"] * FLOOR_READS_PER_CLIENT)] * CLIENTS,
                          server_pids(server.pid), [])  # fmt: skip
        finally:
            _stop(server)
        if not floor.cpu_s:
            raise SystemExit("the floor server used no CPU time: it did not serve the requests")

    rows = {
        "backend": Target(args.backend),
        "scale": Target(args.scale),
        "cpu_ms_per_list": Target(lists.cpu_ms()),
        "cpu_ms_per_idea": Target(pages.cpu_ms()),
        "cpu_ms_per_vote": Target(votes.cpu_ms()),
        "cpu_ms_floor": Target(floor.cpu_ms()),
        "list_floor_ratio": Target(lists.cpu_ms() / floor.cpu_ms(), 4),
        "idea_floor_ratio": Target(pages.cpu_ms() / floor.cpu_ms()),
        "vote_floor_ratio": Target(votes.cpu_ms() / floor.cpu_ms()),
        "list_p50_ms": Target(p50_p95(lists.latencies)[0]),
        "list_p95_ms": Target(p50_p95(lists.latencies)[1]),
        "idea_p50_ms": Target(p50_p95(pages.latencies)[0]),
        "idea_p95_ms": Target(p50_p95(pages.latencies)[1]),
        "vote_p50_ms": Target(p50_p95(votes.latencies)[0]),
        "vote_p95_ms": Target(p50_p95(votes.latencies)[1]),
        "floor_p50_ms": Target(p50_p95(floor.latencies)[0]),
        "floor_p95_ms": Target(p50_p95(floor.latencies)[1]),
        "votes_per_s": Target(len(votes.latencies) / votes.elapsed),
        "votes_acknowledged": Target(votes.done, CLIENTS * VOTES_PER_CLIENT, at_least=True),
        "lost_votes": Target(lost, 0),
    }
    if database:
        rows["db_cpu_ms_per_list"] = Target(lists.db_cpu_ms())
        rows["db_cpu_ms_per_idea"] = Target(pages.db_cpu_ms())
        rows["db_cpu_ms_per_vote"] = Target(votes.db_cpu_ms())
    ok = report(
        f"Board benchmark over HTTP, {args.backend} at {args.scale} scale: gunicorn 4 workers x "
        f"4 threads, {CLIENTS} client processes, {args.ideas:,} ideas, {args.votes:,} votes, "
        f"{args.comments:,} comments; CPU = server CPU time / requests, floor = a bare Flask "
        "endpoint served the same way in this run",
        rows,
        args.json,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
