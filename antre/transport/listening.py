"""The port `antre serve` listens on, and how its server processes share it.

With one listening socket shared by every server process, the process that wakes first accepts
every connection waiting, and in a burst its clients wait longest. On Linux each server process
therefore listens on a socket of its own, all bound to the port with SO_REUSEPORT, and the kernel
spreads new connections evenly among them.

- The supervising process holds a bound socket of the group that does not listen
  (`ReservedPort`): it keeps the port while a server process restarts and takes no connection.
  Pickled for a server process, it becomes that process's own socket, bound but not listening:
  uvicorn listens on it once the application is loaded, so no connection waits in the queue of a
  process still starting.
- SO_REUSEPORT lets any process of the same user into the group, a second `antre serve` too. So
  the port is first tried with an ordinary bind (`check_free`), and `claim` takes a name in the
  abstract UNIX socket namespace for host and port, which the kernel frees however the process
  ends.
- The price: connections waiting in the queue of a process that dies are reset rather than taken
  by the others, unless the kernel is told to move them (`net.ipv4.tcp_migrate_req = 1`,
  docs/deployment.md).
"""

from __future__ import annotations

import errno
import os
import socket
import struct
import sys


class PortInUse(Exception):
    """The port is taken by another program (or another `antre serve`)."""


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def check_free(host: str, port: int) -> None:
    """Raise PortInUse when host:port cannot be bound the ordinary way (OSError for other reasons)."""
    with socket.socket(_family(host)) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a past run's TIME_WAIT is fine
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(str(exc)) from None
            raise


def spreads_connections() -> bool:
    """Whether the kernel balances connections among SO_REUSEPORT sockets (Linux, not BSD/macOS)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def claim(host: str, port: int) -> socket.socket | None:
    """This machine's one `antre serve` on host:port, until the returned socket is closed or we exit.

    An abstract name has no owner: another user's program could take it first. Only a process of
    our own user could join the port's group, so the name is a conflict only when its holder is
    ours (SO_PEERCRED); otherwise None, and the binds decide as for any other program.
    """
    name = f"\0antre-serve-{host}-{port}"  # abstract: no file, freed by the kernel on any exit
    held = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        held.bind(name)
        held.listen(1)  # so that a second `antre serve` can ask who holds it
        return held
    except OSError as exc:
        held.close()
        if exc.errno != errno.EADDRINUSE:
            raise
    if _holder_uid(name) == os.getuid():
        raise PortInUse(f"{host}:{port} is claimed by another antre serve")
    return None


def _holder_uid(name: str) -> int | None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(name)
        except OSError:
            return None  # bound without listening: not an `antre serve`
        pid_uid_gid = probe.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", pid_uid_gid)[1]


def _own_socket(family: socket.AddressFamily, address: tuple) -> socket.socket:
    """A server process's socket in the port's group, bound; uvicorn listens on it when ready."""
    sock = socket.socket(family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.setblocking(False)
    return sock


class ReservedPort(socket.socket):
    """The supervisor's hold on the port; each server process it is sent to gets a socket of its own."""

    def __reduce__(self):
        return _own_socket, (self.family, self.getsockname())  # the whole address: IPv6 scope too


def reserve(host: str, port: int) -> ReservedPort:
    """Bind host:port for several server processes, each to listen on its own socket."""
    check_free(host, port)
    # Without SO_REUSEADDR the hold alone keeps the ordinary bind of check_free out, so a second
    # server is refused even while this one's server processes are still starting. A past run's
    # connections in TIME_WAIT do not stand in its way when they were the group's; those of a
    # socket outside the group do, and then the hold is made with SO_REUSEADDR after all (`claim`
    # still keeps a second `antre serve` out).
    for reuse_address in (False, True):
        sock = ReservedPort(_family(host))
        try:
            if reuse_address:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            if exc.errno != errno.EADDRINUSE:
                raise
            if reuse_address:  # taken between the check and now
                raise PortInUse(str(exc)) from None
        else:
            return sock
    raise AssertionError("unreachable")
