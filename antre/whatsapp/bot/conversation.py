"""Each inbound message in: the menu, the answers given at once (requirements, hours, an officer),
and the flow that goes on (booking, applying, checking an application)."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antre import clock, crypto
from antre.offices import sources
from antre.offices.models import Office, Weekday
from antre.queueing import confirmations
from antre.whatsapp.bot import applying, booking
from antre.whatsapp.bot.replies import Reply
from antre.whatsapp.models import Conversation, InboundMessage

# The bot speaks Indonesian, whatever language the thread that runs it has active: a webhook
# delivery carries no language choice, and the office's citizens write in Indonesian.
LANGUAGE = "id"

# (id, title of at most 24 characters, description of at most 72): WhatsApp's limits for a list.
MENU = [
    ("antre", gettext_lazy("Ambil nomor antrean"), gettext_lazy("Untuk layanan tatap muka di kantor")),
    ("cek_tiket", gettext_lazy("Cek nomor antrean"), gettext_lazy("Nomor antrean yang masih berlaku")),
    ("ajukan", gettext_lazy("Permohonan daring"), gettext_lazy("KTP-el, KK, pindah, tanpa ke kantor")),
    ("cek_permohonan", gettext_lazy("Cek permohonan"), gettext_lazy("Dengan kode lacak dan NIK")),
    ("syarat", gettext_lazy("Persyaratan"), gettext_lazy("Dokumen yang perlu disiapkan")),
    ("jam", gettext_lazy("Jam layanan"), gettext_lazy("Hari dan jam buka kantor")),
    ("petugas", gettext_lazy("Bicara dengan petugas"), gettext_lazy("Pesan Anda dibaca petugas")),
]
# What citizens type to see the menu (and to leave a flow): words, not texts the bot says.
GREETINGS = {"halo", "hallo", "hai", "hi", "menu", "mulai", "start", "batal", "om swastiastu", "selamat pagi"}


def handle(inbound: InboundMessage) -> None:
    """Answer one inbound message, in Indonesian, in one transaction with its replies."""
    number = inbound.number
    if number is None:
        return
    citizen = inbound.wa_id or inbound.user_id
    with translation.override(LANGUAGE), transaction.atomic():
        conversation, _created = Conversation.objects.select_for_update().get_or_create(
            number=number,
            citizen_hash=crypto.lookup_hash(citizen),
            defaults={"citizen": citizen, "phone": f"+{inbound.wa_id}" if inbound.wa_id else ""},
        )
        conversation.last_inbound_at = clock.now()
        inbound.conversation = conversation
        inbound.save(update_fields=["conversation"])
        reply = Reply(conversation, inbound)
        text = inbound.text.strip()
        if tag := poster_tag(text):
            conversation.source = tag
        if code := confirmations.code_in(text):
            booking.confirm(conversation, reply, code)  # whatever flow the chat is in goes on after
        else:
            _answer(conversation, reply, inbound, text)
        conversation.save()


def _answer(conversation: Conversation, reply: Reply, inbound: InboundMessage, text: str) -> None:
    """The menu, a choice from it, or the next step of the flow the chat is in."""
    state = conversation.state or {}
    if text.lower() in GREETINGS:
        conversation.needs_officer = False  # "menu" always brings the bot back
        applying.forget_media(conversation)
    if text.lower() in GREETINGS or not state.get("flow") and not conversation.needs_officer:
        if text.startswith("menu:"):
            _start(conversation, reply, text.removeprefix("menu:"))
        else:
            conversation.state = {}
            _menu(conversation.number.office, reply)
    elif conversation.needs_officer:
        pass  # an officer answers from the inbox
    else:
        _go_on(conversation, reply, inbound, text)


def poster_tag(text: str) -> str:
    """The source tag of a poster's prefilled message ("ANTRE desa-5102052001"), else ""."""
    word, _sep, rest = text.partition(" ")
    return sources.clean_tag(rest) if word.upper() == sources.WHATSAPP_WORD else ""


def _menu(office: Office, reply: Reply) -> None:
    reply.choose(
        _("Om Swastiastu, selamat datang di %(office)s. Apa yang dapat kami bantu?")
        % {"office": office.name},
        [(f"menu:{key}", str(title), str(description)) for key, title, description in MENU],
        button=_("Menu"),
    )


def _start(conversation: Conversation, reply: Reply, choice: str) -> None:
    """What the citizen picked from the menu."""
    office = conversation.number.office
    if choice == "antre":
        booking.start(conversation, reply)
    elif choice == "ajukan":
        applying.start(conversation, reply)
    elif choice == "cek_tiket":
        booking.list_tickets(conversation, reply)
    elif choice == "cek_permohonan":
        applying.start_check(conversation, reply)
    elif choice == "syarat":
        _requirements(office, reply)
    elif choice == "jam":
        _hours(office, reply)
    elif choice == "petugas":
        conversation.needs_officer = True
        reply.text(_("Pesan Anda akan dibaca petugas pada jam layanan. Ketik *menu* untuk kembali ke menu."))
    else:
        reply.text(_("Pilihan tidak dikenal. Ketik *menu*."))


def _requirements(office: Office, reply: Reply) -> None:
    lines = [
        f"*{s.name}*: " + "; ".join(r.name for r in s.requirements.all())
        for s in office.services.filter(active=True).prefetch_related("requirements")
    ]
    reply.text("\n\n".join(lines))


def _hours(office: Office, reply: Reply) -> None:
    lines = [
        f"{Weekday(d).label}: {o:%H.%M}–{c:%H.%M} {office.tz_label}"
        for d, (o, c) in sorted(office.weekly_hours().items())
    ]
    reply.text(_("Jam layanan:") + "\n" + "\n".join(lines))


def _go_on(conversation: Conversation, reply: Reply, inbound: InboundMessage, text: str) -> None:
    """The citizen's answer within a flow, to the flow that asked."""
    flow, step = conversation.state.get("flow"), conversation.state.get("step")
    if flow == "antre":
        booking.go_on(conversation, reply, text)
    elif flow == "ajukan":
        applying.go_on(conversation, reply, inbound, text)
    elif flow == "cek" and step in ("code", "nik"):
        applying.go_on_checking(conversation, reply, text)
    else:
        conversation.state = {}
        reply.text(
            _("Maaf, kami belum mengerti. Ketik *menu* untuk melihat pilihan di %(office)s.")
            % {"office": conversation.number.office.name}
        )
