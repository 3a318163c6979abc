"""What happens to a ticket, for the layers above that act on it (WhatsApp tells the citizen).

Sent inside the transaction of the change, so what a receiver writes (an outbox row) commits or
rolls back with it. Queueing never imports its listeners: they connect in their app's ready().
"""

from django.dispatch import Signal

booked = Signal()  # ticket
called = Signal()  # ticket, counter_number: a call or a recall
# office, now: someone was counted out of the room, or back in, by a counter (the gate invites)
room_changed = Signal()
served = Signal()  # ticket: the visit ended served (the survey is offered)
near = Signal()  # ticket, ahead: their turn is close
leave_home = Signal()  # ticket, come_at: time to leave home to arrive at their come-at time
closed_out = Signal()  # ticket, reason, rebook_url: the office closed on the ticket's day
# ticket, url, key: a lost link asked for again (the help desk); a receiver answers True if it sent it
link_requested = Signal()
