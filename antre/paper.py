"""What every file the office downloads needs: spreadsheet cells that stay text, and text that the
built-in PDF fonts (Latin-1) can print."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The built-in PDF fonts are Latin-1: dashes, quotes, bullets and the like get stand-ins; letters
# outside Latin-1 become "?".
_STANDINS: dict[str, str | int | None] = {
    "—": "-", "–": "-", "“": '"', "”": '"', "’": "'", "…": "...", "•": "*", "×": "x",
}  # fmt: skip


def safe(value):
    """A cell a spreadsheet shows as typed: text that a spreadsheet would read as a formula (a
    service named "=HYPERLINK(…)" in the admin) gets a leading apostrophe. Numbers pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def latin(text: str) -> str:
    return text.translate(str.maketrans(_STANDINS)).encode("latin-1", "replace").decode("latin-1")
