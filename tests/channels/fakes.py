"""Local stand-ins for the outside world of the channels: Telegram's Bot API and a Rasa that
can be switched off. Each runs as a real HTTP server on a loopback port (uvicorn in a thread)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any, Callable

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from scripts.stack import free_port

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Wegweiser", "username": "wegweiser_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}
# Fields the Bot API receives as JSON inside the form; the rest are plain strings or numbers.
_JSON_FIELDS = {"reply_markup", "reply_parameters", "allowed_updates"}
_INT_FIELDS = {"chat_id", "offset", "timeout", "message_id", "limit"}


class _Server:
    def __init__(self, app: FastAPI):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("fake server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


class FakeTelegram(_Server):
    """The Bot API methods the bridge uses. Updates are scripted with `push`; everything the bot
    calls is recorded in `calls` (sendMessage also in `sent`)."""

    def __init__(self, token: str):
        self.token = token
        self.calls: list[dict[str, Any]] = []
        self.offsets: list[int | None] = []
        self._updates: list[dict[str, Any]] = []
        self._redeliver: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._next_message_id = 1000
        app = FastAPI()
        app.add_api_route("/bot{token}/{method}", self._call, methods=["GET", "POST"])
        super().__init__(app)

    # scripting

    def push(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append(update)

    def redeliver(self, update: dict[str, Any]) -> None:
        """Serves an update again although the bot confirmed it (as Telegram may after a failure)."""
        with self._lock:
            self._redeliver.append(update)

    @property
    def sent(self) -> list[dict[str, Any]]:
        with self._lock:
            return [c for c in self.calls if c["method"] == "sendMessage"]

    def mark(self) -> int:
        return len(self.sent)

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], after: int = 0, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.sent[after:]:
                if predicate(message):
                    return message
            time.sleep(0.1)
        texts = "\n".join(f"- {m['chat_id']}: {m['text'][:120]!r} {m['buttons']}" for m in self.sent[after:])
        raise AssertionError(f"the bot did not send the expected message; it sent:\n{texts}")

    def polled(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.offsets:
            if time.monotonic() > deadline:
                raise AssertionError("the bridge never polled for updates")
            time.sleep(0.1)

    # the Bot API

    async def _call(self, token: str, method: str, request: Request) -> Response:
        if token != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        params = await self._params(request)
        if method == "getUpdates":
            return self._ok(await self._get_updates(params))
        with self._lock:
            record = {"method": method, **params}
            if method == "sendMessage":
                markup = params.get("reply_markup") or {}
                record["buttons"] = [(b["text"], b.get("callback_data")) for row in markup.get("inline_keyboard", []) for b in row]
                record["text"] = str(params.get("text", ""))
                self._next_message_id += 1
                record["result"] = {
                    "message_id": self._next_message_id, "date": int(time.time()), "from": BOT_USER,
                    "chat": {"id": params["chat_id"], "type": "private"}, "text": record["text"],
                    **({"reply_markup": markup} if markup else {}),
                }
            self.calls.append(record)
        results = {"getMe": BOT_USER, "sendMessage": record.get("result"), "answerCallbackQuery": True,
                   "editMessageReplyMarkup": True, "deleteWebhook": True, "setWebhook": True}
        if method not in results:
            return JSONResponse({"ok": False, "error_code": 404, "description": f"Not Found: {method}"}, status_code=404)
        return self._ok(results[method])

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        with self._lock:
            self.offsets.append(offset)
            # Telegram forgets what the offset confirms.
            if offset is not None:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.5)
        while True:
            with self._lock:
                ready = self._redeliver + list(self._updates)
                self._redeliver = []
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.05)

    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        if request.headers.get("content-type", "").startswith("application/json"):
            return await request.json()
        params: dict[str, Any] = {}
        for key, value in (await request.form()).items():
            if key in _JSON_FIELDS:
                params[key] = json.loads(value)
            elif key in _INT_FIELDS:
                params[key] = int(value)
            else:
                params[key] = value
        return params

    @staticmethod
    def _ok(result: Any) -> JSONResponse:
        return JSONResponse({"ok": True, "result": result})


class RasaGate(_Server):
    """A reverse proxy in front of the real Rasa server that the test can switch off."""

    def __init__(self, rasa_url: str):
        self.down = False
        self.rasa_url = rasa_url
        app = FastAPI()
        app.add_api_route("/{path:path}", self._forward, methods=["GET", "POST", "PUT", "DELETE"])
        super().__init__(app)

    async def _forward(self, path: str, request: Request) -> Response:
        if self.down:
            return JSONResponse({"detail": "Rasa is down (test)"}, status_code=502)
        async with httpx.AsyncClient(base_url=self.rasa_url, timeout=60) as client:
            response = await client.request(
                request.method, "/" + path, params=request.query_params, content=await request.body(),
                headers={"content-type": request.headers.get("content-type", "application/json")},
            )
        return Response(response.content, status_code=response.status_code, media_type=response.headers.get("content-type"))


# --- updates as Telegram sends them ----------------------------------------------------------------

def _person(chat_id: int, language_code: str | None) -> dict[str, Any]:
    person = {"id": chat_id, "is_bot": False, "first_name": "Test"}
    if language_code:
        person["language_code"] = language_code
    return person


def text_update(update_id: int, chat_id: int, text: str, language_code: str | None = None) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "Test"}, "from": _person(chat_id, language_code),
    }}


def photo_update(update_id: int, chat_id: int, language_code: str | None = None) -> dict[str, Any]:
    update = text_update(update_id, chat_id, "", language_code)
    del update["message"]["text"]
    update["message"]["photo"] = [{"file_id": "photo-1", "file_unique_id": "u1", "width": 90, "height": 90}]
    update["message"]["caption"] = "my passport"
    return update


def button_update(update_id: int, chat_id: int, bot_message: dict[str, Any], callback_data: str,
                  language_code: str | None = None) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": f"cq-{update_id}", "chat_instance": f"ci-{chat_id}", "data": callback_data,
        "from": _person(chat_id, language_code), "message": bot_message["result"],
    }}
