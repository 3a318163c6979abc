"""English is the second language: every message in the catalogue has its English, none fuzzy."""

from __future__ import annotations

import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if re.search(r"^msgid ", block, re.M)]


def test_every_message_has_its_english_and_none_is_fuzzy():
    untranslated, fuzzy = [], []
    for block in entries(CATALOGUE.read_text(encoding="utf-8"))[1:]:  # [0] is the header
        msgid = " ".join(re.findall(r'^(?:msgid )?"(.*)"$', block.split("msgstr")[0], re.M))
        if re.search(r"^#,.*\bfuzzy\b", block, re.M):
            fuzzy.append(msgid)
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        if any(not (first or rest.strip()) for first, rest in strings):
            untranslated.append(msgid)
    assert untranslated == [], "no English yet (make messages, then translate)"
    assert fuzzy == [], "guessed by gettext, to check"
