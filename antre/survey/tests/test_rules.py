"""The survey's arithmetic on sets worked out by hand (Permenpan RB No. 14 of 2017)."""

from __future__ import annotations

from fractions import Fraction

from antre.survey import rules
from antre.survey.rules import ELEMENTS

# Eight respondents, the nine elements in the regulation's order (U1 persyaratan … U9 sarana).
EIGHT = [
    (4, 4, 3, 4, 3, 4, 4, 3, 4),  # 33
    (3, 3, 3, 4, 3, 3, 4, 3, 3),  # 29
    (4, 3, 2, 4, 3, 3, 4, 2, 3),  # 28
    (3, 3, 3, 4, 4, 4, 4, 3, 4),  # 32
    (2, 3, 2, 4, 3, 3, 3, 2, 3),  # 25
    (4, 4, 3, 4, 4, 4, 4, 3, 4),  # 34
    (3, 2, 2, 4, 3, 3, 3, 2, 2),  # 24
    (3, 4, 3, 4, 3, 3, 4, 3, 3),  # 30
]
# Column sums: U1 26, U2 26, U3 21, U4 32, U5 26, U6 27, U7 30, U8 21, U9 26 (= 235, as the rows).
# NRR = sum / 8: 3.25, 3.25, 2.625, 4.0, 3.25, 3.375, 3.75, 2.625, 3.25.
EIGHT_NRR = dict(
    zip(ELEMENTS, ("3.25", "3.25", "2.625", "4", "3.25", "3.375", "3.75", "2.625", "3.25"), strict=True)
)
# Weighted sum = Σ NRR / 9 = 235 / 72 = 3.26388…; IKM = 235 / 72 × 25 = 81.597… → 81.60: B, Baik
# (76.61–88.30). Per element × 25: U3 and U8 65.625 (C), U4 100 (A), U7 93.75 (A), U6 84.375 (B).
EIGHT_IKM, EIGHT_GRADE = 81.60, "B"

# Five respondents on C's lowest edge: 24 + 24 + 23 + 23 + 23 = 117 points of 45 answers.
FIVE = [
    (3, 3, 3, 3, 3, 3, 2, 2, 2),  # 24
    (3, 3, 3, 3, 3, 3, 2, 2, 2),  # 24
    (3, 3, 3, 3, 3, 2, 2, 2, 2),  # 23
    (3, 3, 3, 3, 3, 2, 2, 2, 2),  # 23
    (3, 3, 3, 3, 3, 2, 2, 2, 2),  # 23
]
# NRR: U1–U5 15/5 = 3.0, U6 12/5 = 2.4, U7–U9 10/5 = 2.0. Weighted sum = 117 / 45 = 2.6;
# IKM = 2.6 × 25 = 65.00 exactly: C, Kurang Baik (65.00–76.60), not D.
FIVE_IKM, FIVE_GRADE = 65.00, "C"


def rows(table):
    return [dict(zip(ELEMENTS, row, strict=True)) for row in table]


def test_each_elements_mean_is_worked_out_as_by_hand():
    means = rules.means_of(rows=rows(EIGHT))
    assert means == {element: Fraction(value) for element, value in EIGHT_NRR.items()}


def test_the_ikm_and_its_band_of_eight_respondents():
    means = rules.means_of(rows=rows(EIGHT))
    assert rules.weighted_sum(means=means) == Fraction(235, 72)
    assert rules.ikm(means=means) == EIGHT_IKM
    assert rules.band(value=rules.ikm(means=means)) == EIGHT_GRADE
    assert rules.LABELS_ID[EIGHT_GRADE] == "Baik"
    grades = {e: rules.element_band(mean=m) for e, m in means.items()}
    assert (grades["waktu"], grades["biaya"], grades["perilaku"], grades["kompetensi"]) == (
        "C",
        "A",
        "A",
        "B",
    )


def test_a_set_exactly_on_a_band_edge_is_in_the_band_above():
    means = rules.means_of(rows=rows(FIVE))
    assert rules.ikm(means=means) == FIVE_IKM
    assert rules.band(value=FIVE_IKM) == FIVE_GRADE


def test_the_bands_edges_at_two_decimals():
    assert [rules.band(value=v) for v in (100, 88.31, 88.30, 76.61, 76.60, 65.00, 64.99, 25)] == [
        "A", "A", "B", "B", "C", "C", "D", "D",
    ]  # fmt: skip
    assert rules.band(value=88.305) == "A"  # read at 2 decimals: 88.31
    assert rules.band(value=64.994) == "D"  # 64.99


def test_the_weight_rounded_to_0_111_would_move_the_edge_set_down_a_band():
    # 0.111 × 9 = 0.999: every IKM falls by 0.1 %. Eight: 29.375 × 0.111 × 25 = 81.515… → 81.52,
    # still B; five: 23.4 × 0.111 × 25 = 64.935 → 64.94, D instead of C.
    eight, five = rules.means_of(rows=rows(EIGHT)), rules.means_of(rows=rows(FIVE))
    assert rules.ikm(means=eight, weight=Fraction("0.111")) == 81.52
    assert rules.band(value=rules.ikm(means=eight, weight=Fraction("0.111"))) == "B"
    assert rules.ikm(means=five, weight=Fraction("0.111")) == 64.94
    assert rules.band(value=rules.ikm(means=five, weight=Fraction("0.111"))) == "D"
    nrr_edge = {element: Fraction("3.5324") for element in ELEMENTS}  # the lampiran's NRR edge of A
    assert (rules.ikm(means=nrr_edge), rules.ikm(means=nrr_edge, weight=Fraction("0.111"))) == (88.31, 88.22)


def test_krejcie_morgan_rows_of_the_table():
    for population, sample in ((10, 10), (100, 80), (300, 169), (1000, 278), (5000, 357), (1000000, 384)):
        assert rules.minimum_sample(population=population) == sample


def test_krejcie_morgan_between_rows_takes_the_next_row_up_and_above_the_top_its_last():
    assert rules.minimum_sample(population=101) == 86  # between 100 (80) and 110 (86)
    assert rules.minimum_sample(population=1001) == 285  # between 1000 and 1100
    assert rules.minimum_sample(population=2_500_000) == 384  # above the table
    assert rules.minimum_sample(population=7) == 7  # fewer than the first row: everyone
    assert rules.minimum_sample(population=0) == 0


def test_the_scrubber_hides_nik_phones_and_email_and_keeps_the_words():
    text = "NIK saya 5102011203850001, hubungi 0812-3456-7890 atau +62 812 3456 7890 / ketut@mail.id. Antre cepat."
    clean = rules.scrub(text=text)
    for secret in ("5102011203850001", "3456-7890", "3456 7890", "ketut@mail.id"):
        assert secret not in clean
    assert clean.startswith("NIK saya 5102•••, hubungi 0812•••")
    assert clean.endswith("Antre cepat.")
    assert rules.scrub(text="Loket 3 ramah, antre 15 menit.") == "Loket 3 ramah, antre 15 menit."
