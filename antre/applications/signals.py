"""What happens to an online application, for the layers above (WhatsApp tells the applicant).

Sent inside the transaction of the change; receivers connect in their app's ready().
"""

from django.dispatch import Signal

changed = Signal()  # application, step: its status changed (step counts the changes)
