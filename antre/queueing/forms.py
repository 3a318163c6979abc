from django import forms
from django.utils.translation import gettext_lazy as _

from antre.queueing.models import Priority


class BookingForm(forms.Form):
    """Collects what a citizen types; the rules themselves live in services.book_ticket."""

    date = forms.DateField(label=_("Tanggal kunjungan"), widget=forms.RadioSelect)
    name = forms.CharField(label=_("Nama lengkap (sesuai KTP)"), max_length=200, required=False)
    nik = forms.CharField(label=_("NIK (16 digit)"), max_length=40, required=False)
    phone = forms.CharField(label=_("Nomor HP/WhatsApp (boleh dikosongkan)"), max_length=40, required=False)
    priority = forms.ChoiceField(label=_("Prioritas"), choices=Priority.choices, required=False)
