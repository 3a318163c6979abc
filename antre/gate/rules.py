"""Gate rules: fever, capacity, invitations. Pure functions, no Django."""

from __future__ import annotations

from decimal import Decimal

TEMPERATURE_RANGE = (Decimal("30.0"), Decimal("45.0"))  # outside it, the thermometer was misread


def has_fever(*, temperature_c: Decimal, threshold_c: Decimal) -> bool:
    return temperature_c >= threshold_c


def plausible_temperature(temperature_c: Decimal) -> bool:
    low, high = TEMPERATURE_RANGE
    return low <= temperature_c <= high


def may_admit(*, inside: int, capacity: int, reserved: int) -> bool:
    """Room for one more: places held for invited citizens count as taken for everyone else."""
    return inside + reserved < capacity


def invitations_to_send(*, inside: int, capacity: int, held: int) -> int:
    """New invitations that fit: places held (invited, or stepped out a moment ago) count as taken."""
    return max(capacity - inside - held, 0)
