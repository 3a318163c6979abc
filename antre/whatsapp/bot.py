"""The WhatsApp bot, in Indonesian: take a queue number, check a ticket, apply online with documents,
check an application, requirements, opening hours, or talk to an officer.

Each inbound message is handled once (InboundMessage is unique); replies go through the outbox.
Menus are interactive lists and buttons within WhatsApp's limits (10 rows, 24-character titles,
3 buttons of 20 characters).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats

from antre import clock
from antre.errors import Refusal
from antre.links import public_url
from antre.queueing import rules as queue_rules
from antre.queueing.days import day_choices
from antre.whatsapp import outbox
from antre.whatsapp.models import Conversation, InboundMessage

log = logging.getLogger(__name__)

MENU = [
    ("antre", "Ambil nomor antrean", "Untuk layanan tatap muka di kantor"),
    ("cek_tiket", "Cek nomor antrean", "Nomor antrean yang masih berlaku"),
    ("ajukan", "Permohonan daring", "KTP-el, KK, pindah, tanpa ke kantor"),
    ("cek_permohonan", "Cek permohonan", "Dengan kode lacak dan NIK"),
    ("syarat", "Persyaratan", "Dokumen yang perlu disiapkan"),
    ("jam", "Jam layanan", "Hari dan jam buka kantor"),
    ("petugas", "Bicara dengan petugas", "Pesan Anda dibaca petugas"),
]
GREETINGS = {"halo", "hallo", "hai", "hi", "menu", "mulai", "start", "batal", "om swastiastu", "selamat pagi"}


def _ticket_link(ticket) -> str:
    return public_url(reverse("queueing:ticket", args=[ticket.token]))


class Reply:
    def __init__(self, conversation: Conversation, inbound: InboundMessage):
        self.conversation, self.inbound, self.count = conversation, inbound, 0

    def _send(self, body: dict) -> None:
        self.count += 1
        outbox.enqueue_session(
            phone_number_id=self.conversation.number.phone_number_id,
            to=self.conversation.citizen,
            body=body,
            key=f"reply:{self.inbound.message_id}:{self.count}",
            conversation=self.conversation,
        )

    def text(self, text: str) -> None:
        self._send({"type": "text", "text": {"body": text[:4096]}})

    def choose(self, text: str, rows: list[tuple[str, str, str]], button: str = "Pilih") -> None:
        self._send(
            {
                "type": "interactive",
                "interactive": {
                    "type": "list",
                    "body": {"text": text[:1024]},
                    "action": {
                        "button": button[:20],
                        "sections": [
                            {
                                "title": "Pilihan",
                                "rows": [
                                    {"id": rid[:200], "title": title[:24], "description": desc[:72]}
                                    for rid, title, desc in rows[:10]
                                ],
                            }
                        ],
                    },
                },
            }
        )

    def buttons(self, text: str, options: list[tuple[str, str]]) -> None:
        self._send(
            {
                "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": {"text": text[:1024]},
                    "action": {
                        "buttons": [
                            {"type": "reply", "reply": {"id": i, "title": t[:20]}} for i, t in options[:3]
                        ]
                    },
                },
            }
        )


def handle(inbound: InboundMessage) -> None:
    """Answer one inbound message, in one transaction with its replies."""
    number = inbound.number
    if number is None:
        return
    citizen = inbound.wa_id or inbound.user_id
    with transaction.atomic():
        conversation, _ = Conversation.objects.select_for_update().get_or_create(
            number=number, citizen=citizen, defaults={"phone": f"+{inbound.wa_id}" if inbound.wa_id else ""}
        )
        conversation.last_inbound_at = clock.now()
        inbound.conversation = conversation
        inbound.save(update_fields=["conversation"])
        reply = Reply(conversation, inbound)
        text = inbound.text.strip()
        state = conversation.state or {}
        if text.lower() in GREETINGS:
            conversation.needs_officer = False  # "menu" always brings the bot back
            _forget_media(conversation)
        if text.lower() in GREETINGS or not state.get("flow") and not conversation.needs_officer:
            if text.startswith("menu:"):
                _start(conversation, reply, text.removeprefix("menu:"))
            else:
                conversation.state = {}
                reply.choose(
                    f"Om Swastiastu, selamat datang di {number.office.name}. Apa yang dapat kami bantu?",
                    [(f"menu:{key}", title, desc) for key, title, desc in MENU],
                    button="Menu",
                )
        elif conversation.needs_officer:
            pass  # an officer answers from the inbox
        else:
            _continue(conversation, reply, inbound, text)
        conversation.save()


def _start(conversation: Conversation, reply: Reply, choice: str) -> None:
    office = conversation.number.office
    if choice == "antre":
        services = list(office.services.bookable())
        conversation.state = {"flow": "antre", "step": "service"}
        reply.choose(
            "Pilih layanan tatap muka:", [(f"svc:{s.code}", s.name, s.description) for s in services]
        )
    elif choice == "ajukan":
        groups = {
            k.service.code: k.service.name
            for k in office.kinds.filter(active=True).select_related("service")
            if k.service
        }
        conversation.state = {"flow": "ajukan", "step": "group"}
        reply.choose("Permohonan daring untuk:", [(f"grp:{code}", name, "") for code, name in groups.items()])
    elif choice == "cek_tiket":
        from antre.queueing.models import Ticket

        if not conversation.phone:  # a business-scoped id without a number: nothing to match on
            reply.text(
                "Nomor antrean tidak dapat dicari dari akun ini. Buka tautan yang Anda terima saat mendaftar."
            )
            return
        tickets = Ticket.objects.active().filter(
            office=office, phone=conversation.phone, day__gte=office.local_today()
        )
        lines = [
            f"{t.number} — {t.service.name}, {formats.date_format(t.day, 'j F')}: {_ticket_link(t)}"
            for t in tickets
        ]
        reply.text(
            "\n".join(lines) if lines else "Tidak ada nomor antrean yang berlaku untuk nomor WhatsApp ini."
        )
    elif choice == "cek_permohonan":
        conversation.state = {"flow": "cek", "step": "code"}
        reply.text("Ketik kode lacak permohonan Anda (8 huruf/angka).")
    elif choice == "syarat":
        lines = [
            f"*{s.name}*: " + "; ".join(r.name for r in s.requirements.all())
            for s in office.services.filter(active=True)
        ]
        reply.text("\n\n".join(lines))
    elif choice == "jam":
        from antre.offices.models import Weekday

        hours = office.weekly_hours()
        lines = [
            f"{Weekday(d).label}: {o:%H.%M}–{c:%H.%M} {office.tz_label}"
            for d, (o, c) in sorted(hours.items())
        ]
        reply.text("Jam layanan:\n" + "\n".join(lines))
    elif choice == "petugas":
        conversation.needs_officer = True
        reply.text("Pesan Anda akan dibaca petugas pada jam layanan. Ketik *menu* untuk kembali ke menu.")
    else:
        reply.text("Pilihan tidak dikenal. Ketik *menu*.")


def _continue(conversation: Conversation, reply: Reply, inbound: InboundMessage, text: str) -> None:
    state = conversation.state
    flow, step = state.get("flow"), state.get("step")
    office = conversation.number.office
    if flow == "antre":
        _booking(conversation, reply, state, step, text)
    elif flow == "ajukan":
        _applying(conversation, reply, inbound, state, step, text)
    elif flow == "cek" and step == "code":
        state.update(step="nik", code=text.upper())
        reply.text("Ketik NIK pemohon (16 digit).")
    elif flow == "cek" and step == "nik":
        from antre.applications.services import for_applicant

        try:
            application = for_applicant(state.get("code", ""), text)
        except Refusal as refusal:
            reply.text(refusal.message)
        else:
            reply.text(
                f"Permohonan {application.code} ({application.kind.name}): {application.get_status_display()}."
            )
        conversation.state = {}
    else:
        conversation.state = {}
        reply.text(f"Maaf, kami belum mengerti. Ketik *menu* untuk melihat pilihan di {office.name}.")


def _booking(conversation, reply, state, step, text) -> None:
    from antre.queueing.services import book_ticket, find_service

    office = conversation.number.office
    if step == "service" and text.startswith("svc:"):
        try:
            service = find_service(office, text.removeprefix("svc:"))
        except Refusal as refusal:
            reply.text(refusal.message)
            return
        days = queue_rules.with_room(day_choices(service))[:10]
        state.update(step="day", service=service.code)
        reply.choose(
            f"{service.name}\nPilih tanggal kunjungan:",
            [
                (f"day:{d.isoformat()}", formats.date_format(d, "D, j M"), f"sisa {left} tempat")
                for d, left in days
            ],
        )
    elif step == "day" and text.startswith("day:"):
        offered = {
            d.isoformat()
            for d, _left in queue_rules.with_room(day_choices(find_service(office, state["service"])))
        }
        if text.removeprefix("day:") not in offered:
            reply.text("Pilih tanggal dari daftar, atau ketik *menu*.")
            return
        state.update(step="name", day=text.removeprefix("day:"))
        reply.text("Ketik nama lengkap sesuai KTP.")
    elif step == "name":
        state.update(step="nik", name=text)
        reply.text("Ketik NIK (16 digit).")
    elif step == "nik":
        import datetime as dt

        try:
            booking = book_ticket(
                office=office,
                service_code=state["service"],
                name=state["name"],
                nik=text,
                phone=conversation.phone,
                day=dt.date.fromisoformat(state["day"]),
                channel="whatsapp",
                idempotency_key=f"wa:{reply.inbound.message_id}",
            )
        except Refusal as refusal:
            fields = "; ".join(refusal.fields.values()) if refusal.fields else ""
            reply.text(
                f"{refusal.message} {fields}".strip() + "\nKetik NIK lagi, atau *menu* untuk mulai dari awal."
            )
            if refusal.code != "invalid_fields":
                conversation.state = {}
            return
        ticket = booking.ticket
        conversation.ticket, conversation.state = ticket, {}
        reply.text(
            f"Nomor antrean Anda *{ticket.number}* untuk {ticket.service.name}, "
            f"{formats.date_format(ticket.day, 'l, j F Y')}.\nIkuti dan batalkan di: {_ticket_link(ticket)}"
        )
    else:
        reply.text("Silakan pilih dari daftar, atau ketik *menu*.")


def _applying(conversation, reply, inbound, state, step, text) -> None:
    from antre.applications.models import ApplicationKind
    from antre.offices.models import Region

    office = conversation.number.office
    if step == "group" and text.startswith("grp:"):
        kinds = ApplicationKind.objects.filter(
            office=office, active=True, service__code=text.removeprefix("grp:")
        )
        state.update(step="kind")
        reply.choose("Pilih jenis permohonan:", [(f"kind:{k.code}", k.name, "") for k in kinds])
    elif step == "kind" and text.startswith("kind:"):
        kind = ApplicationKind.objects.filter(
            office=office, code=text.removeprefix("kind:"), active=True
        ).first()
        if kind is None:
            reply.text("Jenis permohonan tidak ditemukan. Ketik *menu*.")
            return
        state.update(step="nik", kind=kind.code, docs={})
        reply.text(f"{kind.name}. Ketik NIK pemohon (16 digit).")
    elif step == "nik":
        state.update(step="name", nik=text)
        reply.text("Ketik nama lengkap sesuai KTP.")
    elif step == "name":
        state.update(step="address", name=text)
        reply.text("Ketik alamat (jalan, banjar/dusun, RT/RW).")
    elif step == "address":
        state.update(step="village", address=text)
        reply.text("Ketik nama desa/kelurahan Anda.")
    elif step == "village":
        matches = list(
            Region.objects.filter(
                level=4, code__startswith=office.region_code + ".", name__iexact=text.strip()
            )
        )
        if len(matches) != 1:
            reply.text("Desa/kelurahan tidak ditemukan atau ada lebih dari satu. Ketik nama desa sesuai KTP.")
            return
        state.update(village=matches[0].code)
        _ask_next_document(conversation, reply, state)
    elif step == "document":
        if inbound.kind not in ("image", "document"):
            reply.text("Kirim dokumennya sebagai foto atau berkas PDF.")
            return
        data = getattr(inbound, "media_bytes", None)  # fetched before the transaction (webhook.py)
        if data is None:
            reply.text("Dokumen tidak dapat diambil dari WhatsApp. Coba kirim lagi.")
            return
        path = _keep(conversation, state["waiting_for"], data)
        document = inbound.payload.get("document")
        name = document.get("filename") if isinstance(document, dict) else None
        name = name if isinstance(name, str) and name else f"{state['waiting_for']}.bin"
        state["docs"][state["waiting_for"]] = [str(path), os.path.basename(name)]
        _ask_next_document(conversation, reply, state)
    elif step == "consent" and text in ("setuju", "batal"):
        _finish_application(conversation, reply, state, agreed=text == "setuju")
    else:
        reply.text("Silakan ikuti petunjuk di atas, atau ketik *menu* untuk mulai dari awal.")


def _ask_next_document(conversation, reply, state) -> None:
    from antre.applications.models import ApplicationKind

    kind = ApplicationKind.objects.get(office=conversation.number.office, code=state["kind"])
    missing = [r for r in kind.requirements.all() if r.required and r.code not in state["docs"]]
    if missing:
        state.update(step="document", waiting_for=missing[0].code)
        reply.text(f"Kirim foto atau PDF: *{missing[0].name}*.")
        return
    state.update(step="consent")
    reply.buttons(
        "Data Anda (NIK, nama, alamat, dokumen) dipakai hanya untuk permohonan ini, disimpan paling lama "
        "satu tahun sesudah selesai, dan hanya dilihat petugas verifikasi (UU 27/2022). Setuju?",
        [("setuju", "Setuju, kirim"), ("batal", "Batal")],
    )


def _forget_media(conversation) -> None:
    """Documents received for an application that was not finished are not kept."""
    if conversation.pk is None:
        return
    for path in (Path(settings.DATA_DIR) / "wa-media" / str(conversation.pk)).glob("*"):
        path.unlink(missing_ok=True)


def _keep(conversation, code: str, data: bytes) -> Path:
    folder = Path(settings.DATA_DIR) / "wa-media" / str(conversation.pk)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / code
    path.write_bytes(data)
    return path


def _finish_application(conversation, reply, state, *, agreed: bool) -> None:
    from antre.applications.services import submit

    folder = Path(settings.DATA_DIR) / "wa-media" / str(conversation.pk)
    if not agreed:
        conversation.state = {}
        reply.text("Permohonan dibatalkan. Ketik *menu* untuk mulai lagi.")
    else:
        files = {code: (name, Path(path).read_bytes()) for code, (path, name) in state["docs"].items()}
        try:
            application = submit(
                office=conversation.number.office,
                kind_code=state["kind"],
                nik=state["nik"],
                name=state["name"],
                address=state["address"],
                village_code=state["village"],
                files=files,
                consent=True,
                phone=conversation.phone,
                channel="whatsapp",
            )
        except Refusal as refusal:
            fields = "; ".join(refusal.fields.values())
            reply.text(f"{refusal.message} {fields}\nKetik *menu* untuk mengulang.")
            conversation.state = {}
        else:
            conversation.application, conversation.state = application, {}
            reply.text(
                f"Permohonan diterima. Kode lacak: *{application.code}*.\n"
                f"Lacak di {public_url(reverse('applications:track'))} dengan kode ini dan NIK Anda."
            )
    for path in folder.glob("*"):
        path.unlink(missing_ok=True)
