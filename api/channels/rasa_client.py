"""The one client of Rasa's REST channel and conversation API used by every bridge.

Rasa answers a message within one HTTP request. When it is down, failing or slower than the
timeout, `RasaUnavailable` says so; `maybe_processed` tells a caller that Rasa may have handled
the message anyway (it was sent, the answer did not come back in time), so a retry must first
look in the conversation (`replies_to`) rather than send the message twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

log = logging.getLogger("wegweiser.channels.rasa")

REST_WEBHOOK = "/webhooks/rest/webhook"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Turn:
    """One line of a transcript: what the person wrote (as shown to them) or what the bot said."""

    sender: str  # "person" or "bot"
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)


class RasaUnavailable(Exception):
    def __init__(self, reason: str, *, maybe_processed: bool = False):
        super().__init__(reason)
        self.maybe_processed = maybe_processed


def _bot_messages(items: list[dict[str, Any]]) -> list[BotMessage]:
    messages = []
    for item in items:
        buttons = tuple(
            Button(str(b.get("title") or b.get("payload")), str(b["payload"]))
            for b in item.get("buttons") or []
            if b.get("payload")
        )
        text = item.get("text") or ""
        if text or buttons:
            messages.append(BotMessage(text, buttons))
    return messages


def _buttons_of_bot_event(event: dict[str, Any]) -> list[dict[str, Any]]:
    return ((event.get("data") or {}).get("buttons")) or []


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout: float, transport: httpx.AsyncBaseTransport | None = None):
        self.configured = bool(base_url)
        self._token = token
        self._client = httpx.AsyncClient(
            base_url=base_url or "http://rasa.invalid",
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[BotMessage]:
        """The assistant's answers to one message of `sender`."""
        if not self.configured:
            raise RasaUnavailable("no Rasa URL configured")
        body = {"sender": sender, "message": text, "metadata": metadata}
        try:
            response = await self._client.post(REST_WEBHOOK, json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise RasaUnavailable(f"Rasa not reachable: {exc.__class__.__name__}") from exc
        except httpx.TimeoutException as exc:
            raise RasaUnavailable(f"Rasa too slow: {exc.__class__.__name__}", maybe_processed=True) from exc
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa request failed: {exc.__class__.__name__}", maybe_processed=True) from exc
        if response.status_code >= 500:
            raise RasaUnavailable(f"Rasa answered {response.status_code}", maybe_processed=True)
        if response.status_code != 200:
            # A 4xx means the request itself is wrong; retrying the same request cannot help.
            log.error("Rasa refused a message with %s", response.status_code)
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        return _bot_messages(response.json() or [])

    async def _tracker(self, sender: str, include_events: str) -> dict[str, Any]:
        if not self.configured:
            raise RasaUnavailable("no Rasa URL configured")
        try:
            response = await self._client.get(
                f"/conversations/{quote(sender, safe='')}/tracker",
                params={"include_events": include_events, "token": self._token},
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa tracker not readable: {exc.__class__.__name__}") from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa tracker answered {response.status_code}")
        return response.json()

    async def conversation_language(self, sender: str) -> str | None:
        """The language the assistant answers this conversation in (its `language` slot)."""
        tracker = await self._tracker(sender, "NONE")
        return (tracker.get("slots") or {}).get("language")

    async def transcript(self, sender: str) -> list[Turn]:
        """The conversation as the person saw it; a pressed button shows its title."""
        events = (await self._tracker(sender, "AFTER_RESTART")).get("events") or []
        turns: list[Turn] = []
        offered: dict[str, str] = {}
        for event in events:
            if event.get("event") == "user" and event.get("text"):
                text = event["text"]
                turns.append(Turn("person", offered.get(text, text)))
            elif event.get("event") == "bot":
                buttons = _buttons_of_bot_event(event)
                message = _bot_messages([{"text": event.get("text"), "buttons": buttons}])
                if message:
                    turns.append(Turn("bot", message[0].text, message[0].buttons))
                    offered = {b.payload: b.title for b in message[0].buttons}
        return turns

    async def replies_to(self, sender: str, message_ref: str) -> list[BotMessage] | None:
        """What the assistant answered to the message sent with `metadata.message_ref`, or None
        if that message never arrived (then it must be sent again)."""
        events = (await self._tracker(sender, "AFTER_RESTART")).get("events") or []
        replies: list[BotMessage] | None = None
        for event in events:
            kind = event.get("event")
            if kind == "user":
                if replies is not None:
                    break
                if (event.get("metadata") or {}).get("message_ref") == message_ref:
                    replies = []
            elif kind == "bot" and replies is not None:
                replies.extend(_bot_messages([{"text": event.get("text"), "buttons": _buttons_of_bot_event(event)}]))
        return replies
