"""The web chat: a page served by the API service and a relay to Rasa's REST channel.

The server issues the conversation id. It lives in an HttpOnly cookie as `<id>.<signature>`;
a cookie without a valid signature is replaced by a new conversation, so a browser can neither
choose nor guess another person's conversation, and every web chat conversation is named
`webchat-<id>` in Rasa, apart from Telegram's and the REST API's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, AsyncIterator, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from api.channels import texts
from api.channels.rasa_client import BotMessage, RasaClient, RasaUnavailable, Turn
from api.channels.settings import ChannelSettings, get_channel_settings
from api.contract import Language
from api.kit.errors import responses

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
STATIC_PATH = "/chat/static"
templates = Jinja2Templates(directory=HERE / "templates")

COOKIE_NAME = "wegweiser_chat"
COOKIE_PATH = "/chat"
SENDER_PREFIX = "webchat-"
# No inline script or style: the page's configuration travels as a JSON data block.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def rasa_client(request: Request) -> RasaClient:
    """The app's one Rasa client, made at start-up (or on first use when no lifespan ran)."""
    client = getattr(request.app.state, "channel_rasa", None)
    if client is None:
        client = request.app.state.channel_rasa = _new_rasa_client(get_channel_settings())
    return client


def _new_rasa_client(settings: ChannelSettings) -> RasaClient:
    return RasaClient(settings.rasa_url, settings.rasa_token.get_secret_value(), settings.chat_rasa_timeout_seconds)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    client = getattr(app.state, "channel_rasa", None)
    if client is not None:
        await client.aclose()


router = APIRouter(tags=["web chat"], lifespan=_lifespan)
SettingsDep = Annotated[ChannelSettings, Depends(get_channel_settings)]
RasaDep = Annotated[RasaClient, Depends(rasa_client)]


# --- the conversation id ---------------------------------------------------------------------

def _signature(settings: ChannelSettings, conversation: str) -> str:
    key = hashlib.sha256(b"wegweiser web chat conversation\0" + settings.effective_secret_key().encode()).digest()
    digest = hmac.new(key, conversation.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def conversation_from_cookie(request: Request, settings: ChannelSettings) -> str | None:
    value = request.cookies.get(COOKIE_NAME) or ""
    conversation, _, signature = value.partition(".")
    if not conversation or not signature:
        return None
    if not hmac.compare_digest(signature.encode(), _signature(settings, conversation).encode()):
        return None
    return conversation


def _issue(response: Response, settings: ChannelSettings) -> str:
    conversation = secrets.token_urlsafe(32)
    response.set_cookie(
        COOKIE_NAME,
        f"{conversation}.{_signature(settings, conversation)}",
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=not settings.is_development,
        # A session cookie: on a phone shared in a family or a shelter the chat ends with the browser.
    )
    return conversation


def _conversation(request: Request, response: Response, settings: ChannelSettings) -> str:
    return conversation_from_cookie(request, settings) or _issue(response, settings)


# --- the relay -------------------------------------------------------------------------------

class ChatButton(BaseModel):
    title: str
    payload: str


class ChatMessage(BaseModel):
    sender: Literal["person", "bot"]
    text: str
    buttons: list[ChatButton] = []


class ChatInput(BaseModel):
    # No length bounds here: an empty or too long message gets a notice in the person's language
    # (post_message) instead of a validation error the page could only show as "offline"; the
    # API's body size limit still caps what is read.
    text: str
    # The language picked on the page; sent once after a choice, an explicit choice for the assistant.
    language: Language | None = None
    # The page's language; a hint the assistant uses when the message itself does not tell.
    language_hint: str | None = Field(default=None, max_length=35)


class ChatReply(BaseModel):
    accepted: bool
    messages: list[ChatMessage] = []
    # Shown to the person instead of an answer: Rasa is not answering, the message is too long.
    notice: str | None = None
    # The language the assistant now answers in (its conversation's `language` slot), when known.
    language: Language | None = None


class Transcript(BaseModel):
    messages: list[ChatMessage]


def _to_chat(message: BotMessage | Turn, sender: str = "bot") -> ChatMessage:
    return ChatMessage(
        sender=getattr(message, "sender", sender),
        text=message.text,
        buttons=[ChatButton(title=b.title, payload=b.payload) for b in message.buttons],
    )


@router.post("/chat/messages", response_model=ChatReply, responses=responses(422))
async def post_message(body: ChatInput, request: Request, response: Response, settings: SettingsDep, rasa: RasaDep) -> ChatReply:
    """Relays one message of the cookie's conversation to Rasa. Always 200: the page shows
    the notice when the message was not accepted (too long, Rasa not answering)."""
    conversation = _conversation(request, response, settings)
    language = texts.first_supported(body.language, body.language_hint)
    text = body.text.strip()
    if not text:
        return ChatReply(accepted=False, notice=texts.label(language, "empty"))
    if len(text) > settings.chat_max_chars:
        return ChatReply(accepted=False, notice=texts.label(language, "too_long", max_chars=settings.chat_max_chars))
    metadata = {"channel": "webchat", "message_ref": f"webchat:{uuid.uuid4().hex}"}
    if body.language_hint:
        metadata["language_hint"] = body.language_hint
    if body.language:
        metadata["language"] = body.language.value
    sender = SENDER_PREFIX + conversation
    try:
        replies = await rasa.send(sender, text, metadata)
    except RasaUnavailable:
        return ChatReply(accepted=False, notice=texts.label(language, "rasa_unavailable"))
    try:
        current = texts.resolve(await rasa.conversation_language(sender))
    except RasaUnavailable:
        current = None
    return ChatReply(accepted=True, messages=[_to_chat(m) for m in replies], language=current)


@router.get("/chat/messages", response_model=Transcript)
async def get_messages(request: Request, response: Response, settings: SettingsDep, rasa: RasaDep) -> Transcript:
    """The cookie's conversation so far (after a reload or a language switch)."""
    response.headers["Cache-Control"] = "no-store"
    conversation = conversation_from_cookie(request, settings)
    if conversation is None:
        _issue(response, settings)
        return Transcript(messages=[])
    try:
        turns = await rasa.transcript(SENDER_PREFIX + conversation)
    except RasaUnavailable:
        turns = []
    return Transcript(messages=[_to_chat(turn) for turn in turns])


# --- the pages -------------------------------------------------------------------------------

def _page_language(request: Request, lang: str | None) -> str:
    return texts.first_supported(lang, texts.from_accept_language(request.headers.get("accept-language")))


@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
async def chat_page(request: Request, settings: SettingsDep, lang: Annotated[str | None, Query(max_length=35)] = None) -> HTMLResponse:
    language = _page_language(request, lang)
    labels = texts.labels(language, "webchat")
    config = {
        "language": language,
        "explicit": texts.resolve(lang) is not None,
        "maxChars": settings.chat_max_chars,
        "messagesUrl": "/chat/messages",
        "labels": {
            "you": labels["you"],
            "bot": labels["bot"],
            "waiting": labels["waiting"],
            "offline": labels["offline"],
            "tooLong": texts.label(language, "too_long", max_chars=settings.chat_max_chars),
        },
    }
    response = templates.TemplateResponse(
        request,
        "chat.html",
        {
            "language": language,
            "direction": texts.direction(language),
            "labels": labels,
            "languages": texts.language_names(),
            "config": config,
            "static": STATIC_PATH,
        },
        headers=PAGE_HEADERS,
    )
    if conversation_from_cookie(request, settings) is None:
        _issue(response, settings)
    return response


@router.get("/privacy", response_class=HTMLResponse, include_in_schema=False)
async def privacy_page(request: Request, settings: SettingsDep, lang: Annotated[str | None, Query(max_length=35)] = None) -> HTMLResponse:
    """What the chat stores, why, for how long, and how to delete it (linked from the consent question)."""
    language = _page_language(request, lang)
    labels = texts.labels(language, "privacy")
    labels["how_long"] = texts.label(language, "privacy.how_long", days=settings.retention_days)
    return templates.TemplateResponse(
        request,
        "privacy.html",
        {
            "language": language,
            "direction": texts.direction(language),
            "labels": labels,
            "webchat": texts.labels(language, "webchat"),
            "languages": texts.language_names(),
            "static": STATIC_PATH,
        },
        headers=PAGE_HEADERS,
    )
