"""Proof of work for booking, switched on when booking from one source looks abnormal.

A citizen's phone solves it unseen (static/antre/proof.js, in a Web Worker): about a second of
hashing, nothing to read or tap. A script that books hundreds of places pays it on every booking.
It is asked for only when an address has booked more than ADDRESS_PER_HOUR times in the hour, or
a service more than its burst in ten minutes (a day's places going abnormally fast; the check then
stays on for that service for six hours), so an ordinary booking never waits for it. No
third-party service: SHA-256 and an HMAC, from the standard library.

A challenge is `{algorithm, salt, difficulty, signature}`; the salt carries its expiry and the
signature (an HMAC with the secret key) proves the server made it, so nothing is stored until it is
used. A proof is "salt:difficulty:signature:nonce" where SHA-256("salt:nonce") starts with
`difficulty` zero bits; each salt is accepted once (counted with the rate limits' counters).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from antre import ratelimit
from antre.errors import Refusal

DIFFICULTY = 17  # zero bits: ~130 000 hashes on average, about a second in a phone's browser
TTL = 600  # seconds a challenge stays good: a citizen may take a while to fill the form in
ADDRESS_PER_HOUR = 10  # bookings from one address in an hour before it must prove work
SERVICE_BURST_WINDOW = 600
ALARM = 6 * 3600  # how long a service stays under the check after a burst
HEADER = "Antre-Proof"  # the API's request header carrying a proof


def _sign(salt: str, difficulty: int) -> str:
    message = f"proof-of-work:{salt}:{difficulty}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def challenge(*, difficulty: int | None = None) -> dict[str, Any]:
    """A new challenge, good for TTL seconds."""
    difficulty = difficulty or DIFFICULTY
    salt = f"{secrets.token_hex(12)}.{int(time.time()) + TTL}"
    return {
        "algorithm": "SHA-256",
        "salt": salt,
        "difficulty": difficulty,
        "signature": _sign(salt, difficulty),
    }


def _leading_zero_bits(digest: bytes, bits: int) -> bool:
    return int.from_bytes(digest, "big") >> (len(digest) * 8 - bits) == 0


def solve(task: dict[str, Any]) -> str:
    """The proof for a challenge, as a client computes it (tests, the attack bench, the docs)."""
    salt, bits = task["salt"], int(task["difficulty"])
    nonce = 0
    while not _leading_zero_bits(hashlib.sha256(f"{salt}:{nonce}".encode()).digest(), bits):
        nonce += 1
    return f"{salt}:{bits}:{task['signature']}:{nonce}"


def valid(proof: str) -> bool:
    """Whether a proof answers a challenge this server made, in time, and has not been used."""
    try:
        salt, bits_text, signature, nonce = proof.strip().split(":")
        bits = int(bits_text)
        expires = int(salt.rsplit(".", 1)[1])
    except (ValueError, IndexError, AttributeError):
        return False
    if bits < DIFFICULTY or len(proof) > 200 or not hmac.compare_digest(signature, _sign(salt, bits)):
        return False
    if expires < time.time():
        return False
    if not _leading_zero_bits(hashlib.sha256(f"{salt}:{nonce}".encode()).digest(), bits):
        return False
    return ratelimit.count(f"proof:{salt}", expires=expires) <= 1  # once only


def service_burst(quota: int) -> int:
    """Bookings of one service in ten minutes past which its places are going abnormally fast: a
    quarter of a day's quota (at least 10), where citizens book a few days' worth in a day."""
    return max(10, quota // 4)


def require(request: HttpRequest, *, service_key: str, quota: int, proof: str | None) -> None:
    """Count this citizen's booking and, when its address or its service looks abnormal, refuse it
    (428 `proof_required`, with a new challenge) unless it carries a valid proof."""
    if not settings.RATELIMIT_ENABLED:
        return
    address = ratelimit.client_address(request)
    now = int(time.time())
    hour = now - now % 3600
    burst = now - now % SERVICE_BURST_WINDOW
    # A burst keeps the check on for ALARM seconds: a script pausing between bursts gains nothing.
    alarm = f"pow-alarm:{service_key}"
    # One round trip (PostgreSQL): the alarm is read as it was before this request, which is all
    # that matters: this request sets it only when its own service count is over anyway.
    (by_address, by_service), (alarmed,) = ratelimit.count_many(
        [
            (f"pow-address:{address}:{hour}", hour + 3600),
            (f"pow-service:{service_key}:{burst}", burst + SERVICE_BURST_WINDOW),
        ],
        [alarm],
    )
    if by_service > service_burst(quota):
        ratelimit.count(alarm, expires=now + ALARM)
    if by_address <= ADDRESS_PER_HOUR and by_service <= service_burst(quota) and not alarmed:
        return
    if proof and valid(proof):
        return
    raise Refusal(
        "proof_required",
        _(
            "Banyak pendaftaran sedang masuk, jadi perangkat Anda perlu menyelesaikan pemeriksaan "
            "otomatis sebentar. Bila halaman ini tidak bisa menyelesaikannya, aktifkan JavaScript dan "
            "kirim lagi, atau datang langsung ke kantor."
        ),
        status=428,
        extra={"challenge": challenge()},
    )
