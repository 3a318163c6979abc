"""One message to the Cloud API, without the database: the outbox's sending threads run this."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import httpx
from django.conf import settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: sent (with WhatsApp's id), to retry (after `wait` seconds, when the
    provider said), refused for good, or held back unsent because its number was paused meanwhile."""

    kind: str  # "sent", "retry", "refused", "held"
    provider_id: str = ""
    error: str = ""
    wait: int | None = None
    status: int = 0


def post(client: httpx.Client, config: dict, phone_number_id: str, to: str, body: dict) -> Outcome:
    """Send one message; never raises."""
    url = f"{config['api_base']}/{phone_number_id}/messages"
    headers = {"Authorization": f"Bearer {config['token']}"}
    try:
        if body.get("type") == "document" and "local_path" in body.get("document", {}):
            body = _uploaded(client, config, phone_number_id, body["document"], headers)
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
    if response.status_code == 429 or response.status_code >= 500:
        wait = response.headers.get("Retry-After", "")
        return Outcome(
            "retry",
            error=f"HTTP {response.status_code}",
            wait=int(wait) if wait.isdecimal() else None,
            status=response.status_code,
        )
    return Outcome(
        "refused", error=f"HTTP {response.status_code}: {response.text[:250]}", status=response.status_code
    )


def _uploaded(
    client: httpx.Client, config: dict, phone_number_id: str, document: dict, headers: dict
) -> dict:
    """An officer's document goes up to the Cloud API's media endpoint first; the message names its id."""
    path = Path(settings.DATA_DIR) / document["local_path"]
    response = client.post(
        f"{config['api_base']}/{phone_number_id}/media",
        headers=headers,
        data={"messaging_product": "whatsapp", "type": document["mime_type"]},
        files={"file": (document["filename"], path.read_bytes(), document["mime_type"])},
    )
    response.raise_for_status()
    return {"type": "document", "document": {"id": response.json()["id"], "filename": document["filename"]}}
