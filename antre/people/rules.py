"""Rules about people's data: NIK structure, names, phone numbers, masking. Pure functions, no Django."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import lokal.phone

_NIK_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class NikCheck:
    """Outcome of checking a NIK: the 16 digits, or errors; warnings never block."""

    nik: str | None
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    gender: str | None = None  # "L" or "P"
    birth_date: dt.date | None = None
    region_code: str | None = field(default=None)  # "51.02.01"

    @property
    def valid(self) -> bool:
        return not self.errors


def check_nik(
    raw: str, *, today: dt.date, region_name: Callable[[str], str | None] | None = None
) -> NikCheck:
    """Check a NIK by structure: PP KK CC DDMMYY SSSS, day + 40 for women, serial 0001-9999.

    Error codes: ``format``, ``region``, ``birth_date``, ``serial``. Warning: ``region_unknown``
    (codes change after a regency splits, and a NIK keeps the code it was issued with).
    """
    digits = _NIK_SEPARATORS.sub("", raw or "")
    if not (len(digits) == 16 and digits.isascii() and digits.isdigit()):
        return NikCheck(nik=None, errors=("format",))
    errors: list[str] = []
    warnings: list[str] = []
    province, regency, district = digits[0:2], digits[2:4], digits[4:6]
    if "00" in (province, regency, district) or province < "11":
        errors.append("region")
    region_code = f"{province}.{regency}.{district}"
    if not errors and region_name is not None and not region_name(region_code):
        warnings.append("region_unknown")

    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    gender = "P" if day > 40 else "L"
    if day > 40:
        day -= 40
    birth = _birth_date(day=day, month=month, yy=yy, today=today)
    if birth is None:
        errors.append("birth_date")
    if digits[12:] == "0000":
        errors.append("serial")
    return NikCheck(
        nik=digits,
        errors=tuple(errors),
        warnings=tuple(warnings),
        gender=gender if birth else None,
        birth_date=birth,
        region_code=region_code,
    )


def _birth_date(*, day: int, month: int, yy: int, today: dt.date) -> dt.date | None:
    """The latest real date with these two-digit-year parts that is not after today."""
    for century in (2000, 1900):
        try:
            born = dt.date(century + yy, month, day)
        except ValueError:
            return None
        if born <= today:
            return born
    return None


_SPACES = re.compile(r"\s+")
_NAME_ALLOWED = re.compile(r"^[^\W\d_]+(?:[ .,'\-][^\W\d_]*)*\.?$")
NAME_MAX = 100
# The longest input taken as typed, before it is normalised: a NIK with spaces or dots between its
# groups ("51.02.01.120385.0001"), a phone number with its country code and separators.
NIK_TYPED_MAX = 24
PHONE_TYPED_MAX = 20


def normalize_name(raw: str) -> str | None:
    """A name with single spaces and sensible capitals, or None when it is not a person's name."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _SPACES.sub(" ", text).strip(" ,.-'")
    if len(text) < 2 or len(text) > NAME_MAX or not _NAME_ALLOWED.match(text):
        return None
    if text.isupper() or text.islower():
        # Typed in one case on a phone or copied from a KTP: make it readable on screens.
        text = " ".join(_capitalize(word) for word in text.split(" "))
    return text


def _capitalize(word: str) -> str:
    # title(), not upper(): "ß".upper() is "SS", which a second reading would make "Ss".
    return "-".join(part[:1].title() + part[1:].lower() for part in word.split("-"))


# Balinese and common Indonesian name prefixes (gender, caste titles, birth order). They say little about
# who someone is, so a shortened name keeps them whole and abbreviates what follows.
_PREFIXES = frozenset(
    # fmt: off
    [
        "i",
        "ni",
        "ida",
        "ayu",
        "bagus",
        "anak",
        "agung",
        "gusti",
        "ngurah",
        "dewa",
        "desak",
        "cokorda",
        "sang",
        "putu",
        "gede",
        "wayan",
        "luh",
        "kadek",
        "made",
        "nengah",
        "komang",
        "nyoman",
        "ketut",
    ]
    # fmt: on
)


def short_name(name: str) -> str:
    """Name for screens and announcements: up to two leading prefixes (or the first name), then one initial.

    "Ni Made Sari Dewi" -> "Ni Made S."; "Ni Luh Putu Ayu" -> "Ni Luh P."; "Budi Santoso" -> "Budi S.".
    """
    words = name.split()
    if not words:
        return ""
    kept: list[str] = []
    rest = list(words)
    # At most two leading prefixes in full: "Ni Luh Putu Ayu" must not be shown whole.
    while rest and len(kept) < 2 and rest[0].lower().strip(".") in _PREFIXES:
        kept.append(rest.pop(0))
    if not kept and rest:
        kept.append(rest.pop(0))
    if rest:
        kept.append(rest[0][0].upper() + ".")
    elif len(kept) > 1:
        kept[-1] = kept[-1][0].upper() + "."  # "Komang Ayu" -> "Komang A.": never the whole name
    return " ".join(kept)


def normalize_phone(raw: str) -> str | None:
    """An Indonesian phone number in E.164 (+62...), or None when it cannot be one."""
    info = lokal.phone.parse_phone(raw or "")
    if not info.valid or not info.e164:
        return None
    return info.e164


def mask_nik(nik: str) -> str:
    """NIK for logs and lists: region visible, the rest hidden ("5102**********01")."""
    if not nik:
        return ""
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:]


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    return phone[:5] + "*" * max(len(phone) - 8, 0) + phone[-3:]
