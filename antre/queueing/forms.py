from django import forms
from django.utils.translation import gettext_lazy as _

from antre.people.rules import NAME_MAX, NIK_TYPED_MAX, PHONE_TYPED_MAX
from antre.queueing.models import Priority


class BookingForm(forms.Form):
    """Collects what a citizen types; the rules themselves live in services.book_ticket."""

    date = forms.DateField(label=_("Tanggal kunjungan"), widget=forms.RadioSelect)
    name = forms.CharField(label=_("Nama lengkap (sesuai KTP)"), max_length=NAME_MAX, required=False)
    nik = forms.CharField(label=_("NIK (16 digit)"), max_length=NIK_TYPED_MAX, required=False)
    phone = forms.CharField(
        label=_("Nomor HP/WhatsApp (boleh dikosongkan)"), max_length=PHONE_TYPED_MAX, required=False
    )
    priority = forms.ChoiceField(label=_("Prioritas"), choices=Priority.choices, required=False)
