"""Applying online by chat (kind, applicant, address, village, documents, consent), and checking an
application with its tracking code and NIK."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.translation import gettext as _

from antre import ratelimit
from antre.applications.models import ApplicationKind
from antre.applications.services import for_applicant, submit
from antre.applications.storage import transit
from antre.errors import Refusal
from antre.links import public_url
from antre.offices.models import Region
from antre.whatsapp.bot.replies import Reply
from antre.whatsapp.models import Conversation, InboundMessage


def start(conversation: Conversation, reply: Reply) -> None:
    """Offer the services that take applications online."""
    groups = {
        k.service.code: k.service.name
        for k in conversation.number.office.kinds.filter(active=True).select_related("service")
        if k.service
    }
    conversation.state = {"flow": "ajukan", "step": "group"}
    reply.choose(_("Permohonan daring untuk:"), [(f"grp:{code}", name, "") for code, name in groups.items()])


def go_on(conversation: Conversation, reply: Reply, inbound: InboundMessage, text: str) -> None:
    """The next step of an application: the citizen's answer to the last question."""
    state = conversation.state
    step = state.get("step")
    office = conversation.number.office
    if step == "group" and text.startswith("grp:"):
        kinds = ApplicationKind.objects.filter(
            office=office, active=True, service__code=text.removeprefix("grp:")
        )
        state.update(step="kind")
        reply.choose(_("Pilih jenis permohonan:"), [(f"kind:{k.code}", k.name, "") for k in kinds])
    elif step == "kind" and text.startswith("kind:"):
        kind = ApplicationKind.objects.filter(
            office=office, code=text.removeprefix("kind:"), active=True
        ).first()
        if kind is None:
            reply.text(_("Jenis permohonan tidak ditemukan. Ketik *menu*."))
            return
        state.update(step="nik", kind=kind.code, docs={})
        reply.text(_("%(kind)s. Ketik NIK pemohon (16 digit).") % {"kind": kind.name})
    elif step == "nik":
        state.update(step="name", nik=text)
        reply.text(_("Ketik nama lengkap sesuai KTP."))
    elif step == "name":
        state.update(step="address", name=text)
        reply.text(_("Ketik alamat (jalan, banjar/dusun, RT/RW)."))
    elif step == "address":
        state.update(step="village", address=text)
        reply.text(_("Ketik nama desa/kelurahan Anda."))
    elif step == "village":
        _take_village(conversation, reply, state, text)
    elif step == "document":
        _take_document(conversation, reply, inbound, state)
    elif step == "consent" and text in ("setuju", "batal"):
        _finish(conversation, reply, state, agreed=text == "setuju")
    else:
        reply.text(_("Silakan ikuti petunjuk di atas, atau ketik *menu* untuk mulai dari awal."))


def _take_village(conversation: Conversation, reply: Reply, state: dict[str, Any], text: str) -> None:
    office = conversation.number.office
    matches = list(
        Region.objects.filter(level=4, code__startswith=office.region_code + ".", name__iexact=text.strip())
    )
    if len(matches) != 1:
        reply.text(_("Desa/kelurahan tidak ditemukan atau ada lebih dari satu. Ketik nama desa sesuai KTP."))
        return
    state.update(village=matches[0].code)
    _ask_next_document(conversation, reply, state)


def _take_document(
    conversation: Conversation, reply: Reply, inbound: InboundMessage, state: dict[str, Any]
) -> None:
    if inbound.kind not in ("image", "document"):
        reply.text(_("Kirim dokumennya sebagai foto atau berkas PDF."))
        return
    data = inbound.media_bytes  # fetched before the transaction (answering.py)
    if data is None:
        reply.text(_("Dokumen tidak dapat diambil dari WhatsApp. Coba kirim lagi."))
        return
    ref = _keep(conversation, state["waiting_for"], data)
    document = inbound.payload.get("document")
    name = document.get("filename") if isinstance(document, dict) else None
    name = name if isinstance(name, str) and name else f"{state['waiting_for']}.bin"
    state["docs"][state["waiting_for"]] = [ref, os.path.basename(name)]
    _ask_next_document(conversation, reply, state)


def _ask_next_document(conversation: Conversation, reply: Reply, state: dict[str, Any]) -> None:
    kind = ApplicationKind.objects.get(office=conversation.number.office, code=state["kind"])
    missing = [r for r in kind.requirements.all() if r.required and r.code not in state["docs"]]
    if missing:
        state.update(step="document", waiting_for=missing[0].code)
        reply.text(_("Kirim foto atau PDF: *%(document)s*.") % {"document": missing[0].name})
        return
    state.update(step="consent")
    reply.buttons(
        _(
            "Data Anda (NIK, nama, alamat, dokumen) dipakai hanya untuk permohonan ini, disimpan paling lama "
            "satu tahun sesudah selesai, dan hanya dilihat petugas verifikasi (UU 27/2022). Setuju?"
        ),
        [("setuju", _("Setuju, kirim")), ("batal", _("Batal"))],
    )


def forget_media(conversation: Conversation) -> None:
    """Documents received for an application that was not finished are not kept."""
    if conversation.pk is None:
        return
    store = transit()
    for name in store.names(f"{conversation.pk}/"):
        store.delete(name)


def _keep(conversation: Conversation, code: str, data: bytes) -> str:
    """Keep a received document until the application is sent, where every machine reads it (the
    conversation's next message may reach another one): antre.applications.storage's transit."""
    store, name = transit(), f"{conversation.pk}/{code}"
    store.delete(name)  # sent again: the new one counts
    return store.save(name, ContentFile(data))


def _received(ref: str) -> bytes:
    if os.path.isabs(ref):  # kept in a folder of this machine before the upgrade
        return Path(ref).read_bytes()
    with transit().open(ref) as handle:
        return handle.read()


def _finish(conversation: Conversation, reply: Reply, state: dict[str, Any], *, agreed: bool) -> None:
    if not agreed:
        conversation.state = {}
        reply.text(_("Permohonan dibatalkan. Ketik *menu* untuk mulai lagi."))
    else:
        files = {code: (name, _received(ref)) for code, (ref, name) in state["docs"].items()}
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
                source=conversation.source,
            )
        except Refusal as refusal:
            fields = "; ".join(refusal.fields.values())
            reply.text(f"{refusal.message} {fields}\n" + _("Ketik *menu* untuk mengulang."))
            conversation.state = {}
        else:
            conversation.application, conversation.state = application, {}
            reply.text(
                _(
                    "Permohonan diterima. Kode lacak: *%(code)s*.\nLacak di %(link)s dengan kode ini dan NIK Anda."
                )
                % {"code": application.code, "link": public_url(reverse("applications:track"))}
            )
    forget_media(conversation)


TRACKING_GUESSES = 5  # wrong code-and-NIK pairs a chat may send in a day


def start_check(conversation: Conversation, reply: Reply) -> None:
    """Ask for the tracking code of the application to check."""
    conversation.state = {"flow": "cek", "step": "code"}
    reply.text(_("Ketik kode lacak permohonan Anda (8 huruf/angka)."))


def go_on_checking(conversation: Conversation, reply: Reply, text: str) -> None:
    """The tracking code, then the applicant's NIK: the application's status, or why not."""
    state = conversation.state
    if state.get("step") == "code":
        state.update(step="nik", code=text.upper())
        reply.text(_("Ketik NIK pemohon (16 digit)."))
        return
    guesses = f"wa-track:{conversation.citizen_hash}"
    if settings.RATELIMIT_ENABLED and ratelimit.peek(guesses) >= TRACKING_GUESSES:
        # Code and NIK must not be guessable by brute force over chat either (a page allows 20 a minute).
        reply.text(
            _("Terlalu banyak percobaan yang salah. Coba lagi besok, atau datang ke kantor dengan KTP.")
        )
        conversation.state = {}
        return
    try:
        application = for_applicant(state.get("code", ""), text)
    except Refusal as refusal:
        if settings.RATELIMIT_ENABLED:
            ratelimit.count(guesses, expires=int(time.time()) + 86400)
        reply.text(refusal.message)
    else:
        reply.text(
            _("Permohonan %(code)s (%(kind)s): %(status)s.")
            % {
                "code": application.code,
                "kind": application.kind.name,
                "status": application.get_status_display(),
            }
        )
    conversation.state = {}
