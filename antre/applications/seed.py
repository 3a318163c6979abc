"""The demo office's kinds of application (SPEC §4 and the Applications issue), as data the admin edits."""

from __future__ import annotations

from antre.applications.models import ApplicationKind, KindPurpose, KindRequirement

KK = ("kk", "Kartu Keluarga", True)
KTP = ("ktp", "KTP-el", True)

# (code, name, service code, purpose, SLA days, [(requirement code, name, required)])
KINDS = [
    ("KTP-BARU", "KTP-el baru", "KTP", "online", 3, [KK, ("akta_lahir", "Akta kelahiran (bila ada)", False)]),
    (
        "KTP-HILANG",
        "KTP-el hilang",
        "KTP",
        "online",
        3,
        [KK, ("polisi", "Surat keterangan kehilangan dari kepolisian", True)],
    ),
    ("KTP-RUSAK", "KTP-el rusak", "KTP", "online", 3, [KK, ("ktp_lama", "Foto KTP-el yang rusak", True)]),
    (
        "KTP-UBAH",
        "KTP-el perubahan data",
        "KTP",
        "online",
        3,
        [KK, ("ktp_lama", "KTP-el lama", True), ("bukti", "Dokumen bukti perubahan data", True)],
    ),
    (
        "KK-BARU",
        "Kartu Keluarga baru",
        "KK",
        "online",
        3,
        [("nikah", "Buku nikah atau akta perkawinan", True), ("kk_asal", "Kartu Keluarga asal", True)],
    ),
    (
        "KK-TAMBAH",
        "Kartu Keluarga: tambah anggota",
        "KK",
        "online",
        3,
        [KK, ("bukti", "Surat keterangan lahir atau surat pindah datang", True)],
    ),
    (
        "KK-KURANG",
        "Kartu Keluarga: kurang anggota",
        "KK",
        "online",
        3,
        [KK, ("bukti", "Akta kematian atau surat pindah", True)],
    ),
    (
        "KK-UBAH",
        "Kartu Keluarga: perubahan data",
        "KK",
        "online",
        3,
        [KK, ("bukti", "Dokumen bukti perubahan data", True)],
    ),
    (
        "KK-HILANG",
        "Kartu Keluarga hilang atau rusak",
        "KK",
        "online",
        3,
        [("polisi", "Surat kehilangan dari kepolisian atau foto KK yang rusak", True), KTP],
    ),
    (
        "PINDAH-KELUAR",
        "Pindah keluar (SKPWNI)",
        "PINDAH",
        "online",
        3,
        [("f103", "Formulir F-1.03", True), KK, KTP],
    ),
    (
        "PINDAH-DATANG",
        "Pindah datang",
        "PINDAH",
        "online",
        3,
        [("skpwni", "Surat Keterangan Pindah WNI (SKPWNI) dari daerah asal", True), KTP],
    ),
    (
        "PRA-SANTUNAN",
        "Pendaftaran awal santunan kematian",
        "SANTUNAN",
        "pre_registration",
        5,
        [
            ("kematian", "Surat keterangan kematian dari kepala desa/lurah", True),
            ("ahli_waris", "Surat keterangan ahli waris", True),
            KK,
            ("ktp_ahli_waris", "KTP-el ahli waris", True),
            ("rekening", "Halaman depan buku rekening ahli waris", True),
        ],
    ),
    (
        "PRA-AKTA",
        "Pendaftaran awal akta pencatatan sipil",
        "CAPIL",
        "pre_registration",
        3,
        [("surat_dasar", "Surat keterangan lahir/kematian/perkawinan/putusan pengadilan", True), KK, KTP],
    ),
]


def seed_application_kinds(office) -> None:
    services = {s.code: s for s in office.services.all()}
    for order, (code, name, service, purpose, sla, requirements) in enumerate(KINDS):
        kind = ApplicationKind.objects.create(
            office=office,
            code=code,
            name=name,
            service=services.get(service),
            purpose=KindPurpose(purpose),
            sla_days=sla,
            order=order,
        )
        KindRequirement.objects.bulk_create(
            [
                KindRequirement(kind=kind, code=c, name=n, required=r, order=i)
                for i, (c, n, r) in enumerate(requirements)
            ]
        )
