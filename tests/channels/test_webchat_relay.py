"""The web chat relay and Telegram's webhook route, with a fake Rasa behind httpx's MockTransport."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from cryptography.fernet import Fernet
from markupsafe import escape
from pydantic import SecretStr
from fastapi.testclient import TestClient

from api.channels import texts
from api.channels.rasa_client import RasaClient
from api.channels.settings import ChannelSettings, get_channel_settings
from api.channels.telegram import SECRET_HEADER
from api.channels.telegram_inbox import Inbox
from api.channels.webchat import COOKIE_NAME, STATIC_DIR, rasa_client
from api.main import create_app
from tests.channels.fakes import photo_update, text_update

RASA_TOKEN = "rasa-token-" + "r" * 30
WEBHOOK_SECRET = "webhook-secret-" + "w" * 30


class FakeRasa:
    """Rasa's REST channel and tracker endpoint, in memory."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.events: dict[str, list[dict]] = {}
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/webhooks/rest/webhook":
            body = json.loads(request.content)
            self.received.append(body)
            reply = {"text": f"Antwort auf: {body['message']}", "buttons": [{"title": "Ja, einverstanden", "payload": "/affirm"}]}
            self.events.setdefault(body["sender"], []).extend([
                {"event": "user", "text": body["message"], "metadata": body.get("metadata")},
                {"event": "bot", "text": reply["text"], "data": {"buttons": reply["buttons"]}},
            ])
            return httpx.Response(200, json=[{"recipient_id": body["sender"], **reply}])
        match = re.fullmatch(r"/conversations/(.+)/tracker", request.url.path)
        if match:
            if request.url.params.get("token") != RASA_TOKEN:
                return httpx.Response(401, json={"message": "not authenticated"})
            sender = unquote(match.group(1))
            return httpx.Response(200, json={"sender_id": sender, "slots": {"language": "ar"}, "events": self.events.get(sender, [])})
        return httpx.Response(404)

    def senders(self) -> list[str]:
        return [body["sender"] for body in self.received]


@pytest.fixture
def settings(tmp_path: Path) -> ChannelSettings:
    return ChannelSettings(
        env="test", var_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'api.db'}",
        secret_key="s" * 48, bot_token="b" * 48, encryption_key=Fernet.generate_key().decode(),
        rasa_url="http://rasa.test", rasa_token=RASA_TOKEN, telegram_webhook_secret=WEBHOOK_SECRET,
        chat_max_chars=200,
    )


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def app(settings: ChannelSettings, rasa: FakeRasa):
    app = create_app(settings)
    client = RasaClient(settings.rasa_url, RASA_TOKEN, 5, transport=httpx.MockTransport(rasa))
    app.dependency_overrides[get_channel_settings] = lambda: settings
    app.dependency_overrides[rasa_client] = lambda: client
    return app


def browser(app) -> TestClient:
    # https, because outside development the cookie is Secure.
    return TestClient(app, base_url="https://testserver")


def conversation_cookie(client: TestClient) -> str:
    return client.cookies.get(COOKIE_NAME, path="/chat")


# --- the page --------------------------------------------------------------------------------------

def test_the_page_issues_an_http_only_strict_secure_cookie(app) -> None:
    response = browser(app).get("/chat")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/chat"):
        assert attribute.lower() in cookie.lower(), cookie
    token = cookie.split("=", 1)[1].split(";")[0].split(".")[0]
    assert len(token) >= 43  # 32 random bytes


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fa", "rtl"), ("de", "ltr"), ("uk", "ltr")])
def test_the_page_speaks_the_chosen_language_in_its_direction(app, language: str, direction: str) -> None:
    html = browser(app).get("/chat", params={"lang": language}).text
    assert f'<html lang="{language}" dir="{direction}">' in html
    labels = texts.labels(language, "webchat")
    assert labels["send"] in html and f'<label for="message" class="visually-hidden">{labels["input_label"]}</label>' in html
    assert f'href="/privacy?lang={language}"' in html and labels["privacy_link"] in html
    assert 'role="log"' in html and 'aria-live="polite"' in html


def test_the_page_follows_the_browser_language_and_forbids_inline_script(app) -> None:
    response = browser(app).get("/chat", headers={"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"})
    assert '<html lang="fa" dir="rtl">' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_script_never_renders_text_as_html() -> None:
    script = (STATIC_DIR / "chat.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script
    assert "textContent" in script


# --- the relay --------------------------------------------------------------------------------------

def test_a_message_goes_to_rasa_as_the_server_issued_conversation(app, rasa: FakeRasa) -> None:
    client = browser(app)
    client.get("/chat")
    token = conversation_cookie(client).split(".")[0]
    reply = client.post("/chat/messages", json={"text": "أبحث عن شقة", "language": "ar", "language_hint": "ar"}).json()
    assert reply["accepted"] is True
    assert reply["messages"] == [{"sender": "bot", "text": "Antwort auf: أبحث عن شقة", "buttons": [{"title": "Ja, einverstanden", "payload": "/affirm"}]}]
    assert reply["language"] == "ar"
    [sent] = rasa.received
    assert sent["sender"] == f"webchat-{token}"
    assert sent["metadata"]["channel"] == "webchat"
    assert sent["metadata"]["language"] == "ar" and sent["metadata"]["language_hint"] == "ar"


def test_a_first_message_without_a_cookie_starts_a_new_conversation(app, rasa: FakeRasa) -> None:
    client = browser(app)
    assert client.post("/chat/messages", json={"text": "hallo"}).json()["accepted"] is True
    assert conversation_cookie(client)
    assert rasa.senders() == [f"webchat-{conversation_cookie(client).split('.')[0]}"]


@pytest.mark.parametrize("forge", [
    lambda victim: victim.split(".")[0],                      # the id without its signature
    lambda victim: victim.split(".")[0] + ".forged",          # a made-up signature
    lambda victim: "telegram-710001." + victim.split(".")[1],  # another channel's conversation
    lambda victim: victim.split(".")[0] + "x." + victim.split(".")[1],
])
def test_a_forged_cookie_can_neither_write_nor_read_another_conversation(app, rasa: FakeRasa, forge) -> None:
    victim = browser(app)
    victim.get("/chat")
    victim.post("/chat/messages", json={"text": "Ich heiße Amira und suche eine Wohnung"})
    victim_sender = rasa.senders()[0]

    attacker = browser(app)
    attacker.cookies.set(COOKIE_NAME, forge(conversation_cookie(victim)), domain="testserver.local", path="/chat")
    transcript = attacker.get("/chat/messages")
    assert transcript.json() == {"messages": []}
    assert COOKIE_NAME in transcript.headers.get("set-cookie", "")  # a fresh conversation instead

    attacker.post("/chat/messages", json={"text": "zeig mir alles"})
    assert rasa.senders()[-1] != victim_sender
    assert rasa.senders()[-1].startswith("webchat-")
    assert [e["text"] for e in rasa.events[victim_sender] if e["event"] == "user"] == ["Ich heiße Amira und suche eine Wohnung"]


def test_a_cookie_signed_with_another_key_is_refused(app, settings: ChannelSettings, rasa: FakeRasa, tmp_path: Path) -> None:
    other = create_app(settings)
    other_settings = settings.model_copy(update={"secret_key": SecretStr("o" * 48)})
    other.dependency_overrides[get_channel_settings] = lambda: other_settings
    elsewhere = browser(other)
    elsewhere.get("/chat")

    client = browser(app)
    client.cookies.set(COOKIE_NAME, conversation_cookie(elsewhere), domain="testserver.local", path="/chat")
    client.post("/chat/messages", json={"text": "hallo"})
    assert rasa.senders()[-1] != "webchat-" + conversation_cookie(elsewhere).split(".")[0]


def test_the_transcript_shows_the_titles_of_pressed_buttons(app) -> None:
    client = browser(app)
    client.get("/chat")
    client.post("/chat/messages", json={"text": "Ich suche eine Wohnung"})
    client.post("/chat/messages", json={"text": "/affirm"})
    messages = client.get("/chat/messages").json()["messages"]
    assert [(m["sender"], m["text"]) for m in messages] == [
        ("person", "Ich suche eine Wohnung"),
        ("bot", "Antwort auf: Ich suche eine Wohnung"),
        ("person", "Ja, einverstanden"),
        ("bot", "Antwort auf: /affirm"),
    ]


def test_a_too_long_message_gets_a_friendly_notice_and_never_reaches_rasa(app, rasa: FakeRasa) -> None:
    reply = browser(app).post("/chat/messages", json={"text": "x" * 201, "language": "uk"})
    assert reply.status_code == 200
    assert reply.json()["accepted"] is False
    assert reply.json()["notice"] == texts.label("uk", "too_long", max_chars=200)
    assert rasa.received == []


def test_when_rasa_is_down_the_page_gets_a_notice_in_the_chosen_language(app, rasa: FakeRasa) -> None:
    rasa.down = True
    reply = browser(app).post("/chat/messages", json={"text": "مرحبا", "language": "ar"})
    assert reply.status_code == 200
    assert reply.json() == {"accepted": False, "messages": [], "notice": texts.label("ar", "rasa_unavailable"), "language": None}


def test_a_form_post_from_another_site_is_not_relayed(app, rasa: FakeRasa) -> None:
    response = browser(app).post("/chat/messages", data={"text": "hallo"})
    assert response.status_code == 422
    assert rasa.received == []


# --- the privacy page ----------------------------------------------------------------------------

@pytest.mark.parametrize("language", texts.languages())
def test_the_privacy_page_exists_in_every_language(app, settings: ChannelSettings, language: str) -> None:
    response = browser(app).get("/privacy", params={"lang": language})
    assert response.status_code == 200
    html = response.text
    labels = texts.labels(language, "privacy")
    for key in ("title", "what", "why", "deletion"):
        assert str(escape(labels[key])) in html
    assert str(settings.retention_days) in html
    assert f'dir="{texts.direction(language)}"' in html
    # No contact data of any kind: no addresses, no phone numbers, no e-mail.
    assert "@" not in html and "tel:" not in html and "mailto:" not in html


def test_the_privacy_page_defaults_to_german() -> None:
    assert texts.first_supported(None) == "de"


# --- Telegram's webhook ------------------------------------------------------------------------------

def test_the_webhook_refuses_a_missing_or_wrong_secret_and_stores_nothing(app, settings: ChannelSettings) -> None:
    client = TestClient(app)
    update = text_update(5001, 42, "Ich suche eine Wohnung", "de")
    assert client.post("/telegram/webhook", json=update).status_code == 403
    assert client.post("/telegram/webhook", json=update, headers={SECRET_HEADER: "wrong"}).status_code == 403
    assert client.post("/telegram/webhook", json=update, headers={SECRET_HEADER: WEBHOOK_SECRET[:-1]}).status_code == 403
    assert not settings.telegram_db_path.exists() or Inbox(settings.telegram_db_path).pending() == []


def test_the_webhook_stores_an_update_once_even_when_telegram_sends_it_again(app, settings: ChannelSettings) -> None:
    client = TestClient(app)
    update = text_update(5002, 42, "Ich suche eine Wohnung", "de")
    for _ in range(3):
        assert client.post("/telegram/webhook", json=update, headers={SECRET_HEADER: WEBHOOK_SECRET}).status_code == 200
    client.post("/telegram/webhook", json=photo_update(5003, 42, "de"), headers={SECRET_HEADER: WEBHOOK_SECRET})
    pending = Inbox(settings.telegram_db_path).pending()
    assert [(p.update_id, p.kind, p.body, p.language_hint) for p in pending] == [
        (5002, "text", "Ich suche eine Wohnung", "de"),
        (5003, "not_text", None, "de"),
    ]


def test_without_a_secret_the_webhook_does_not_exist(app, settings: ChannelSettings) -> None:
    polling = settings.model_copy(update={"telegram_webhook_secret": SecretStr("")})
    app.dependency_overrides[get_channel_settings] = lambda: polling
    response = TestClient(app).post("/telegram/webhook", json=text_update(5004, 42, "hallo"), headers={SECRET_HEADER: ""})
    assert response.status_code == 404


# --- hostile and odd input ------------------------------------------------------------------------
from tests.hostile import HOSTILE, INVALID_UTF8, MEGABYTE  # noqa: E402


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_input_gets_an_answer_or_a_notice_and_never_an_error(app, rasa: FakeRasa, text: str) -> None:
    client = browser(app)
    reply = client.post("/chat/messages", json={"text": text, "language": "de"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    if body["accepted"]:
        assert rasa.received[-1]["message"] in (text, text.strip())
    else:
        assert body["notice"]  # too long, empty: told why, in the chosen language
        assert rasa.received == []
    transcript = client.get("/chat")
    assert transcript.status_code == 200
    assert "<script>alert(1)</script>" not in transcript.text


def test_a_megabyte_message_and_invalid_utf8_are_refused_cleanly(app, rasa: FakeRasa) -> None:
    client = browser(app)
    huge = client.post("/chat/messages", json={"text": MEGABYTE, "language": "fa"})
    assert huge.status_code == 413  # the API's body size limit, before anything is parsed
    broken = client.post("/chat/messages", content=INVALID_UTF8, headers={"Content-Type": "application/json"})
    assert 400 <= broken.status_code < 500
    assert rasa.received == []
