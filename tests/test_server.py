"""`voicebox serve` as an operator runs it: real gunicorn processes on a localhost port.

These tests start the command in a subprocess, kill it the way a crash or an impatient operator
would, and check what the next person to start it sees. Deadlines are generous on purpose: they
tell "stops" from "hangs", not fast from slow.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import VoiceboxRunner

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads worker processes from /proc"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """One `voicebox serve` process; its output goes to a file (a pipe nobody reads can fill)."""

    def __init__(self, tmp_path: Path, port: int, name: str) -> None:
        self.port = port
        self.log = tmp_path / f"{name}.log"
        env = {**os.environ, "VOICEBOX_MAIL_IN_BACKGROUND": "0", "VOICEBOX_AUTO_PUBLISH": "0"}
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "feedback_app.cli", "--data-dir", str(tmp_path / "data"),
                 "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() can end its workers
            )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_healthy(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"serve exited {self.process.returncode}:\n{self.output()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"serve did not answer /healthz:\n{self.output()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # Workers that outlived their master (the failure these tests look for) must not hold
        # ports for the rest of the test run.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for served in started:
        served.stop()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _port_listened_on(port: int) -> bool:
    """True while some process still listens on the port (a new server could not bind it)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _trickle(port: int, stop: threading.Event) -> None:
    """A slow client (a phone on a train): its request headers arrive one byte at a time."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /ideas HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        for _ in range(400):
            if stop.wait(0.25):
                return
            try:
                sock.sendall(b"a")
            except OSError:
                return


def test_workers_follow_a_killed_master_and_serve_starts_again(
    tmp_path: Path, serving: list[Served]
) -> None:
    port = _free_port()
    first = Served(tmp_path, port, "first")
    serving.append(first)
    first.wait_healthy()
    deadline = time.monotonic() + 30
    while len(workers := _children(first.process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers) == 2, first.output()
    stop = threading.Event()
    clients = [threading.Thread(target=_trickle, args=(port, stop)) for _ in range(3)]
    for client in clients:
        client.start()
    time.sleep(1)  # the workers are now reading the slow requests

    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (
        any(_running(w) for w in workers) or _port_listened_on(port)
    ):
        time.sleep(0.1)
    stop.set()
    for client in clients:
        client.join()
    assert not [w for w in workers if _running(w)], "workers outlived their master"
    assert not _port_listened_on(port), "the port is still held"

    second = Served(tmp_path, port, "second")
    serving.append(second)
    second.wait_healthy()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        assert response.status == 200


def _hold(port: int) -> socket.socket:
    """Listen on the port, as a program that will not let go of it would."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", port))
    holder.listen()
    return holder


def test_serve_waits_for_a_held_port_then_starts(tmp_path: Path, serving: list[Served]) -> None:
    port = _free_port()
    holder = _hold(port)
    try:
        served = Served(tmp_path, port, "waiting")
        serving.append(served)
        deadline = time.monotonic() + 30
        while "waiting" not in served.output() and time.monotonic() < deadline:
            assert served.process.poll() is None, served.output()
            time.sleep(0.1)
    finally:
        holder.close()
    served.wait_healthy()
    output = served.output()
    assert output.count(f"Port {port} on 127.0.0.1 is in use") == 1, output
    assert "Connection in use" not in output and "Traceback" not in output


def test_serve_gives_up_on_a_held_port_with_one_clear_line(
    runner: VoiceboxRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("feedback_app.address.PORT_WAIT_S", 0.5)
    port = _free_port()
    with _hold(port):
        result = runner.invoke("serve", "--host", "127.0.0.1", "--port", str(port))
    assert result.exit_code == 1
    assert f"Error: port {port} on 127.0.0.1 is still in use" in result.output
    assert "--port" in result.output
    assert "Traceback" not in result.output and "Connection in use" not in result.output
