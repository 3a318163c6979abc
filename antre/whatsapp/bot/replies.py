"""The bot's answers to one inbound message, queued in the outbox within WhatsApp's limits."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from antre.whatsapp import outbox
from antre.whatsapp.models import Conversation, InboundMessage

# WhatsApp's limits: a list has at most 10 rows, with 24-character titles and 72-character
# descriptions; a message has at most 3 buttons of 20 characters; a text at most 4096 characters.
TEXT_MAX, BODY_MAX = 4096, 1024
ROWS_MAX, ROW_TITLE_MAX, ROW_DESCRIPTION_MAX, ROW_ID_MAX = 10, 24, 72, 200
BUTTONS_MAX, BUTTON_TITLE_MAX = 3, 20


class Reply:
    """The answers to one inbound message; each is queued once, under a key made of the message's id."""

    def __init__(self, conversation: Conversation, inbound: InboundMessage) -> None:
        self.conversation, self.inbound, self.count = conversation, inbound, 0

    def _send(self, body: dict[str, Any]) -> None:
        self.count += 1
        outbox.enqueue_session(
            phone_number_id=self.conversation.number.phone_number_id,
            to=self.conversation.citizen,
            body=body,
            key=f"reply:{self.inbound.message_id}:{self.count}",
            conversation=self.conversation,
        )

    def text(self, text: str) -> None:
        self._send({"type": "text", "text": {"body": text[:TEXT_MAX]}})

    def choose(self, text: str, rows: list[tuple[str, str, str]], button: str | None = None) -> None:
        """A list to pick from: rows of (id, title, description)."""
        self._send(
            {
                "type": "interactive",
                "interactive": {
                    "type": "list",
                    "body": {"text": text[:BODY_MAX]},
                    "action": {
                        "button": (_("Pilih") if button is None else button)[:BUTTON_TITLE_MAX],
                        "sections": [
                            {
                                "title": _("Pilihan"),
                                "rows": [
                                    {
                                        "id": rid[:ROW_ID_MAX],
                                        "title": title[:ROW_TITLE_MAX],
                                        "description": desc[:ROW_DESCRIPTION_MAX],
                                    }
                                    for rid, title, desc in rows[:ROWS_MAX]
                                ],
                            }
                        ],
                    },
                },
            }
        )

    def buttons(self, text: str, options: list[tuple[str, str]]) -> None:
        """Up to three buttons: options of (id, title)."""
        self._send(
            {
                "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": {"text": text[:BODY_MAX]},
                    "action": {
                        "buttons": [
                            {"type": "reply", "reply": {"id": i, "title": t[:BUTTON_TITLE_MAX]}}
                            for i, t in options[:BUTTONS_MAX]
                        ]
                    },
                },
            }
        )
