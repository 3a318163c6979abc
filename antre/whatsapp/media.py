"""Fetching a document a citizen sent on WhatsApp: the media id gives a URL, the URL gives the bytes."""

from __future__ import annotations

import httpx
from django.conf import settings

MAX_BYTES = 5 * 1024 * 1024


class MediaError(Exception):
    pass


def download(media_id: str) -> bytes:
    config = settings.WHATSAPP
    if not config["token"]:
        raise MediaError("ANTRE_WHATSAPP_TOKEN is not set")
    headers = {"Authorization": f"Bearer {config['token']}"}
    try:
        with httpx.Client(timeout=15) as client:
            meta = client.get(f"{config['api_base']}/{media_id}", headers=headers)
            meta.raise_for_status()
            url = meta.json()["url"]
            if int(meta.json().get("file_size", 0)) > MAX_BYTES:
                raise MediaError("too large")
            data = client.get(url, headers=headers)
            data.raise_for_status()
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        raise MediaError(str(exc)) from exc
    return data.content[: MAX_BYTES + 1]
