"""The port `antre serve` listens on, and how its server processes share it.

With one listening socket shared by every server process, the process that wakes first accepts
every connection waiting: at the opening rush, 64 clients connecting at once were split 37/2/25
among three processes, and the clients of the busiest one waited longest (bench/rush.py). On
Linux each server process therefore listens on a socket of its own, all bound to the port with
SO_REUSEPORT, and the kernel spreads new connections evenly among them (18/21/25 in the same
bench; p99 65–87 ms against 74–100 ms).

The supervising process holds a bound, not listening, socket of the group (`ReservedPort`): it
keeps the port while a server process restarts and takes no connections itself. Pickled for a
server process, it becomes that process's own listening socket. Before all this, the port is
tried with an ordinary bind: SO_REUSEPORT alone would let a second `antre serve` of the same user
join the group and quietly take a share of the connections.
"""

from __future__ import annotations

import socket
import sys

BACKLOG = 2048  # as uvicorn's default: a rush of phones connecting at once waits in the queue


class PortInUse(Exception):
    """The port is taken by another program (or another `antre serve`)."""


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def check_free(host: str, port: int) -> None:
    """Raise PortInUse when host:port cannot be bound the ordinary way."""
    with socket.socket(_family(host)) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a past run's TIME_WAIT is fine
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUse(str(exc)) from None


def spreads_connections() -> bool:
    """Whether the kernel balances connections among SO_REUSEPORT sockets (Linux, not BSD/macOS)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def own_listener(family: socket.AddressFamily, host: str, port: int) -> socket.socket:
    """A server process's own listening socket in the port's group (made when it unpickles)."""
    sock = socket.socket(family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


class ReservedPort(socket.socket):
    """The supervisor's hold on the port; each server process it is sent to listens on its own."""

    def __reduce__(self):
        host, port = self.getsockname()[:2]
        return own_listener, (self.family, host, port)


def reserve(host: str, port: int) -> ReservedPort:
    """Bind host:port for several server processes, each to listen on its own socket."""
    check_free(host, port)
    # Without SO_REUSEADDR the hold alone keeps the ordinary bind of check_free out, so a second
    # `antre serve` is refused even while this one's server processes are still starting. A past
    # run's connections in TIME_WAIT do not stand in its way when they were the group's; those of
    # a socket outside the group do, and then the hold is made with SO_REUSEADDR after all.
    for reuse_address in (False, True):
        sock = ReservedPort(_family(host))
        try:
            if reuse_address:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            if reuse_address:  # taken between the check and now
                raise PortInUse(str(exc)) from None
        else:
            return sock
    raise AssertionError("unreachable")
