"""The action server's one client of the case API (async, with timeouts, through the outbox)."""
from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Optional

import httpx

from actions.outbox import Entry, Outbox
from actions.settings import Settings, settings as default_settings

logger = logging.getLogger(__name__)


class CaseApiUnavailable(Exception):
    """The case API did not accept the request now; the outbox will try again."""


class CaseApiRejected(Exception):
    """The case API refused the request for good (4xx): retrying cannot help."""


@dataclass
class Delivery:
    key: str
    delivered: bool
    result: Optional[Dict[str, Any]] = None


_PATHS = {"intake": "/api/intakes", "erasure": "/api/erasure", "review_item": "/api/review-items"}


class CaseApi:
    def __init__(self, config: Settings = default_settings, transport: Optional[httpx.AsyncBaseTransport] = None):
        self.settings = config
        self.outbox = Outbox(config.outbox_path)
        self._transport = transport
        self._client: Optional[httpx.AsyncClient] = None
        self._flush_lock: Optional[asyncio.Lock] = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(
                base_url=self.settings.api_url,
                timeout=self.settings.api_timeout_seconds,
                headers={"Authorization": f"Bearer {self.settings.bot_token}"},
                transport=self._transport,
            )
        return self._client

    async def _send(self, entry: Entry) -> Dict[str, Any]:
        try:
            response = await self.client.post(
                _PATHS[entry.kind], json=entry.body, headers={"Idempotency-Key": entry.key}
            )
        except httpx.HTTPError as error:
            raise CaseApiUnavailable(f"{type(error).__name__}") from error
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise CaseApiUnavailable(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise CaseApiRejected(f"HTTP {response.status_code}: {response.text[:300]}")
        return response.json()

    async def deliver(self, kind: str, body: Dict[str, Any], key: Optional[str] = None) -> Delivery:
        """Store durably, then try once now. Delivered or not, nothing is lost."""
        key = key or str(uuid.uuid4())
        self.outbox.put(key, kind, body)
        entry = Entry(key, kind, body, 0)
        try:
            result = await self._send(entry)
        except CaseApiUnavailable as error:
            logger.warning("case API unavailable (%s); %s %s stays in the outbox", error, kind, key)
            self.outbox.mark_failed(key, str(error))
            return Delivery(key, False)
        except CaseApiRejected as error:
            # A rejected intake is a bug on our side: keep it for an operator, never drop it.
            logger.error("case API rejected %s %s: %s", kind, key, error)
            self.outbox.mark_failed(key, str(error))
            return Delivery(key, False)
        self.outbox.mark_delivered(key, result)
        return Delivery(key, True, result)

    async def flush(self) -> int:
        """Send what is waiting, oldest first; stop at the first sign the API is still down."""
        if self._flush_lock is None:
            self._flush_lock = asyncio.Lock()
        delivered = 0
        async with self._flush_lock:
            for entry in self.outbox.pending():
                try:
                    result = await self._send(entry)
                except CaseApiUnavailable as error:
                    self.outbox.mark_failed(entry.key, str(error))
                    break
                except CaseApiRejected as error:
                    self.outbox.mark_failed(entry.key, str(error))
                    continue
                self.outbox.mark_delivered(entry.key, result)
                delivered += 1
        return delivered

    async def run_forever(self) -> None:
        while True:
            try:
                await self.flush()
            except Exception:  # the loop must outlive any single bad entry
                logger.exception("outbox flush failed")
            await asyncio.sleep(self.settings.outbox_retry_seconds)


_instance: Optional[CaseApi] = None


def case_api() -> CaseApi:
    global _instance
    if _instance is None:
        _instance = CaseApi()
    return _instance
