"""Names and phone numbers as people type them, and what screens may show of them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antre.people.rules import mask_nik, mask_phone, normalize_name, normalize_phone, short_name


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ni made sari dewi", "Ni Made Sari Dewi"),
        ("I  KETUT   ARSANA ", "I Ketut Arsana"),
        ("Siti Nur'aini", "Siti Nur'aini"),
        ("Anak Agung Ngurah", "Anak Agung Ngurah"),
        ("mary-jane", "Mary-Jane"),
        ("Dr. Putu Gede", "Dr. Putu Gede"),
        ("Budi\u0000\u200b", "Budi"),  # control characters from a paste are dropped
    ],
)
def test_names_are_tidied(typed, stored):
    assert normalize_name(typed) == stored


@pytest.mark.parametrize("typed", ["", " ", "A", "12345", "Budi 2", "<script>", "x" * 101])
def test_what_is_not_a_name_is_refused(typed):
    assert normalize_name(typed) is None


@pytest.mark.parametrize(
    ("name", "screen"),
    [
        ("Ni Made Sari Dewi", "Ni Made S."),
        ("I Ketut Arsana", "I Ketut A."),
        ("Budi Santoso", "Budi S."),
        ("Siti", "Siti"),
        ("Anak Agung Ngurah Rai", "Anak Agung N."),
        ("Ni Luh Putu Ayu", "Ni Luh P."),
        ("I Gusti Ayu Made", "I Gusti A."),
        ("Komang Ayu", "Komang A."),
    ],
)
def test_screens_show_a_short_name(name, screen):
    assert short_name(name) == screen


@given(
    st.lists(
        st.sampled_from(["Ni", "Made", "Sari", "Dewi", "Budi", "Santoso", "Ketut"]), min_size=1, max_size=6
    )
)
def test_a_short_name_never_shows_more_than_two_words_in_full(words):
    shown = short_name(" ".join(words)).split()
    assert len(shown) <= 3
    assert sum(1 for word in shown if not word.endswith(".")) <= 2
    if len(words) > 2:
        assert shown[-1].endswith(".")  # something is always held back


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("62812345678", "+62812345678"),
    ],
)
def test_phone_numbers_become_e164(typed, e164):
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize("typed", ["123", "abc", "0000000000000000000"])
def test_not_a_phone_number(typed):
    assert normalize_phone(typed) is None


def test_masks_hide_the_middle():
    assert mask_nik("5102054507900002") == "5102**********02"
    assert mask_phone("+6281234567890") == "+6281******890"
    assert mask_nik("") == ""
