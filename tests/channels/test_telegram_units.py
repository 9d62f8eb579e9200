"""The Telegram bridge's parts without any server: splitting, reading updates, the inbox, and
what happens when Rasa is slow (the message may have arrived) or unreachable (it did not)."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from telegram import Update

from api.channels import texts
from api.channels.rasa_client import RasaClient
from api.channels.settings import ChannelSettings
from api.channels.telegram import TelegramBridge, incoming_from_update, split_message
from api.channels.telegram_inbox import Inbox, Incoming
from tests.channels.fakes import button_update, photo_update, text_update


def test_long_answers_are_split_at_telegrams_limit_between_words() -> None:
    text = ("Wohnung " * 1200).strip()
    pieces = split_message(text)
    assert len(pieces) == 3
    assert all(len(piece) <= 4096 for piece in pieces)
    assert " ".join(pieces) == text


def test_the_limit_counts_utf16_units_as_telegram_does() -> None:
    pieces = split_message("🏠" * 3000)
    assert all(len(piece.encode("utf-16-le")) // 2 <= 4096 for piece in pieces)
    assert "".join(pieces) == "🏠" * 3000


def test_a_short_answer_stays_whole() -> None:
    assert split_message("Hallo!") == ["Hallo!"]


def test_updates_are_reduced_to_text_payload_or_not_text() -> None:
    text = incoming_from_update(Update.de_json(text_update(1, 42, "Ich suche eine Wohnung", "de"), None))
    assert (text.kind, text.body, text.language_hint, text.chat_id) == ("text", "Ich suche eine Wohnung", "de", 42)

    photo = incoming_from_update(Update.de_json(photo_update(2, 42, "ar"), None))
    assert (photo.kind, photo.body, photo.language_hint) == ("not_text", None, "ar")  # not even the caption

    bot_message = {"result": {"message_id": 77, "date": 0, "chat": {"id": 42, "type": "private"}, "text": "?"}}
    button = incoming_from_update(Update.de_json(button_update(3, 42, bot_message, "/affirm", "uk"), None))
    assert (button.kind, button.body, button.message_id, button.callback_query_id) == ("button", "/affirm", 77, "cq-3")


def test_group_chats_are_not_served() -> None:
    update = text_update(4, -100, "hallo", "de")
    update["message"]["chat"] = {"id": -100, "type": "group", "title": "Nachbarn"}
    assert incoming_from_update(Update.de_json(update, None)).kind == "ignored"


def test_the_inbox_accepts_an_update_once_and_continues_after_the_newest(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path / "telegram.db")
    assert inbox.next_offset() is None
    assert inbox.accept(Incoming(10, 42, "text", "hallo")) is True
    assert inbox.accept(Incoming(10, 42, "text", "hallo")) is False
    assert inbox.next_offset() == 11
    inbox.finish(10)
    assert inbox.pending() == [] and inbox.stored_body(10) is None
    assert inbox.prune(older_than_seconds=0) == 0  # the newest stays, so polling goes on after it
    assert inbox.next_offset() == 11


def test_long_button_payloads_travel_by_key(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path / "telegram.db")
    payload = '/inform{"answer": "' + "x" * 80 + '"}'
    key = inbox.callback_data(payload)
    assert len(key.encode()) <= 64 and inbox.payload_of(key) == payload
    assert inbox.callback_data("/affirm") == "/affirm"


# --- Rasa slow or unreachable -------------------------------------------------------------------------

class RecordingBot:
    def __init__(self) -> None:
        self.sent: list[dict] = []

    async def send_message(self, **kwargs):
        self.sent.append(kwargs)
        return {"message_id": len(self.sent)}

    async def answer_callback_query(self, **kwargs):
        return True

    async def edit_message_reply_markup(self, **kwargs):
        return True


class FlakyRasa:
    """Rasa's REST channel that fails the first call in a chosen way, then works."""

    def __init__(self, failure: str):
        self.failure = failure
        self.webhook_calls = 0
        self.events: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tracker"):
            return httpx.Response(200, json={"slots": {"language": "de"}, "events": self.events})
        self.webhook_calls += 1
        body = json.loads(request.content)
        if self.webhook_calls == 1 and self.failure == "refused":
            raise httpx.ConnectError("refused", request=request)
        self.events += [{"event": "user", "text": body["message"], "metadata": body["metadata"]},
                        {"event": "bot", "text": "Darf ich Ihre Antworten speichern?", "data": {"buttons": [{"title": "Ja", "payload": "/affirm"}]}}]
        if self.webhook_calls == 1 and self.failure == "slow":
            raise httpx.ReadTimeout("slow", request=request)  # Rasa handled it; the answer came too late
        return httpx.Response(200, json=[{"text": "Darf ich Ihre Antworten speichern?", "buttons": [{"title": "Ja", "payload": "/affirm"}]}])


def bridge_with(tmp_path: Path, rasa: FlakyRasa) -> tuple[TelegramBridge, RecordingBot]:
    settings = ChannelSettings(env="development", var_dir=tmp_path, telegram_retry_seconds=1)
    bot = RecordingBot()
    client = RasaClient("http://rasa.test", "token", 5, transport=httpx.MockTransport(rasa))
    return TelegramBridge(bot, client, Inbox(tmp_path / "telegram.db"), settings), bot  # type: ignore[arg-type]


async def drain_again(bridge: TelegramBridge) -> None:
    bridge._retry_at.clear()  # the retry interval has passed
    await bridge.drain()


@pytest.mark.parametrize("failure, webhook_calls", [("slow", 1), ("refused", 2)])
async def test_a_waiting_message_is_answered_once_whether_rasa_got_it_or_not(tmp_path: Path, failure: str, webhook_calls: int) -> None:
    rasa = FlakyRasa(failure)
    bridge, bot = bridge_with(tmp_path, rasa)
    bridge.accept(Update.de_json(text_update(20, 42, "Ich suche eine Wohnung", "en"), None))

    await bridge.drain()
    assert [m["text"] for m in bot.sent] == [texts.label("en", "rasa_unavailable_kept")]
    assert bridge.inbox.stored_body(20) == "Ich suche eine Wohnung"

    await drain_again(bridge)
    assert [m["text"] for m in bot.sent][1:] == ["Darf ich Ihre Antworten speichern?"]
    assert bot.sent[1]["reply_parameters"].message_id == 20  # the late answer quotes the message
    # Slow: the answer is taken from the conversation, the message is not sent to Rasa twice.
    assert rasa.webhook_calls == webhook_calls
    assert bridge.inbox.pending() == [] and bridge.inbox.stored_body(20) is None
    assert bridge.inbox.language_of(42) == "de"  # what the bridge says by itself follows the conversation


async def test_telegrams_start_button_is_a_greeting(tmp_path: Path) -> None:
    rasa = FlakyRasa("none")
    bridge, bot = bridge_with(tmp_path, rasa)
    bridge.accept(Update.de_json(text_update(30, 42, "/start", "ru"), None))
    await bridge.drain()
    assert [e["text"] for e in rasa.events if e["event"] == "user"] == ["/greet"]
    assert rasa.events[0]["metadata"] == {"channel": "telegram", "message_ref": "telegram:30", "language_hint": "ru"}
    assert len(bot.sent) == 1


class BrokenRasa(FlakyRasa):
    """Rasa answers something the bridge cannot read (here: not a list of messages) for one text."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/tracker") and json.loads(request.content)["message"] == "kaputt":
            self.webhook_calls += 1
            return httpx.Response(200, content=b"{not json")
        return super().__call__(request)


async def test_an_update_that_keeps_failing_is_answered_and_the_chat_goes_on(tmp_path: Path) -> None:
    rasa = BrokenRasa("none")
    bridge, bot = bridge_with(tmp_path, rasa)
    bridge.accept(Update.de_json(text_update(40, 42, "kaputt", "uk"), None))
    bridge.accept(Update.de_json(text_update(41, 42, "Ich suche eine Wohnung", "uk"), None))

    await bridge.drain()
    await drain_again(bridge)
    assert bot.sent == [] and [row.update_id for row in bridge.inbox.pending()] == [40, 41]  # tried again, in order

    await drain_again(bridge)  # the third failure: the person is told, not asked to send it again (Rasa had it)
    assert [m["text"] for m in bot.sent] == [texts.label("uk", "failed_maybe_received"), "Darf ich Ihre Antworten speichern?"]
    assert bridge.inbox.pending() == [] and bridge._failures == {}


async def test_an_update_that_fails_before_reaching_rasa_is_asked_for_again(tmp_path: Path, monkeypatch) -> None:
    rasa = FlakyRasa("none")
    bridge, bot = bridge_with(tmp_path, rasa)
    bridge.accept(Update.de_json(text_update(45, 43, "Ich suche eine Wohnung", "tr"), None))

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bridge.inbox, "started", broken)
    for _ in range(3):
        await drain_again(bridge)
    assert rasa.webhook_calls == 0
    assert [m["text"] for m in bot.sent] == [texts.label("tr", "failed")]
    assert bridge.inbox.pending() == []


async def test_a_message_of_only_spaces_gets_the_empty_notice(tmp_path: Path) -> None:
    rasa = FlakyRasa("none")
    bridge, bot = bridge_with(tmp_path, rasa)
    bridge.accept(Update.de_json(text_update(50, 42, "   \n ", "fa"), None))
    await bridge.drain()
    assert [m["text"] for m in bot.sent] == [texts.label("fa", "empty")]
    assert rasa.webhook_calls == 0 and bridge.inbox.pending() == []
