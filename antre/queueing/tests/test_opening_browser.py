"""Opening hours, the next closed day and the administrator's notice, on a 360-px phone without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest

from antre.browser import SCREENSHOTS
from antre.conftest import MONDAY, wita

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_reads_the_hours_and_the_notice_on_a_phone(browser, live_server, office, clock):
    from antre.offices.models import ClosedDay, OpeningHours

    OpeningHours.objects.filter(office=office, weekday__lt=4).update(
        break_starts=dt.time(12), break_ends=dt.time(13)
    )
    ClosedDay.objects.filter(office=office).delete()
    ClosedDay.objects.create(office=office, date=MONDAY + dt.timedelta(days=3), reason="Cuti bersama")
    office.notice = "Hari ini layanan tutup pukul 12.00 karena pemadaman listrik."
    office.notice_until = MONDAY
    office.save()
    clock.move_to(wita(MONDAY, 9))

    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, java_script_enabled=False
    )
    phone = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.goto(live_server.url + "/k/tabanan/")
    assert "pemadaman listrik" in phone.locator("#office-notice").inner_text()
    assert phone.locator("#today-hours").inner_text().startswith("Hari ini buka pukul 08.00–15.00 WITA.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=SCREENSHOTS / "18-services-notice-and-hours-phone.png")
    phone.get_by_role("link", name="Jam layanan").click()
    assert phone.locator("#jam-layanan").is_visible()
    assert "Cuti bersama" in phone.locator("#next-closed").inner_text()

    phone.goto(live_server.url + "/k/tabanan/layanan/LEGAL/")
    assert phone.locator("#jam-layanan tr").count() == 3  # Senin–Kamis, Jumat, Sabtu–Minggu
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=SCREENSHOTS / "19-booking-page-hours-phone.png", full_page=True)
    context.close()
