"""The Telegram bridge: Telegram ⇄ Rasa's REST channel, with python-telegram-bot.

Run it as its own process: `python -m api.channels.telegram` (`make run` starts it when
WEGWEISER_TELEGRAM_TOKEN is set). By default it long-polls Telegram (no public address
needed). With WEGWEISER_TELEGRAM_WEBHOOK_SECRET set, it registers the API service's
`POST /telegram/webhook` with Telegram instead; that route checks the secret and writes the
update to the same inbox this process works through.

Every update goes through the durable inbox (telegram_inbox.py) before it is confirmed to
Telegram, so each is handled exactly once, in order per chat, and a message that arrives while
Rasa is down is answered when Rasa is back.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
import time
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Awaitable, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from api.channels import texts
from api.channels.rasa_client import BotMessage, RasaClient, RasaUnavailable
from api.channels.settings import ChannelSettings, get_channel_settings
from api.channels.telegram_inbox import Inbox, Incoming, Pending

log = logging.getLogger("wegweiser.channels.telegram")

MESSAGE_LIMIT = 4096  # Telegram's limit per message, in UTF-16 code units
ALLOWED_UPDATES = ("message", "callback_query")
POLL_TIMEOUT_SECONDS = 25
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SENDER_PREFIX = "telegram-"
WEBHOOK_PATH = "/telegram/webhook"
# Telegram's "Start" button sends "/start", which is no intent of the assistant: it is a greeting.
START_PAYLOAD = "/greet"
FAILURES_BEFORE_GIVING_UP = 3  # an update that breaks the bridge this often is answered and set aside


# --- updates -----------------------------------------------------------------------------------

def incoming_from_update(update: Update) -> Incoming:
    """What the bridge keeps of an update: text or a button's payload, else only "not text".

    Only private chats are served; in a group the assistant would read other people's messages.
    """
    message = update.message
    if message is not None:
        if message.chat.type != "private":
            return Incoming(update.update_id, message.chat.id, "ignored")
        hint = message.from_user.language_code if message.from_user else None
        if message.text is not None:  # an empty text is a (empty) text, not a photo
            return Incoming(update.update_id, message.chat.id, "text", message.text, message.message_id, hint)
        return Incoming(update.update_id, message.chat.id, "not_text", None, message.message_id, hint)
    query = update.callback_query
    if query is not None and query.data:
        chat = query.message.chat if query.message else None
        if chat is not None and chat.type != "private":
            return Incoming(update.update_id, chat.id, "ignored")
        chat_id = chat.id if chat else query.from_user.id  # in a private chat the chat is the user
        message_id = query.message.message_id if query.message else None
        return Incoming(update.update_id, chat_id, "button", query.data, message_id, query.from_user.language_code, query.id)
    chat_id = update.effective_chat.id if update.effective_chat else 0
    return Incoming(update.update_id, chat_id, "ignored")


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units, cut at a paragraph, line or word where possible."""

    def units(piece: str) -> int:
        return len(piece.encode("utf-16-le")) // 2

    pieces = []
    rest = text
    while units(rest) > limit:
        cut = limit
        while units(rest[:cut]) > limit:
            cut -= max(1, (units(rest[:cut]) - limit) // 2)
        window = rest[:cut]
        for separator in ("\n\n", "\n", " "):
            position = window.rfind(separator)
            if position > cut // 2:
                cut = position + len(separator)
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


# --- the bridge ---------------------------------------------------------------------------------

class TelegramBridge:
    """Works through the inbox: per chat in order, several chats at once."""

    def __init__(self, bot: Bot, rasa: RasaClient, inbox: Inbox, settings: ChannelSettings):
        self.bot = bot
        self.rasa = rasa
        self.inbox = inbox
        self.settings = settings
        self._wake = asyncio.Event()
        self._drain_lock = asyncio.Lock()
        self._chats_at_once = asyncio.Semaphore(16)
        self._retry_at: dict[int, float] = {}
        self._failures: dict[int, int] = {}  # update id: unexpected errors while handling it

    # Receiving

    def accept(self, update: Update) -> bool:
        accepted = self.inbox.accept(incoming_from_update(update))
        if not accepted:
            log.info("update %s was delivered again; it is handled already", update.update_id)
        self._wake.set()
        return accepted

    async def poll(self) -> None:
        """Long polling. An update is confirmed to Telegram (by the next call's offset) only
        after it is in the inbox."""
        offset = self.inbox.next_offset()
        failures = 0
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=list(ALLOWED_UPDATES)
                )
                failures = 0
            except Conflict:
                log.error("Telegram refuses polling: a webhook is set or another bridge polls with this token")
                await asyncio.sleep(10)
                continue
            except (NetworkError, TimedOut) as exc:
                failures += 1
                log.warning("polling Telegram failed (%s); retrying", exc.__class__.__name__)
                await asyncio.sleep(min(30, 2 ** failures))
                continue
            for update in updates:
                self.accept(update)
                offset = max(offset or 0, update.update_id + 1)

    async def run_worker(self) -> None:
        """Handles what is waiting: at once when something arrives, and every few seconds for
        what waits for Rasa (or, in webhook mode, for what the API service accepted)."""
        interval = min(self.settings.telegram_retry_seconds, 1.0)
        pruned_at = 0.0
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=interval)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            try:
                await self.drain()
            except Exception:  # noqa: BLE001 - the worker must outlive any one bad update
                log.exception("handling waiting Telegram updates failed")
            if time.monotonic() - pruned_at > 3600:
                pruned_at = time.monotonic()
                self.inbox.prune(languages_older_than_seconds=self.settings.retention_days * 24 * 3600)

    async def drain(self) -> None:
        async with self._drain_lock:
            by_chat: dict[int, list[Pending]] = defaultdict(list)
            now = time.monotonic()
            for row in self.inbox.pending():
                if self._retry_at.get(row.chat_id, 0) <= now:
                    by_chat[row.chat_id].append(row)
            await asyncio.gather(*(self._work_through(chat_id, rows) for chat_id, rows in by_chat.items()))

    async def _work_through(self, chat_id: int, rows: list[Pending]) -> None:
        async with self._chats_at_once:
            for row in rows:
                try:
                    handled = await self._handle(row)
                except Exception:  # noqa: BLE001 - one bad update must not hold up the chat, or the others
                    log.exception("Telegram update %s could not be handled", row.update_id)
                    handled = await self._give_up_after_failures(row)
                else:
                    self._failures.pop(row.update_id, None)
                if not handled:
                    self._retry_at[chat_id] = time.monotonic() + self.settings.telegram_retry_seconds
                    return
            self._retry_at.pop(chat_id, None)

    async def _give_up_after_failures(self, row: Pending) -> bool:
        """Tried again later; after the third failure the person is told, and the chat goes on with
        the next update. True when the update is finished.

        If the message may have reached Rasa (the failure came after sending it), the person is not
        asked to write it again: in a form, the repeated answer would land on the next question."""
        failures = self._failures[row.update_id] = self._failures.get(row.update_id, 0) + 1
        if failures < FAILURES_BEFORE_GIVING_UP:
            return False
        key = "failed_maybe_received" if self.inbox.maybe_delivered(row.update_id) else "failed"
        try:
            told = await self._send_text(row.chat_id, texts.label(self._language(row), key))
        except Exception:  # noqa: BLE001
            log.exception("could not tell chat %s about update %s", row.chat_id, row.update_id)
            told = False
        if not told:
            return False  # Telegram unreachable: try again later, the person must hear of it
        self.inbox.finish(row.update_id)
        self._failures.pop(row.update_id, None)
        return True

    # Handling one update

    def _language(self, row: Pending) -> str:
        return texts.first_supported(self.inbox.language_of(row.chat_id), row.language_hint)

    async def _handle(self, row: Pending) -> bool:
        """True when the update is dealt with; False when it must wait (Rasa or Telegram down)."""
        if row.kind == "not_text":
            await self._send_text(row.chat_id, texts.label(self._language(row), "text_only"))
            self.inbox.finish(row.update_id)
            return True
        text = row.body or ""
        if row.kind == "button":
            if row.attempts == 0:
                await self._acknowledge_button(row)
            text = self.inbox.payload_of(text) or ""
        if row.kind not in ("text", "button"):
            self.inbox.finish(row.update_id)
            return True
        if not text.strip():  # Telegram's apps send no such text, a client of the Bot API may
            if row.kind == "text":  # (a button whose payload is unknown was not ours: no answer)
                await self._send_text(row.chat_id, texts.label(self._language(row), "empty"))
            self.inbox.finish(row.update_id)
            return True
        if row.kind == "text" and text.split(maxsplit=1)[0] == "/start":
            text = START_PAYLOAD
        if len(text) > self.settings.chat_max_chars:
            await self._send_text(row.chat_id, texts.label(self._language(row), "too_long", max_chars=self.settings.chat_max_chars))
            self.inbox.finish(row.update_id)
            return True

        sender = f"{SENDER_PREFIX}{row.chat_id}"
        message_ref = f"telegram:{row.update_id}"
        metadata: dict[str, Any] = {"channel": "telegram", "message_ref": message_ref}
        if row.language_hint:
            metadata["language_hint"] = row.language_hint
        try:
            replies = None
            if row.maybe_delivered:
                replies = await self.rasa.replies_to(sender, message_ref)
            if replies is None:
                # Written down before sending: if this process dies while Rasa works on the
                # message, the next attempt looks in the conversation instead of sending twice.
                self.inbox.started(row.update_id, maybe_delivered=True)
                replies = await self.rasa.send(sender, text, metadata)
        except RasaUnavailable as exc:
            log.warning("Rasa unavailable for update %s: %s", row.update_id, exc)
            if not exc.maybe_processed and not row.maybe_delivered:
                self.inbox.not_delivered(row.update_id)
            if not row.told_unavailable and not self.inbox.chat_was_told(row.chat_id):
                if await self._send_text(row.chat_id, texts.label(self._language(row), "rasa_unavailable_kept")):
                    self.inbox.told_unavailable(row.update_id)
            return False

        # An answer that comes late quotes the message it answers.
        quote = row.message_id if (row.told_unavailable or row.attempts > 0) and row.kind == "text" else None
        if not await self._send_replies(row.chat_id, replies, quote):
            return False  # still marked maybe_delivered: the next attempt takes the answers from Rasa
        self.inbox.finish(row.update_id)
        await self._learn_language(row.chat_id, sender)
        return True

    async def _learn_language(self, chat_id: int, sender: str) -> None:
        """Keeps the conversation's language for what the bridge says by itself later."""
        try:
            language = texts.resolve(await self.rasa.conversation_language(sender))
        except RasaUnavailable:
            return
        if language:
            self.inbox.remember_language(chat_id, language)

    async def _acknowledge_button(self, row: Pending) -> None:
        """Stops the button's spinner and removes the keyboard, so an old question cannot be
        answered twice. Failures do not matter: the payload is handled anyway."""
        if row.callback_query_id:
            await self._telegram(self.bot.answer_callback_query, callback_query_id=row.callback_query_id, retries=0)
        if row.message_id:
            await self._telegram(self.bot.edit_message_reply_markup, chat_id=row.chat_id, message_id=row.message_id,
                                 reply_markup=None, retries=0)

    # Sending

    def _keyboard(self, message: BotMessage) -> InlineKeyboardMarkup | None:
        if not message.buttons:
            return None
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(button.title, callback_data=self.inbox.callback_data(button.payload))] for button in message.buttons]
        )

    async def _send_replies(self, chat_id: int, replies: list[BotMessage], quote: int | None) -> bool:
        for message in replies:
            pieces = split_message(message.text or "…")
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                reply_parameters = ReplyParameters(quote, allow_sending_without_reply=True) if quote else None
                sent = await self._telegram(
                    self.bot.send_message, chat_id=chat_id, text=piece,
                    reply_markup=self._keyboard(message) if last else None, reply_parameters=reply_parameters,
                )
                if sent is None:
                    return False
                quote = None
        return True

    async def _send_text(self, chat_id: int, text: str) -> bool:
        return await self._telegram(self.bot.send_message, chat_id=chat_id, text=text) is not None

    async def _telegram(self, call: Callable[..., Awaitable[Any]], *, retries: int = 3, **kwargs: Any) -> Any:
        """One Bot API call with Telegram's flood control honoured. None when it failed for
        good; a person who blocked the bot counts as done (True), nothing can reach them."""
        for attempt in range(retries + 1):
            try:
                return await call(**kwargs) or True
            except RetryAfter as exc:
                delay = exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") else float(exc.retry_after)
                await asyncio.sleep(min(delay, 60))
            except (TimedOut, NetworkError) as exc:
                if attempt == retries:
                    log.warning("Telegram %s failed: %s", getattr(call, "__name__", "call"), exc.__class__.__name__)
                    return None
                await asyncio.sleep(1 + attempt)
            except Forbidden:
                log.info("chat %s blocked the bot; dropping the answer", kwargs.get("chat_id"))
                return True
            except BadRequest as exc:
                log.warning("Telegram refused %s: %s", getattr(call, "__name__", "call"), exc.message)
                return True
            except TelegramError as exc:
                log.warning("Telegram %s failed: %s", getattr(call, "__name__", "call"), exc)
                return None
        return None


# --- the webhook route (in the API service) ----------------------------------------------------

webhook_router = APIRouter(tags=["telegram"])


@lru_cache(maxsize=4)
def inbox_at(path: Path) -> Inbox:
    return Inbox(path)


@webhook_router.post(WEBHOOK_PATH, include_in_schema=False)
async def telegram_webhook(request: Request, settings: Annotated[ChannelSettings, Depends(get_channel_settings)]) -> JSONResponse:
    """Telegram's webhook: the secret header is checked before anything is read or stored."""
    expected = settings.telegram_webhook_secret.get_secret_value()
    if not expected:
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return JSONResponse({"detail": "forbidden"}, status_code=403)
    try:
        update = Update.de_json(await request.json(), None)
    except Exception:  # noqa: BLE001 - whatever the body is, it is not an update we can use
        return JSONResponse({"detail": "not a Telegram update"}, status_code=400)
    await run_in_threadpool(inbox_at(settings.telegram_db_path).accept, incoming_from_update(update))
    return JSONResponse({"ok": True})


# --- the process ----------------------------------------------------------------------------------

def make_bot(settings: ChannelSettings) -> Bot:
    api = settings.telegram_api_url.rstrip("/")
    return Bot(
        settings.telegram_token.get_secret_value(),
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        request=HTTPXRequest(connection_pool_size=32, read_timeout=15, connect_timeout=5),
        get_updates_request=HTTPXRequest(read_timeout=10, connect_timeout=5),
    )


async def serve(settings: ChannelSettings, stop: asyncio.Event) -> None:
    rasa = RasaClient(settings.rasa_url, settings.rasa_token.get_secret_value(), settings.chat_rasa_timeout_seconds)
    inbox = Inbox(settings.telegram_db_path)
    async with make_bot(settings) as bot:
        bridge = TelegramBridge(bot, rasa, inbox, settings)
        if settings.telegram_webhook_mode:
            url = settings.public_url.rstrip("/") + WEBHOOK_PATH
            await bot.set_webhook(url, secret_token=settings.telegram_webhook_secret.get_secret_value(),
                                  allowed_updates=list(ALLOWED_UPDATES))
            log.info("Telegram bridge on (webhook %s), as @%s", url, bot.username)
            tasks = [asyncio.create_task(bridge.run_worker())]
        else:
            await bot.delete_webhook()
            log.info("Telegram bridge on (long polling), as @%s", bot.username)
            tasks = [asyncio.create_task(bridge.poll()), asyncio.create_task(bridge.run_worker())]
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await rasa.aclose()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every URL at INFO, and the Bot API's URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = get_channel_settings()
    if not settings.telegram_token.get_secret_value():
        log.info("Telegram bridge off (set WEGWEISER_TELEGRAM_TOKEN to turn it on)")
        return 0

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve(settings, stop)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
