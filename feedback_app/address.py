"""Where `voicebox serve` listens, and how people reach it: no Flask, no gunicorn.

The command line works out addresses before the server starts (the demo publishes links to
its own port), and waits for a port that a stopping server still holds.
"""

from __future__ import annotations

import errno
import socket
import time
from collections.abc import Callable
from typing import Any

__all__ = ["PORT_WAIT_S", "PortInUse", "free_port", "public_host", "wait_for_port"]

PORT_WAIT_S = 20.0  # how long a new server waits for a port that is still held


class PortInUse(OSError):
    """The port stayed in use for the whole wait; the message says what to do."""


def public_host(host: str) -> str:
    """The host part of a URL that reaches a server listening on `host` from this machine."""
    if host in {"", "0.0.0.0"}:
        return "127.0.0.1"
    if host in {"::", "[::]"}:
        return "[::1]"
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def _port_free(host: str, port: int) -> bool:
    """Whether gunicorn could bind host:port now.

    Like gunicorn, bind with SO_REUSEADDR: connections left over from a stopped server do not
    count, only a process still listening. Errors other than "in use" (no such address, a
    privileged port) become one clear message.
    """
    family, kind, proto, _, address = _address(host, port)
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    return True


def wait_for_port(
    host: str, port: int, wait_s: float | None = None, say: Callable[[str], None] = print
) -> None:
    """Return once host:port can be bound; wait up to `wait_s` seconds (default PORT_WAIT_S),
    saying so once, then raise PortInUse."""
    wait_s = PORT_WAIT_S if wait_s is None else wait_s
    if port == 0 or _port_free(host, port):
        return
    say(
        f"Port {port} on {host} is in use (a Voicebox that was just stopped may still be "
        f"finishing); waiting up to {wait_s:.0f} s for it to be free ..."
    )
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        time.sleep(0.25)
        if _port_free(host, port):
            return
    raise PortInUse(
        f"port {port} on {host} is still in use after {wait_s:.0f} s: stop the program "
        "that uses it, or choose another port with --port"
    )


def _address(host: str, port: int) -> tuple[Any, ...]:
    """The first address gunicorn would bind for host:port, or one clear error."""
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise OSError(f"cannot listen on {host!r}: {exc.strerror}") from exc


def free_port(host: str) -> int:
    """A port nothing listens on now, for `--port 0`: links must name the port in advance."""
    family, kind, proto, _, address = _address(host, 0)
    with socket.socket(family, kind, proto) as probe:
        probe.bind(address)
        return int(probe.getsockname()[1])
