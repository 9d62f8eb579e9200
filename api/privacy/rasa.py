"""Removing a conversation from the Rasa tracker store when its person's data is erased."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from api.settings import Settings

log = logging.getLogger("wegweiser.api.privacy")


@dataclass(frozen=True)
class TrackerDeletion:
    status: str  # "deleted", "not_found", "not_configured" or "failed"
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"


class RasaTrackers:
    """One HTTP client for the Rasa server; a failure is reported, never raised."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = settings.rasa_url.rstrip("/")
        self.token = settings.rasa_token.get_secret_value()
        self.timeout = settings.rasa_timeout_seconds
        self.transport = transport

    @property
    def configured(self) -> bool:
        return bool(self.base_url)

    def delete(self, conversation_id: str) -> TrackerDeletion:
        if not self.configured:
            return TrackerDeletion("not_configured")
        # Rasa's own HTTP API cannot delete a conversation; bot/channels/erasure.py adds this route.
        url = f"{self.base_url}/webhooks/erasure/conversations/{quote(conversation_id, safe='')}"
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.delete(url, headers=headers)
        except httpx.HTTPError as exc:
            log.warning("Rasa tracker deletion failed: %s", type(exc).__name__)
            return TrackerDeletion("failed", f"Rasa server not reachable ({type(exc).__name__})")
        if response.status_code in (200, 202, 204):
            return TrackerDeletion("deleted")
        if response.status_code == 404:
            return TrackerDeletion("not_found")
        log.warning("Rasa tracker deletion failed: HTTP %s", response.status_code)
        return TrackerDeletion("failed", f"Rasa server answered HTTP {response.status_code}")
