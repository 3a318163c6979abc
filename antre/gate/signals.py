"""What the gate does to a ticket, for the layers above (WhatsApp tells the citizen).

Sent inside the transaction of the change; receivers connect in their app's ready().
"""

from django.dispatch import Signal

invited = Signal()  # ticket, until: come to the door now, at the latest by `until`
