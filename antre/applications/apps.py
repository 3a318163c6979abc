import contextlib

from django.apps import AppConfig
from django.core.exceptions import SuspiciousFileOperation
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "antre.applications"
    verbose_name = _("Permohonan daring")

    def ready(self):
        from antre.applications.models import Document  # lazy: models load once the registry is ready

        post_delete.connect(_delete_file, sender=Document, dispatch_uid="document-file")


def _delete_file(sender, instance, **kwargs):
    """A document row deleted anywhere (the admin, a cascade, retention) takes its file along."""
    from antre.applications.storage import documents  # lazy: the storage imports the models

    # A path outside the documents folder was never ours to delete.
    with contextlib.suppress(SuspiciousFileOperation):
        documents().delete(instance.path)
