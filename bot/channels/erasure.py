"""An erasure endpoint inside the Rasa server, for the case API's deletion and retention jobs.

Rasa's HTTP API can read and append to a conversation but not delete one. This "channel"
adds `DELETE /webhooks/erasure/conversations/<id>`, authenticated with the Rasa token, which
removes every stored event of the conversation from the configured tracker store (SQLite or
PostgreSQL).

It does not take the conversation's lock: when the person asks for deletion in the chat, that
lock is held by the very turn that asks the case API to erase (which calls this route), and
that turn's save erases again (bot/tracker_store.py), so the end state is the same.
"""
from __future__ import annotations

import hmac
import logging
import os
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


def _innermost(store: Any) -> Any:
    """Rasa wraps the configured store (fail-safe, awaitable); erasure needs the real one."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


class ErasureInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "erasure"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "ErasureInput":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        erasure = Blueprint("erasure_webhook", __name__)

        @erasure.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @erasure.route("/conversations/<conversation_id:path>", methods=["DELETE"])
        async def erase(request: Request, conversation_id: Text) -> HTTPResponse:
            expected = os.environ.get("WEGWEISER_RASA_TOKEN", "")
            given = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
            if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
                return response.json({"detail": "not authorised"}, status=403)
            agent = request.app.ctx.agent
            store = _innermost(agent.tracker_store)
            if not hasattr(store, "erase"):
                return response.json({"detail": "the tracker store cannot erase"}, status=501)
            deleted = store.erase(conversation_id)
            return response.json({"deleted_events": deleted})

        return erasure
