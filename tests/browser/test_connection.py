"""The real server (gunicorn) never promises a kept-alive connection that it then closes.

A body the app refuses (413) or leaves unread is either drained, so the next request on the
connection is served, or the answer says `Connection: close` and the connection closes.
"""

from __future__ import annotations

import contextlib
import socket
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import LiveServer

LIMIT = 256 * 1024  # MAX_UPLOAD_KB's default


def _connect(server: LiveServer) -> socket.socket:
    parts = urlsplit(server.url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=20)
    return sock


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str]]:
    """Status and headers of one response; its body is read and dropped."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed without an answer: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = (line.partition(":") for line in lines[1:])
    headers = {name.strip().lower(): value.strip() for name, _, value in fields}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed in the middle of the answer"
        rest += chunk
    return int(lines[0].split()[1]), headers


def _send(sock: socket.socket, data: bytes) -> None:
    # The server may stop reading a refused body: what matters is what it said.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        sock.sendall(data)


def _closed(sock: socket.socket) -> bool:
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def _kept_promise(sock: socket.socket, headers: dict[str, str]) -> None:
    """Keep-alive means the next request is served; close means the connection closes."""
    if headers.get("connection", "keep-alive").lower() == "close":
        assert _closed(sock), "said close, yet kept the connection open"
        return
    _send(sock, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    status, _ = _read_response(sock)
    assert status == 200, "said keep-alive, so the next request on it is served"


def _post_head(path: str, length: int | None) -> bytes:
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\n{framing}\r\n\r\n"
    ).encode()


@pytest.mark.parametrize("size", [LIMIT + 1, 4 * LIMIT])
def test_a_body_somewhat_too_large_gets_its_413_and_the_connection_stays_usable(
    live_server: LiveServer, size: int
) -> None:
    """An overlong paste: the whole body is sent before the answer is read, as simple clients
    do; the 413 page must arrive, not a reset connection."""
    with _connect(live_server) as sock:
        _send(sock, _post_head("/signin", size) + b"e" * size)
        status, headers = _read_response(sock)
        assert status == 413
        _kept_promise(sock, headers)


def test_a_body_far_too_large_gets_413_and_connection_close(live_server: LiveServer) -> None:
    with _connect(live_server) as sock:
        _send(sock, _post_head("/signin", 40 * LIMIT))  # the body would follow the answer
        status, headers = _read_response(sock)
        assert status == 413
        assert headers.get("connection", "").lower() == "close", "the body is still to come"
        _kept_promise(sock, headers)


def test_a_chunked_body_too_large_gets_413_and_keeps_its_word(live_server: LiveServer) -> None:
    chunk = b"e" * 32768
    with _connect(live_server) as sock:
        # More than the limit, the end of the body not sent: the answer comes first.
        _send(sock, _post_head("/signin", None) + b"%x\r\n%s\r\n" % (len(chunk), chunk) * 9)
        status, headers = _read_response(sock)
        assert status == 413
        _kept_promise(sock, headers)


@pytest.mark.parametrize("path", ["/no/such/page", "/healthz"])
def test_an_accepted_body_left_unread_keeps_the_connection_usable(
    live_server: LiveServer, path: str
) -> None:
    size = LIMIT - 1024  # accepted, but the answer (404, 405) comes before reading it
    with _connect(live_server) as sock:
        _send(sock, _post_head(path, size) + b"e" * size)
        status, headers = _read_response(sock)
        assert status in (404, 405)
        _kept_promise(sock, headers)
