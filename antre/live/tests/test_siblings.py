"""Processes on one machine wake each other by datagram (SQLite); a dead process's socket is cleared."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest

from antre.live import siblings

pytestmark = pytest.mark.skipif(not siblings.SUPPORTED, reason="UNIX datagram sockets are POSIX only")


@pytest.fixture
def live_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return siblings.directory()


@pytest.fixture(params=["short", "long"])
def any_live_dir(request, settings, tmp_path):
    """The data dir as usual, and one whose path is too long for a UNIX socket address."""
    data = tmp_path if request.param == "short" else tmp_path / ("d" * 60) / ("e" * 60)
    data.mkdir(parents=True, exist_ok=True)
    settings.DATA_DIR = data
    return siblings.directory()


def test_an_announcement_from_another_thread_wakes_the_listener(any_live_dir):
    live_dir = any_live_dir

    async def scenario() -> list[int]:
        loop = asyncio.get_running_loop()
        woken: list[int] = []
        got = asyncio.Event()

        def wake(office_id: int) -> None:
            woken.append(office_id)
            got.set()

        sock = siblings.listen(loop, wake)
        assert sock is not None and list(live_dir.glob("*.sock"))
        # Announcing skips this process's own socket (the hub is woken in-process), so announce as
        # another process would: from a sender that does not know the socket as its own.
        own, siblings._own = siblings._own, None
        try:
            threading.Thread(target=siblings.announce, args=(7,)).start()
            await asyncio.wait_for(got.wait(), timeout=5)
        finally:
            siblings._own = own
            siblings.close(loop, sock)
        return woken

    assert asyncio.run(scenario()) == [7]
    assert list(live_dir.glob("*.sock")) == []  # closed cleanly: the socket file is gone


def test_an_announcement_to_a_process_that_died_is_harmless(live_dir):
    live_dir.mkdir(parents=True)
    dead = live_dir / "99999.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(dead))
    sock.close()  # killed: the file stays, nobody reads it
    siblings.announce(3)  # refused by the dead socket, without an error


def test_announcing_with_nobody_listening_is_harmless(live_dir):
    siblings.announce(1)  # no directory yet
    live_dir.mkdir(parents=True)
    siblings.announce(1)


def test_a_new_listener_clears_the_sockets_of_processes_that_are_gone(live_dir):
    live_dir.mkdir(parents=True)
    gone = live_dir / "4194999.sock"  # above any pid this machine hands out
    gone.touch()

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        sock = siblings.listen(loop, lambda office_id: None)
        siblings.close(loop, sock)

    asyncio.run(scenario())
    assert not gone.exists()


def test_a_data_dir_that_cannot_hold_the_socket_falls_back_to_a_private_temp_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "run").write_text("not a folder")  # as a file system without sockets would refuse
    fallback = siblings.directories()[-1]

    async def scenario() -> list[int]:
        loop = asyncio.get_running_loop()
        got: list[int] = []
        arrived = asyncio.Event()
        sock = siblings.listen(loop, lambda office_id: (got.append(office_id), arrived.set()))
        assert sock is not None and list(fallback.glob("*.sock"))
        own, siblings._own = siblings._own, None  # announce as another process would
        try:
            threading.Thread(target=siblings.announce, args=(5,)).start()
            await asyncio.wait_for(arrived.wait(), timeout=5)
        finally:
            siblings._own = own
            siblings.close(loop, sock)
        return got

    assert asyncio.run(scenario()) == [5]


def test_a_temp_folder_someone_else_could_write_is_not_used(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "run").write_text("not a folder")  # forces the temp folder
    fallback = siblings.directories()[-1]
    fallback.mkdir(parents=True, exist_ok=True)
    fallback.chmod(0o777)  # prepared by another user, say
    try:

        async def scenario():
            loop = asyncio.get_running_loop()
            return siblings.listen(loop, lambda office_id: None)

        assert asyncio.run(scenario()) is None  # polling only, rather than a socket others can reach
        assert list(fallback.glob("*.sock")) == []
    finally:
        fallback.chmod(0o700)
        fallback.rmdir()
