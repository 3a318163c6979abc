"""One message to the Cloud API, without the database: the outbox's sending threads run this."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import httpx
from django.conf import settings

from antre.applications.storage import transit

log = logging.getLogger(__name__)

# Meta's error codes for its limits (build on `code`, as its error reference advises; the HTTP status
# may be 400 or 429). Too fast for the number: the number waits. Too many to one citizen in a short
# time (the pair rate limit): only the messages to that citizen wait, the number goes on.
NUMBER_LIMITS = {4, 80007, 130429}
PAIR_LIMITS = {131056}


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: sent (with WhatsApp's id), to retry (after `wait` seconds, when the
    provider said), refused for good, or held back unsent because its number was paused meanwhile."""

    kind: str  # "sent", "retry", "refused", "held"
    provider_id: str = ""
    error: str = ""
    wait: int | None = None
    status: int = 0
    limit: str = ""  # "number" or "pair": which of WhatsApp's limits a throttled attempt hit

    @property
    def pauses_number(self) -> bool:
        return self.limit == "number"


def document_of(body: dict) -> dict:
    """The document part of an officer's document message ({} for any other message)."""
    return body.get("document", {}) if body.get("type") == "document" else {}


def attachment(body: dict) -> bytes | None:
    """The file an officer's document message carries, read before sending (in the sender's own
    thread, which holds its database connection): from the shared storage, or the data dir for a
    message queued before it."""
    document = document_of(body)
    try:
        if "stored" in document:
            with transit().open(document["stored"]) as stored:
                return stored.read()
        if "local_path" in document:
            return (Path(settings.DATA_DIR) / document["local_path"]).read_bytes()
    except OSError:
        return b""  # gone: the upload fails, the message is tried again and then failed, never stuck
    return None


def post(
    client: httpx.Client, config: dict, phone_number_id: str, to: str, body: dict, file: bytes | None = None
) -> Outcome:
    """Send one message (with its attachment's bytes, when it has one); never raises."""
    url = f"{config['api_base']}/{phone_number_id}/messages"
    headers = {"Authorization": f"Bearer {config['token']}"}
    try:
        if file is not None:
            body = _uploaded(client, config, phone_number_id, body["document"], file, headers)
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **body}
        response = client.post(url, json=payload, headers=headers)
    except httpx.HTTPError as exc:
        return Outcome("retry", error=f"network: {exc}")
    except Exception as exc:  # a missing attachment, an odd answer: retried, then failed, never stuck
        log.warning("sending a WhatsApp message failed: %s", type(exc).__name__)
        return Outcome("retry", error=type(exc).__name__)
    if response.status_code == 200:
        try:
            provider_id = response.json()["messages"][0]["id"]
        except (ValueError, KeyError, IndexError, TypeError):
            provider_id = ""
        return Outcome("sent", provider_id=provider_id, status=200)
    limit = _limit_hit(response)
    if limit or response.status_code >= 500:
        wait = response.headers.get("Retry-After", "")
        return Outcome(
            "retry",
            error=f"HTTP {response.status_code}" + (f" ({limit} limit)" if limit else ""),
            wait=int(wait) if wait.isdecimal() else None,
            status=response.status_code,
            limit=limit,
        )
    return Outcome(
        "refused", error=f"HTTP {response.status_code}: {response.text[:250]}", status=response.status_code
    )


def _limit_hit(response: httpx.Response) -> str:
    """ "number", "pair" or "" (no limit): from the error's code, else a bare 429 is the number's."""
    if response.status_code not in (400, 429):
        return ""
    try:
        code = int(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        code = None
    if code in PAIR_LIMITS:
        return "pair"
    if code in NUMBER_LIMITS or response.status_code == 429:
        return "number"
    return ""


def _uploaded(
    client: httpx.Client, config: dict, phone_number_id: str, document: dict, file: bytes, headers: dict
) -> dict:
    """An officer's document goes up to the Cloud API's media endpoint first; the message names its id."""
    if not file:
        raise FileNotFoundError("the attachment is gone")
    response = client.post(
        f"{config['api_base']}/{phone_number_id}/media",
        headers=headers,
        data={"messaging_product": "whatsapp", "type": document["mime_type"]},
        files={"file": (document["filename"], file, document["mime_type"])},
    )
    response.raise_for_status()
    return {"type": "document", "document": {"id": response.json()["id"], "filename": document["filename"]}}
