"""The password policy's own validators (settings.AUTH_PASSWORD_VALIDATORS): a password is not made
of its owner's name, role or office, and is not one that breaches have made common."""

from __future__ import annotations

import functools
import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from antre.people.models import Role

# Shorter words ("ani", "loket"'s "lo") would refuse half of all passphrases for a syllable.
SHORTEST_WORD = 4


def _letters(text: str) -> str:
    """Lower-case letters and digits only: 'Tabanan-2026!' and 'tabanan2026' are the same password."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _words(*texts: str) -> set[str]:
    found: set[str] = set()
    for text in texts:
        found.update(word for word in re.split(r"[^0-9a-z]+", text.lower()) if len(word) >= SHORTEST_WORD)
        whole = _letters(text)
        if len(whole) >= SHORTEST_WORD:
            found.add(whole)
    return found


def owner_words(user) -> set[str]:
    """What a password must not be made of: the user's username and names, their role (code and
    name), their office's name and address slug."""
    texts = [user.username or "", user.first_name or "", user.last_name or ""]
    if user.role:
        texts.append(user.role)
        if user.role in Role.values:
            label = Role(user.role).label
            texts.append(str(label))  # in the screen's language, and in Indonesian
            with translation.override("id"):
                texts.append(str(label))
    office = getattr(user, "office", None)
    if office is not None:
        texts += [office.name, office.slug]
    return _words(*texts)


class NotAboutItsOwner:
    """Refuses a password that contains its owner's username, name, role or office."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        flat = _letters(password)
        if any(word in flat for word in owner_words(user)):
            raise ValidationError(
                _("Kata sandi tidak boleh memuat nama pengguna, nama, peran, atau kantor Anda."),
                code="password_about_owner",
            )

    def get_help_text(self) -> str:
        return _("Kata sandi tidak boleh memuat nama pengguna, nama, peran, atau kantor Anda.")


@functools.cache
def breached() -> frozenset[str]:
    """Passwords seen over and over in breaches: zxcvbn's list (30,000, from leaked password sets)
    and Django's own (20,000), lower-cased."""
    words = set(FREQUENCY_LISTS["passwords"])
    words.update(CommonPasswordValidator().passwords)
    return frozenset(word.lower() for word in words)


@functools.cache
def _longest(words: frozenset[str]) -> int:
    return max(map(len, words))


def _stem(password: str) -> str:
    """The password without the digits and signs tacked on its ends ('Dragon2024!' -> 'dragon')."""
    return re.sub(r"^[^a-z]+|[^a-z]+$", "", password.lower())


def _mostly_listed(password: str, words: frozenset[str]) -> bool:
    """A listed password makes up two thirds or more of it ('1234567890ab', 'qwertyuiop123')."""
    lowered = password.lower()
    shortest = max(SHORTEST_WORD, -(-2 * len(lowered) // 3))
    longest = min(len(lowered), _longest(words))  # a long password is not even looked through
    return any(
        lowered[start : start + length] in words
        for length in range(shortest, longest + 1)
        for start in range(len(lowered) - length + 1)
    )


class NotBreached:
    """Refuses a password on the breached list, also with digits or signs added before or after."""

    def validate(self, password: str, user=None) -> None:
        words = breached()
        stem = _stem(password)
        if _mostly_listed(password, words) or (len(stem) >= SHORTEST_WORD and stem in words):
            raise ValidationError(
                _("Kata sandi ini terlalu umum: sudah ada di daftar kata sandi yang bocor. Pilih yang lain."),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Kata sandi tidak boleh yang umum dipakai atau pernah bocor.")
