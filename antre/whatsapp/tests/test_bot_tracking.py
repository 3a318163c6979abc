"""Checking an application over WhatsApp (code + NIK), and the guesses a chat may make (#18)."""

from __future__ import annotations

from antre.applications.tests.factories import jpeg, pdf, submit
from antre.conftest import NIK_MADE, nik_for
from antre.whatsapp.tests.test_bot import say, texts


def check(client, code: str, nik: str) -> str:
    say(client, reply_id="menu:cek_permohonan")
    say(client, code)
    return texts(say(client, nik))


def test_the_applicant_checks_by_code_and_nik(client, desk, graph):
    application = submit(desk.office, {"kk": ("kk.pdf", pdf()), "bukti": ("a.jpg", jpeg(800, 600))})
    assert f"Permohonan {application.code}" in check(client, application.code, NIK_MADE)


def test_a_chat_that_guesses_codes_and_niks_is_stopped_for_the_day(client, desk, graph, rate_limited):
    application = submit(desk.office, {"kk": ("kk.pdf", pdf()), "bukti": ("a.jpg", jpeg(800, 600))})
    for i in range(5):
        assert f"Permohonan {application.code}" not in check(client, application.code, nik_for(i + 1))
    answer = check(client, application.code, NIK_MADE)  # the right pair, after five wrong ones
    assert "Terlalu banyak percobaan yang salah" in answer and f"Permohonan {application.code}" not in answer
