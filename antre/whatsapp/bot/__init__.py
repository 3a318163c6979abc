"""The WhatsApp bot: take a queue number, check a ticket, apply online with documents, check an
application, requirements, opening hours, or talk to an officer.

It speaks Indonesian, whatever language is active where it runs; its texts go through gettext,
with Indonesian as the source and English in the catalogue. Each inbound message is handled once
(InboundMessage is unique); replies go through the outbox. Menus are interactive lists and buttons
within WhatsApp's limits (10 rows, 24-character titles, 72-character descriptions, 3 buttons of 20
characters).

A package of one module per flow, because a flow's steps are read together and change together,
and the parts import one way only (conversation → booking, applying → replies):
- conversation.py: each inbound message in, answered in Indonesian; the menu, the answers given at
  once (requirements, hours, an officer) and the flow that goes on;
- booking.py: a queue number by chat, and the numbers held;
- applying.py: an application by chat with its documents, and checking one;
- replies.py: Reply, the answers to one message, queued in the outbox within WhatsApp's limits.
"""

from antre.whatsapp.bot.conversation import handle

__all__ = ["handle"]
