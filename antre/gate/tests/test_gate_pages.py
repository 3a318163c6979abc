"""The gate page, walk-in tickets and printing."""

import socket

import pytest
from escpos.printer import Dummy

from antre.conftest import KETUT
from antre.gate import printing
from antre.queueing.models import Status, Ticket
from antre.queueing.tests.factories import book


@pytest.fixture
def at_the_gate(client, open_all_day, staff):
    client.force_login(staff["satpam"])
    return client


def test_the_gate_officer_finds_a_ticket_and_admits_it(at_the_gate, open_all_day):
    ticket = book(open_all_day, name="Ni Made Sari Dewi")
    page = at_the_gate.get(f"/pintu/tabanan/?q={ticket.number}").content.decode()
    assert "Ni Made Sari Dewi" in page and "Periksa dan izinkan masuk" in page
    response = at_the_gate.post(
        "/pintu/tabanan/",
        {
            "action": "screen",
            "ticket": ticket.token,
            "temperature_c": "36,7",
            "mask": "on",
            "hands_washed": "on",
        },
        follow=True,
    )
    assert f"{ticket.number} boleh masuk. Di dalam: 1/13." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING_INSIDE


def test_a_fever_shows_the_advice_to_print(at_the_gate, open_all_day):
    ticket = book(open_all_day)
    response = at_the_gate.post(
        "/pintu/tabanan/",
        {
            "action": "screen",
            "ticket": ticket.token,
            "temperature_c": "38.2",
            "mask": "on",
            "hands_washed": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "belum dapat masuk hari ini" in page
    assert "38,2" in page and "secara daring" in page and "/k/tabanan/" in page


def test_counter_officers_and_citizens_are_kept_out(client, open_all_day, staff):
    assert client.get("/pintu/tabanan/").status_code == 302
    client.force_login(staff["petugas"])
    assert client.get("/pintu/tabanan/").status_code == 403


def test_a_walk_in_ticket_needs_a_name_not_a_nik_and_a_double_tap_issues_one(at_the_gate, open_all_day):
    form = {
        "service": "LEGAL",
        "name": "nenek wayan",
        "nik": "",
        "priority": "elderly",
        "form_id": "form-tap",
    }
    first = at_the_gate.post("/pintu/tabanan/tiket-baru/", form)
    second = at_the_gate.post("/pintu/tabanan/tiket-baru/", form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.name, ticket.nik, ticket.number) == ("walk_in", "Nenek Wayan", "", "E-001")
    refused = at_the_gate.post("/pintu/tabanan/tiket-baru/", form | {"name": "", "form_id": "form-2"})
    assert "Isi nama lengkap" in refused.content.decode()
    assert Ticket.objects.count() == 1


def test_the_ticket_prints_on_an_escpos_printer(open_all_day):
    ticket = book(open_all_day, name="Ni Made Sari Dewi")
    printer = Dummy(profile=printing.PROFILE)
    printing.render(printer, ticket, f"http://antre.local/tiket/{ticket.token}/")
    data = printer.output
    assert ticket.number.encode() in data
    assert b"Ni Made S." in data and b"Sari Dewi" not in data
    assert b"\x1dv0" in data  # the QR code, sent as a raster image (cheap 58-mm printers have no QR engine)


def test_a_print_failure_is_shown_and_the_ticket_can_be_reprinted(at_the_gate, open_all_day):
    with socket.socket() as s:  # a port where no printer listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    open_all_day.printer_address = f"127.0.0.1:{port}"
    open_all_day.save()
    response = at_the_gate.post(
        "/pintu/tabanan/tiket-baru/",
        {"service": "LEGAL", "name": "Kakek Nyoman", "form_id": "form-p"},
        follow=True,
    )
    page = response.content.decode()
    assert "Printer tidak dapat dihubungi" in page and "Cetak ulang" in page
    assert Ticket.objects.count() == 1  # the ticket exists all the same
    ticket = Ticket.objects.get()
    with socket.socket() as printer:
        printer.bind(("127.0.0.1", port))
        printer.listen(1)
        reprint = at_the_gate.post(f"/pintu/tabanan/karcis/{ticket.token}/", follow=True)
        connection, _ = printer.accept()
        with connection:
            received = b""
            connection.settimeout(2)
            try:
                while chunk := connection.recv(65536):
                    received += chunk
            except TimeoutError:
                pass
    assert f"Karcis {ticket.number} dicetak." in reprint.content.decode()
    assert ticket.number.encode() in received


def test_the_58mm_page_for_the_browser(client, open_all_day):
    ticket = book(open_all_day)
    page = client.get(f"/tiket/{ticket.token}/cetak/?auto=1").content.decode()
    assert ticket.number in page and "print58.css" in page
    assert "data-auto-print" in page and "antre/print.js" in page  # prints itself once loaded


def test_the_outdoor_display_lists_invited_numbers(client, open_all_day):
    from antre.gate.services import refresh_invitations

    ticket = book(open_all_day)
    refresh_invitations(open_all_day)
    page = client.get("/k/tabanan/luar/").content.decode()
    assert f"<li>{ticket.number}</li>" in page


def screen_form(ticket, temperature="36,7", **extra):
    return {
        "action": "screen",
        "ticket": ticket.token,
        "temperature_c": temperature,
        "mask": "on",
        "hands_washed": "on",
    } | extra


@pytest.mark.parametrize("reading", ["3.65", "NaN", "inf", "1e309", "tiga enam"])
def test_a_wrong_temperature_marks_the_field_and_keeps_the_number_in_the_search(
    at_the_gate, open_all_day, reading
):
    ticket = book(open_all_day)
    response = at_the_gate.post("/pintu/tabanan/", screen_form(ticket, reading))
    page = response.content.decode()
    assert response.status_code == 422
    assert "Suhu tidak masuk akal" in page and 'aria-invalid="true"' in page
    assert f'value="{ticket.number}"' in page and f'value="{ticket.token}"' not in page.split("<form")[1]
    assert "checked" in page  # the ticks already given are kept
    assert Ticket.objects.get(pk=ticket.pk).status == Status.BOOKED


def test_a_ticket_for_another_day_says_so_and_offers_no_form(at_the_gate, open_all_day):
    import datetime as dt

    tomorrow = open_all_day.local_today() + dt.timedelta(days=1)
    ticket = book(open_all_day, KETUT, day=tomorrow)
    page = at_the_gate.get(f"/pintu/tabanan/?q={ticket.token}").content.decode()
    assert "bukan hari ini" in page and 'id="other-day"' in page
    assert "Periksa dan izinkan masuk" not in page.split('id="found"')[1]


def test_stepping_out_and_back_in_at_the_gate(at_the_gate, open_all_day):
    ticket = book(open_all_day)
    at_the_gate.post("/pintu/tabanan/", screen_form(ticket))
    page = at_the_gate.get(f"/pintu/tabanan/?q={ticket.number}").content.decode()
    assert "Keluar sebentar (nomor tetap berlaku)" in page and "Pulang — batalkan nomor" in page
    response = at_the_gate.post("/pintu/tabanan/", {"action": "exit", "ticket": ticket.token}, follow=True)
    assert "keluar sebentar; nomornya tetap berlaku" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.BOOKED
    page = at_the_gate.get(f"/pintu/tabanan/?q={ticket.number}").content.decode()
    assert "Masuk kembali" in page
    response = at_the_gate.post("/pintu/tabanan/", {"action": "return", "ticket": ticket.token}, follow=True)
    assert f"{ticket.number} boleh masuk" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING_INSIDE


def test_going_home_asks_first(at_the_gate, open_all_day):
    ticket = book(open_all_day)
    at_the_gate.post("/pintu/tabanan/", screen_form(ticket))
    asked = at_the_gate.post("/pintu/tabanan/", {"action": "home", "ticket": ticket.token}, follow=True)
    assert "pulang dan tidak kembali hari ini?" in asked.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING_INSIDE  # nothing happened yet
    done = at_the_gate.post(
        "/pintu/tabanan/", {"action": "home", "ticket": ticket.token, "confirm": "yes"}, follow=True
    )
    assert "nomornya dibatalkan" in done.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CANCELLED


def test_the_citizens_page_after_a_fever_carries_the_printable_advice(client, at_the_gate, open_all_day):
    ticket = book(open_all_day)
    at_the_gate.post("/pintu/tabanan/", screen_form(ticket, "38,4"))
    page = client.get(f"/tiket/{ticket.token}/").content.decode()
    assert "Tidak lolos pemeriksaan" in page
    assert "38,4" in page and "Cetak saran ini" in page and "secara daring" in page


def test_the_citizens_page_says_a_stepped_out_number_still_holds(client, at_the_gate, open_all_day):
    ticket = book(open_all_day)
    at_the_gate.post("/pintu/tabanan/", screen_form(ticket))
    at_the_gate.post("/pintu/tabanan/", {"action": "exit", "ticket": ticket.token})
    page = client.get(f"/tiket/{ticket.token}/").content.decode()
    assert "Anda tercatat keluar sebentar." in page.split('id="stepped-out-panel"')[1].split("</section>")[0]
    assert 'id="stepped-out-panel" hidden' not in page


def test_the_gate_forms_stop_typing_at_their_limits(at_the_gate, open_all_day):
    ticket = book(open_all_day)
    gate = at_the_gate.get(f"/pintu/tabanan/?q={ticket.number}").content.decode()
    assert 'id="q" name="q" value="A-001" maxlength="200"' in gate
    assert 'name="temperature_c" inputmode="decimal" maxlength="10"' in gate
    walk_in = at_the_gate.get("/pintu/tabanan/tiket-baru/").content.decode()
    assert 'name="name" value="" required maxlength="100"' in walk_in
    assert 'name="nik" value="" inputmode="numeric" maxlength="24"' in walk_in


def test_a_walk_in_name_too_long_is_refused_on_the_field_and_kept(at_the_gate, open_all_day):
    form = {"service": "LEGAL", "name": "Nenek " * 20, "nik": "", "priority": "", "form_id": "form-long"}
    response = at_the_gate.post("/pintu/tabanan/tiket-baru/", form)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Terlalu panjang: paling banyak 100 karakter." in page and "Nenek Nenek" in page
    assert not Ticket.objects.exists()


def test_a_scan_or_a_reading_too_long_is_refused_not_searched(at_the_gate, open_all_day):
    ticket = book(open_all_day)
    long_scan = at_the_gate.post("/pintu/tabanan/", screen_form(ticket, "36,5") | {"ticket": "x" * 201})
    assert long_scan.status_code == 422
    assert "terlalu panjang untuk nomor antrean" in long_scan.content.decode()
    long_reading = at_the_gate.post("/pintu/tabanan/", screen_form(ticket, "36," + "5" * 1000))
    assert long_reading.status_code == 422 and "Suhu tidak masuk akal" in long_reading.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.BOOKED
