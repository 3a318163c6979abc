"""The public satisfaction survey's arithmetic (Permenpan RB No. 14 of 2017), as pure functions. No Django.

How the figures are worked out, as the regulation's lampiran describes them:

- Each of the nine elements (unsur) is answered 1–4. Its NRR (nilai rata-rata) is the mean of its
  answers.
- Each element weighs the same: 1 / the number of elements. The regulation writes the weight for
  nine elements as 0,11 (often reproduced as 0,111); here it is exactly 1/9, so the weighted sum is
  the plain mean of the nine NRRs. Rounding the weight to 0.111 lowers every IKM by 0.1 % (the
  nine weights add up to 0.999): on the tests' sets (tests/test_rules.py) the set on C's lowest
  edge (5 respondents, 117 points: IKM 65.00, C) falls to 64.94, D, and NRRs of 3.5324 give 88.22,
  B, instead of 88.31, A. So the band does change on a set near an edge.
- IKM (the converted value) = the weighted sum × 25, from 25.00 to 100.00.
- The band (mutu pelayanan, kinerja unit pelayanan) is read on the IKM rounded to 2 decimals:
  88.31–100.00 A Sangat Baik, 76.61–88.30 B Baik, 65.00–76.60 C Kurang Baik, 25.00–64.99 D Tidak
  Baik. The lampiran's NRR intervals (1.00–2.5996, 2.60–3.064, 3.0644–3.532, 3.5324–4.00) are the
  same edges divided by 25. Checked against a reproduction of the lampiran's table (BPPP Tegal's
  2024 performance book, fliphtml5.com/reidny/aaer/BUKU_KINERJA_BLU_BPPP_TEGAL_2024_Final_14_08_24/64):
  the same figures, except that it prints C's top as 76,66, which overlaps B's 76,61 and is read
  here as a misprint of 76,60.
- The minimum sample for a population is read from Krejcie and Morgan's table (1970), which the
  regulation cites: the row of the population, or the next row up when it falls between rows; above
  the last row (1,000,000) its sample, 384. The rows were checked against a reproduction of the
  table (sindopos.com/2022/08/cara-menghitung-sampel-dengan-rumus.html) where it shows them.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

ELEMENTS = (
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "kompetensi",
    "perilaku",
    "pengaduan",
    "sarana",
)
WEIGHT = Fraction(1, len(ELEMENTS))  # the regulation's 0,11: exactly 1/9, see the module's docstring
SCALE = 25  # an NRR of 1–4 becomes an IKM of 25–100
LOWEST, HIGHEST = 1, 4


@dataclass(frozen=True)
class Band:
    grade: str  # mutu pelayanan: A–D
    lowest: float  # the band's lowest IKM, at 2 decimals


# Highest first: the first band whose lowest value the IKM reaches.
BANDS = (Band("A", 88.31), Band("B", 76.61), Band("C", 65.00), Band("D", 25.00))


def nrr(*, total: int, count: int) -> Fraction | None:
    """One element's mean (NRR per unsur) from the sum and the number of its answers (1–4), exact;
    None when nobody answered."""
    if count <= 0:
        return None
    return Fraction(total, count)


def means_of(*, rows: Sequence[Mapping[str, int]]) -> dict[str, Fraction | None]:
    """Each element's NRR over respondents' answers (one mapping of element -> 1–4 per respondent)."""
    return {e: nrr(total=sum(row[e] for row in rows), count=len(rows)) for e in ELEMENTS}


Mean = Fraction | float


def weighted_sum(*, means: Mapping[str, Mean | None], weight: Mean = WEIGHT) -> Fraction:
    """Σ NRR × weight over the nine elements (the "NRR tertimbang" summed), exact."""
    return sum((Fraction(means[e] or 0) * Fraction(weight) for e in ELEMENTS), Fraction(0))


def ikm(*, means: Mapping[str, Mean | None], weight: Mean = WEIGHT) -> float:
    """The index on 25–100, rounded to 2 decimals as the band is read on it."""
    return _round2(weighted_sum(means=means, weight=weight) * SCALE)


def _round2(value: Fraction) -> float:
    """Half up at 2 decimals, as people round on paper (float's round() goes half to even)."""
    return float(Fraction(math.floor(value * 100 + Fraction(1, 2)), 100))


def band(*, value: Mean) -> str:
    """The grade (A–D) of an IKM, read on the value at 2 decimals."""
    value = _round2(Fraction(value))
    for candidate in BANDS:
        if value >= candidate.lowest:
            return candidate.grade
    return BANDS[-1].grade


def element_band(*, mean: Mean) -> str:
    """The grade of one element's NRR: its mean on the same 25–100 scale."""
    return band(value=Fraction(mean) * SCALE)


# Krejcie & Morgan (1970), table 1: population N -> sample S.
KREJCIE_MORGAN = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44),
    (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76),
    (100, 80), (110, 86), (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118),
    (180, 123), (190, 127), (200, 132), (210, 136), (220, 140), (230, 144), (240, 148), (250, 152),
    (260, 155), (270, 159), (280, 162), (290, 165), (300, 169), (320, 175), (340, 181), (360, 186),
    (380, 191), (400, 196), (420, 201), (440, 205), (460, 210), (480, 214), (500, 217), (550, 226),
    (600, 234), (650, 242), (700, 248), (750, 254), (800, 260), (850, 265), (900, 269), (950, 274),
    (1000, 278), (1100, 285), (1200, 291), (1300, 297), (1400, 302), (1500, 306), (1600, 310),
    (1700, 313), (1800, 317), (1900, 320), (2000, 322), (2200, 327), (2400, 331), (2600, 335),
    (2800, 338), (3000, 341), (3500, 346), (4000, 351), (4500, 354), (5000, 357), (6000, 361),
    (7000, 364), (8000, 367), (9000, 368), (10000, 370), (15000, 375), (20000, 377), (30000, 379),
    (40000, 380), (50000, 381), (75000, 382), (1000000, 384),
)  # fmt: skip
_POPULATIONS = [n for n, _s in KREJCIE_MORGAN]


def minimum_sample(*, population: int) -> int:
    """The least number of respondents for `population` people served: the table's row, the next
    row up between rows, the last row's sample above the table; never more than the population."""
    if population <= 0:
        return 0
    at = bisect.bisect_left(_POPULATIONS, population)
    sample = KREJCIE_MORGAN[min(at, len(KREJCIE_MORGAN) - 1)][1]
    return min(sample, population)


# Personal data in a free-text suggestion. Names cannot be told from other words reliably, so
# they stay: the page says so.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NIK = re.compile(r"(?<!\d)\d(?:[\s.\-]?\d){15}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)[\s.\-]?8(?:[\s.\-]?\d){6,12}(?!\d)")
MASK = "•••"


def scrub(*, text: str) -> str:
    """The text with e-mail addresses, NIK-like 16-digit numbers and Indonesian mobile numbers
    (08…, +62 8…, 62 8…) hidden; the first digits of a number stay, to show what was there."""
    text = _EMAIL.sub(MASK + "@" + MASK, text)
    text = _NIK.sub(lambda m: _keep_start(m.group(0), 4), text)
    return _PHONE.sub(lambda m: _keep_start(m.group(0), 4), text)


def _keep_start(found: str, digits: int) -> str:
    kept, seen = [], 0
    for ch in found:
        if seen >= digits:
            break
        kept.append(ch)
        seen += ch.isdigit()
    return "".join(kept) + MASK


LABELS_ID = {"A": "Sangat Baik", "B": "Baik", "C": "Kurang Baik", "D": "Tidak Baik"}  # kinerja unit pelayanan
