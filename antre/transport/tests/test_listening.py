"""How `antre serve` holds its port, and how its server processes share it (antre.transport.listening)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import socket
import subprocess
import sys
import time
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import pytest

from antre.testing import Server, free_port
from antre.transport import listening

pytestmark = pytest.mark.skipif(
    not listening.spreads_connections(), reason="SO_REUSEPORT balancing is Linux's"
)


def _port_sockets(port: int, state: str) -> set[str]:
    """Sockets on `port` in `state` (/proc/net/tcp: 01 established, 0A listening), as fd link names."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                    found.add(f"socket:[{fields[9]}]")
    return found


def _wait_for_listeners(port: int, count: int) -> None:
    deadline = time.monotonic() + 30
    while len(_port_sockets(port, "0A")) < count:
        assert time.monotonic() < deadline, f"fewer than {count} sockets listen on {port}"
        time.sleep(0.05)


def _count_accepts(listener: socket.socket, counts, index: int, stop) -> None:
    """A stand-in server process: listens when ready, then accepts as an event loop does, every
    connection waiting at once."""
    listener.listen(128)  # as uvicorn does once the application is loaded
    accepted = []  # kept open, as keep-alive clients' connections are
    while not stop.is_set():
        if not select.select([listener], [], [], 0.1)[0]:
            continue
        with contextlib.suppress(BlockingIOError):
            while True:
                accepted.append(listener.accept()[0])
                with counts.get_lock():
                    counts[index] += 1


def test_connections_opened_at_once_are_spread_over_every_server_process():
    # Sent to processes as uvicorn's supervisor sends its sockets (multiprocessing, spawn).
    port = free_port()
    reserved = listening.reserve("127.0.0.1", port)
    spawn = multiprocessing.get_context("spawn")
    counts, stop = spawn.Array("i", 3), spawn.Event()
    processes = [spawn.Process(target=_count_accepts, args=(reserved, counts, i, stop)) for i in range(3)]
    for p in processes:
        p.start()
    clients = []
    try:
        _wait_for_listeners(port, 3)
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(60)]  # the burst
        deadline = time.monotonic() + 30
        while sum(counts) < len(clients) and time.monotonic() < deadline:
            time.sleep(0.05)
        shares = list(counts)
    finally:
        stop.set()
        for p in processes:
            p.join(timeout=10)
        for c in clients:
            c.close()
        reserved.close()
    assert sum(shares) == len(clients), shares  # none stuck in a queue nobody serves
    assert min(shares) >= 5, f"one process took most connections: {shares}"


def test_neither_the_supervisors_hold_nor_a_process_still_starting_takes_a_connection():
    port = free_port()
    reserved = listening.reserve("127.0.0.1", port)
    # What a server process receives: its own socket, which listens only once its app is loaded.
    starting = ForkingPickler.loads(ForkingPickler.dumps(reserved))
    try:
        assert starting.getsockname() == ("127.0.0.1", port)
        assert starting.fileno() != reserved.fileno()
        with socket.socket() as client:  # refused at once, not left waiting in an unserved queue
            assert client.connect_ex(("127.0.0.1", port)) != 0
    finally:
        starting.close()
        reserved.close()


def test_a_second_server_on_the_same_port_is_refused():
    # SO_REUSEPORT would let a second server of the same user into the port's group.
    port = free_port()
    held = listening.claim("127.0.0.1", port)
    reserved = listening.reserve("127.0.0.1", port)
    try:
        with pytest.raises(listening.PortInUse):  # the port's name is taken, however it is bound
            listening.claim("127.0.0.1", port)
        with pytest.raises(listening.PortInUse):  # while the first's processes are still starting
            listening.reserve("127.0.0.1", port)
        with ForkingPickler.loads(ForkingPickler.dumps(reserved)) as one_of_its_processes:
            one_of_its_processes.listen()
            with pytest.raises(listening.PortInUse):  # and once they listen
                listening.reserve("127.0.0.1", port)
    finally:
        reserved.close()
        held.close()
    listening.claim("127.0.0.1", port).close()  # closed (or the process gone), the name is free again


def test_the_claim_is_per_address_and_not_kept_from_antre_by_a_name_squatter():
    port = free_port()
    with listening.claim("127.0.0.1", port):
        listening.claim("127.0.0.2", port).close()  # another address, another server
    with socket.socket(socket.AF_UNIX) as squatter:  # a name taken by something that is not Antre
        squatter.bind(f"\0antre-serve-127.0.0.1-{port}")
        assert listening.claim("127.0.0.1", port) is None  # left to the binds to decide


def _serve(port: int, tmp_path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "antre.cli", "serve", "--port", str(port), *extra],
        capture_output=True,
        text=True,
        timeout=60,
        env={"ANTRE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )


def test_antre_serve_says_in_indonesian_that_the_port_is_taken(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = _serve(port, tmp_path)
    assert done.returncode == 1
    assert f"Port {port} di 127.0.0.1 sudah dipakai program lain" in done.stderr
    assert not (tmp_path / "antre.sqlite3").exists()  # refused before anything was set up


def test_antre_serve_is_refused_a_port_another_antre_serve_is_starting_on(tmp_path):
    port = free_port()
    with listening.claim("127.0.0.1", port):  # as the first one does before its migrations
        done = _serve(port, tmp_path, "--workers", "3")
    assert done.returncode == 1
    assert f"Port {port} di 127.0.0.1 sudah dipakai program lain" in done.stderr


def test_an_address_this_machine_does_not_have_is_not_called_a_port_in_use(tmp_path):
    done = _serve(free_port(), tmp_path, "--host", "192.0.2.1")  # TEST-NET-1: never assigned here
    assert done.returncode == 1
    assert "Tidak bisa mendengarkan di 192.0.2.1" in done.stderr
    assert "sudah dipakai" not in done.stderr


def _sockets_per_process(supervisor: int, port: int, state: str) -> dict[int, set[str]]:
    """The sockets of _port_sockets held by each server process of `antre serve`."""
    inodes = _port_sockets(port, state)
    shares = {}
    for task in Path(f"/proc/{supervisor}/task").iterdir():
        for child in (task / "children").read_text().split():
            if b"spawn_main" not in Path(f"/proc/{child}/cmdline").read_bytes():
                continue  # multiprocessing's resource tracker
            links = []
            for fd in Path(f"/proc/{child}/fd").iterdir():
                with contextlib.suppress(OSError):
                    links.append(os.readlink(fd))
            shares[int(child)] = {link for link in links if link in inodes}
    return shares


@pytest.mark.django_db(transaction=True)
def test_each_server_process_of_antre_serve_listens_on_its_own_socket_and_serves(office):
    server = Server(port=free_port()).start(ANTRE_WORKERS="3")
    clients = []
    try:
        _wait_for_listeners(server.port, 3)  # each process listens once it has loaded the app
        listening_sockets = _sockets_per_process(server.process.pid, server.port, "0A")
        clients = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(60)]
        for c in clients:  # keep-alive requests, answered by whichever process accepted
            c.sendall(b"GET /api/v1/offices HTTP/1.1\r\nHost: localhost\r\n\r\n")
        for c in clients:
            c.settimeout(30)
            assert c.recv(12).startswith(b"HTTP/1.1 200")
        shares = [len(s) for s in _sockets_per_process(server.process.pid, server.port, "01").values()]
    finally:
        for c in clients:
            c.close()
        server.stop()
    # One listening socket per process: the kernel, not the first process awake, picks who accepts.
    assert [len(s) for s in listening_sockets.values()] == [1, 1, 1], listening_sockets
    assert len(set.union(*listening_sockets.values())) == 3, "the processes share one socket"
    assert sum(shares) == 60, shares
    assert min(shares) >= 5, f"one process took most clients: {shares}"
