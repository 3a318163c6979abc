"""The officer inbox: conversations per desk, assignment, replies (text, documents), links, the 24-hour window."""

from __future__ import annotations

import datetime as dt
import functools
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antre import clock
from antre.applications.models import Application
from antre.applications.storage import transit
from antre.applications.uploads import UploadRefused, check_upload
from antre.errors import Refusal, too_long
from antre.people import authorizers
from antre.people.staff_requests import StaffRequest
from antre.queueing import rules as queue_rules
from antre.queueing.models import Ticket
from antre.whatsapp import outbox
from antre.whatsapp.models import Conversation, Desk
from antre.whatsapp.templates_for_officers import BY_NAME, PARAM_MAX, TEMPLATES, param_problem

WINDOW = dt.timedelta(hours=24)  # WhatsApp: free replies only within 24 h of the citizen's last message
REPLY_MAX = 4096  # the Cloud API's limit for a text message's body
REF_MAX = 20  # an application code or a queue number


def window_open(conversation: Conversation, now: dt.datetime | None = None) -> bool:
    last = conversation.last_inbound_at
    return last is not None and (now or clock.now()) - last < WINDOW


def _inbox_office_id(request: StaffRequest) -> int | None:
    """The office whose inbox the user answers (their own), or None when they may not."""
    if not authorizers.may_answer_whatsapp_inbox(request.user):
        return None
    return request.user.office_id


@login_required
def conversations(request: StaffRequest) -> HttpResponse:
    if (office_id := _inbox_office_id(request)) is None:
        return render(request, "applications/forbidden.html", status=403)
    desk = request.GET.get("desk", "")
    items = Conversation.objects.filter(number__office_id=office_id).select_related("number", "assigned_to")
    if desk in Desk.values:
        items = items.filter(number__desk=desk)
    items = items.order_by("-needs_officer", "-last_inbound_at")[:200]
    return render(
        request,
        "whatsapp/inbox.html",
        {"office": request.user.office, "items": items, "desk": desk, "desks": Desk.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: StaffRequest, pk: int) -> HttpResponse:
    if (office_id := _inbox_office_id(request)) is None:
        return render(request, "applications/forbidden.html", status=403)
    chat = get_object_or_404(
        Conversation.objects.select_related("number"), pk=pk, number__office_id=office_id
    )
    if request.method == "POST":
        try:
            _act(request, chat)
        except Refusal as refusal:
            # The same page with what the officer typed kept, so a refused reply is not lost.
            return _page(request, chat, refusal=refusal)
        return redirect("inbox:conversation", pk=chat.pk)
    return _page(request, chat)


def _page(request: StaffRequest, chat: Conversation, *, refusal: Refusal | None = None) -> HttpResponse:
    timezone.activate(chat.number.office.tzinfo)
    timeline = sorted(
        [("in", m.received_at, m.text or f"[{m.kind}]", None) for m in chat.inbound.all()]
        + [("out", m.created_at, _describe(m.body), m.by) for m in chat.outbound.all()],
        key=lambda item: item[1],
    )
    typed = request.POST if refusal else {}
    return render(
        request,
        "whatsapp/conversation.html",
        {
            "office": chat.number.office,
            "chat": chat,
            "timeline": timeline,
            "window_open": window_open(chat),
            "refusal": refusal,
            "field_errors": refusal.fields if refusal else {},
            "draft": typed.get("text", ""),  # whole: the officer splits it into messages
            "ref": typed.get("ref", "")[:REF_MAX],
            "reply_max": REPLY_MAX,
            "ref_max": REF_MAX,
            "templates": _template_forms(chat, typed, refusal),
            "param_max": PARAM_MAX,
        },
        status=refusal.status if refusal else 200,
    )


def _template_forms(chat: Conversation, typed, refusal: Refusal | None) -> list[dict]:
    """Each template an officer may send, with its parameters: as typed when it was refused, else
    filled in from the linked application or ticket."""
    forms = []
    for template in TEMPLATES:
        again = refusal is not None and typed.get("template") == template.name
        values = template.prefilled(chat)
        fields = [
            {
                "name": f"p-{key}",
                "id": f"t-{template.name}-{key}",
                "label": label,
                "value": typed.get(f"p-{key}", "") if again else values[key],
                "error": refusal.fields.get(f"p-{key}") if again and refusal else None,
            }
            for key, label in template.params
        ]
        forms.append({"name": template.name, "label": template.label, "fields": fields})
    return forms


def _describe(body: dict) -> str:
    kind = body.get("type")
    if kind == "text":
        return body["text"]["body"]
    if kind == "interactive":
        return body["interactive"]["body"]["text"]
    if kind == "document":
        return "📄 " + body["document"].get("filename", "")
    if kind == "template":
        return "[templat] " + body["template"]["name"]
    return f"[{kind}]"


def _act(request: StaffRequest, chat: Conversation) -> None:
    action = request.POST.get("action", "")
    with transaction.atomic():
        chat = Conversation.objects.select_for_update().get(pk=chat.pk)
        if action == "assign":
            chat.assigned_to = request.user
        elif action == "done":
            chat.needs_officer = False  # the bot answers again
        elif action == "link":
            _link(chat, request.POST.get("ref", ""))
        elif action == "reply":
            if not window_open(chat):
                raise Refusal(
                    "window_closed",
                    _(
                        "Lebih dari 24 jam sejak pesan terakhir warga: WhatsApp hanya mengizinkan templat resmi."
                    ),
                )
            _reply(request, chat)
        elif action == "template":
            _send_template(request, chat)
        chat.save()
    messages.success(request, _("Tersimpan."))


def _reply(request: StaffRequest, chat: Conversation) -> None:
    text = request.POST.get("text", "").strip()
    if len(text) > REPLY_MAX:
        raise Refusal(
            "invalid_fields",
            _("Balasan terlalu panjang untuk WhatsApp; bagi menjadi beberapa pesan."),
            status=422,
            fields={"text": too_long(REPLY_MAX)},
        )
    upload = request.FILES.get("document")
    key = f"inbox:{chat.pk}:{secrets.token_hex(8)}"
    enqueue = functools.partial(
        outbox.enqueue_session,
        phone_number_id=chat.number.phone_number_id,
        to=chat.citizen,
        conversation=chat,
        by=request.user,
    )
    if upload:
        try:
            checked = check_upload(upload.name or "", upload.read())
        except UploadRefused:
            raise Refusal(
                "invalid_fields", _("Berkas tidak dapat dikirim: kirim PDF, JPEG atau PNG sampai 5 MB.")
            ) from None
        # In the shared storage: the worker that sends it may run on another machine.
        name = transit().save(
            f"outgoing/{secrets.token_hex(12)}.{checked.extension}", ContentFile(checked.data)
        )
        enqueue(
            body={
                "type": "document",
                "document": {
                    "stored": name,
                    "filename": (upload.name or "")[-80:],
                    "mime_type": checked.content_type,
                },
            },
            key=key + ":doc",
        )
    if text:
        enqueue(body={"type": "text", "text": {"body": text}}, key=key)
    if not text and not upload:
        raise Refusal("invalid_fields", _("Tulis balasan atau lampirkan berkas."))


def _send_template(request: StaffRequest, chat: Conversation) -> None:
    """An approved template with the parameters the officer filled in: allowed at any time."""
    template = BY_NAME.get(request.POST.get("template", ""))
    if template is None:
        raise Refusal("invalid_fields", _("Pilih templat dari daftar."))
    values = [request.POST.get(f"p-{key}", "").strip() for key, _label in template.params]
    problems = {
        f"p-{key}": problem
        for (key, _label), value in zip(template.params, values, strict=True)
        if (problem := param_problem(value))
    }
    if problems:
        raise Refusal(
            "invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields=problems
        )
    outbox.enqueue_session(
        phone_number_id=chat.number.phone_number_id,
        to=chat.citizen,
        body=outbox.template_body(template.name, values),
        key=f"inbox:{chat.pk}:{secrets.token_hex(8)}:template",
        conversation=chat,
        by=request.user,
    )


def _link(chat: Conversation, ref: str) -> None:
    ref = ref.strip()
    if len(ref) > REF_MAX:
        raise Refusal(
            "invalid_fields",
            _("Periksa kembali isian yang ditandai."),
            status=422,
            fields={"ref": too_long(REF_MAX)},
        )
    office = chat.number.office
    application = Application.objects.filter(office=office, code=ref.upper()).first()
    if application:
        chat.application = application
        return
    parsed = queue_rules.parse_number(ref)
    ticket = (
        Ticket.objects.filter(
            office=office, day=office.local_today(), service__prefix=parsed[0], seq=parsed[1]
        ).first()
        if parsed
        else None
    )
    if ticket is None:
        raise Refusal(
            "not_found", _("Kode permohonan atau nomor antrean hari ini tidak ditemukan."), status=404
        )
    chat.ticket = ticket
