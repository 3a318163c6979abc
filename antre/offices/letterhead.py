"""The letterhead of what an office prints (circular letters, reports): plain fields of Office, set
in the admin, defined here so that antre.offices.models stays within its size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Letterhead:
    agency: str
    office: str
    address: str
    contact: str
    head_name: str
    head_nip: str
    city: str


class LetterheadFields(models.Model):
    """Office's letterhead fields (Office inherits them; no table of its own)."""

    # Office's own fields, which an empty letterhead field falls back to.
    name: str
    address: str

    agency_line = models.CharField(
        _("kop: instansi induk"), max_length=200, blank=True, help_text=_("Mis. PEMERINTAH KABUPATEN TABANAN")
    )
    full_name = models.CharField(
        _("kop: nama lengkap kantor"),
        max_length=200,
        blank=True,
        help_text=_("Mis. DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"),
    )
    letter_address = models.CharField(_("kop: alamat"), max_length=300, blank=True)
    contact_line = models.CharField(
        _("kop: kontak"), max_length=300, blank=True, help_text=_("Telepon, surel, situs web")
    )
    head_name = models.CharField(_("nama kepala dinas"), max_length=200, blank=True)
    head_nip = models.CharField(_("NIP kepala dinas"), max_length=30, blank=True)
    letter_city = models.CharField(
        _("kota pada tanggal surat"), max_length=100, blank=True, help_text=_("Mis. Tabanan")
    )

    class Meta:
        abstract = True

    def letterhead(self) -> Letterhead:
        """What the office's letters and reports print at the top and under the signature; an empty
        field falls back to what the office already says (its name, its address)."""
        return Letterhead(
            agency=self.agency_line,
            office=self.full_name or self.name,
            address=self.letter_address or self.address,
            contact=self.contact_line,
            head_name=self.head_name,
            head_nip=self.head_nip,
            city=self.letter_city,
        )
