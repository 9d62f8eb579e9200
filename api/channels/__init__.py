"""The channels: Telegram and the web chat, bridged to Rasa's REST channel.

`install(app)` adds the web chat (page, relay, privacy page, static files) and Telegram's
webhook route to the case API's app. The Telegram bridge itself runs as its own process:
`python -m api.channels.telegram`.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles


def install(app: FastAPI) -> None:
    from api.channels.telegram import webhook_router
    from api.channels.webchat import STATIC_DIR, STATIC_PATH, router

    app.include_router(router)
    app.include_router(webhook_router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="chat-static")
