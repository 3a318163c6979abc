"""Announcements spoken on the server, for displays without an Indonesian browser voice."""

import shutil

import pytest

from antre.live.models import LiveEvent
from antre.offices.models import Counter
from antre.queueing import calling
from antre.queueing.tests.factories import book

# Calling without a door check; the gate has its own tests.
pytestmark = pytest.mark.usefixtures("gate_off")


@pytest.fixture
def a_call(open_all_day, staff):
    book(open_all_day, name="Ni Made Sari Dewi")
    calling.call_next(counter=Counter.objects.get(number=3), officer=staff["petugas"])
    return LiveEvent.objects.get(kind="call")


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="make test installs Debian's espeak-ng")
def test_the_call_is_spoken_as_a_wav(client, a_call):
    response = client.get(f"/k/tabanan/suara/{a_call.seq}.wav")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    audio = b"".join(response.streaming_content)
    assert audio[:4] == b"RIFF" and audio[8:12] == b"WAVE"
    assert len(audio) > 20_000  # seconds of speech, not an empty file
    again = client.get(f"/k/tabanan/suara/{a_call.seq}.wav")
    assert b"".join(again.streaming_content) == audio  # made once, then served from the cache


def test_only_call_events_can_be_spoken(client, a_call, staff):
    calling.start_service(token=a_call.ticket_token, officer=staff["petugas"])
    update = LiveEvent.objects.get(kind="update")
    assert client.get(f"/k/tabanan/suara/{update.seq}.wav").status_code == 404
    assert client.get("/k/tabanan/suara/999.wav").status_code == 404


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="make test installs Debian's espeak-ng")
def test_a_machine_without_the_cached_file_makes_it_again(client, a_call, settings, tmp_path):
    # The speech cache is each machine's own (DATA_DIR/tts): a call made through machine A is
    # announced by a display served from machine B, whose data dir has never seen that text.
    settings.DATA_DIR = tmp_path / "machine-a"
    settings.DATA_DIR.mkdir()
    on_a = b"".join(client.get(f"/k/tabanan/suara/{a_call.seq}.wav").streaming_content)
    settings.DATA_DIR = tmp_path / "machine-b"
    settings.DATA_DIR.mkdir()
    assert not any((tmp_path / "machine-b").rglob("*.wav"))
    response = client.get(f"/k/tabanan/suara/{a_call.seq}.wav")
    assert response.status_code == 200
    on_b = b"".join(response.streaming_content)
    assert on_b[:4] == b"RIFF" and len(on_b) > 20_000
    assert len(list((tmp_path / "machine-b" / "tts").glob("*.wav"))) == 1  # made there, and kept
    assert abs(len(on_b) - len(on_a)) < 1_000  # the same announcement
