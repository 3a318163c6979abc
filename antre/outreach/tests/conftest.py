"""The demo office ready to print for its villages: a letterhead and two WhatsApp numbers."""

import pytest

from antre.whatsapp.models import BusinessNumber, Desk

SUDIMARA = "51.02.05.2001"  # a desa in Kecamatan Tabanan
GUBUG = "51.02.05.2002"  # its neighbour, which the office has not reached yet
KEC_TABANAN = "51.02.05"
WA_GENERAL = "0811-3900-100"


@pytest.fixture
def printing_office(office):
    office.agency_line = "PEMERINTAH KABUPATEN TABANAN"
    office.full_name = "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"
    office.letter_address = "Jl. Pahlawan No. 19, Tabanan, Bali 82121"
    office.contact_line = "Telp. (0361) 811111 · disdukcapil@tabanankab.go.id · disdukcapil.tabanankab.go.id"
    office.head_name = "I Gede Made Wirawan, S.Sos., M.Si."
    office.head_nip = "197001011990031001"
    office.letter_city = "Tabanan"
    office.save()
    BusinessNumber.objects.create(office=office, phone_number_id="1100", display_number=WA_GENERAL)
    BusinessNumber.objects.create(
        office=office, phone_number_id="1101", display_number="0811-3900-200", desk=Desk.KTP
    )
    return office
