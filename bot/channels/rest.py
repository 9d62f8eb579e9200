"""Rasa's REST channel (same name and address, `/webhooks/rest/webhook`) that tells the person
when their conversation could not be saved, or their message not dealt with.

The tracker store records a failed read or write during the turn, the action server wrapper a
failed action call (bot/turns.py); once the turn is handled, the answer gets one more message
in the person's language saying so. Every bridge (web chat, Telegram) talks to this channel, so
the notice reaches the person whichever way they write; a streamed answer (`?stream=true`) gets
it too.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from actions.i18n import label
from bot import speedups, turns
from bot.turns import watch

# This module is loaded by the Rasa server (bot/credentials.yml), so the server is patched.
speedups.install()
turns.install()


Handler = Callable[[UserMessage], Awaitable[Any]]


def telling_when_not_saved(on_new_message: Handler) -> Handler:
    """`on_new_message`, and then the notice when the tracker store or the action server failed
    during the turn (bot/turns.py)."""

    async def handle(message: UserMessage) -> None:
        with watch(message.sender_id) as turn:
            try:
                await on_new_message(message)
            finally:
                if turn.notice:
                    await message.output_channel.send_text_message(message.sender_id, label(turn.language, turn.notice))

    return handle


class StoreAwareRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        return super().blueprint(telling_when_not_saved(on_new_message))
