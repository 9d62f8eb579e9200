"""Settings of the channel bridges: the case API's settings plus what only the channels need.

The bridges run inside the API service (web chat, Telegram webhook) and as their own process
(`python -m api.channels.telegram`); both read this one object, so a channel setting has one
name and one default wherever it is used.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator

from api.settings import Settings

# Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - as a webhook secret token.
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ChannelSettings(Settings):
    public_url: str = "http://localhost:8000"
    # A longer message is refused with a friendly answer before it reaches Rasa.
    chat_max_chars: int = Field(default=2000, ge=100, le=4000)
    # One turn may include the action server calling the case API, so this is longer than
    # the case API's own Rasa timeout; past it the person is told Rasa is not answering.
    chat_rasa_timeout_seconds: float = Field(default=15.0, gt=0, le=120)

    telegram_token: SecretStr = SecretStr("")
    # Set: webhook mode (Telegram posts to /telegram/webhook with this secret). Empty: long polling.
    telegram_webhook_secret: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org"
    telegram_db: Path | None = None
    telegram_retry_seconds: float = Field(default=5.0, gt=0, le=600)

    @model_validator(mode="after")
    def _check_webhook_secret(self) -> "ChannelSettings":
        secret = self.telegram_webhook_secret.get_secret_value()
        if secret and not _TELEGRAM_SECRET.match(secret):
            raise ValueError("WEGWEISER_TELEGRAM_WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, _ and - (1-256)")
        if secret and not self.is_development and len(secret) < 32:
            raise ValueError(f"WEGWEISER_TELEGRAM_WEBHOOK_SECRET must be at least 32 characters when WEGWEISER_ENV={self.env}")
        return self

    @property
    def telegram_db_path(self) -> Path:
        return self.telegram_db or self.var_dir / "telegram.db"

    @property
    def telegram_webhook_mode(self) -> bool:
        return bool(self.telegram_webhook_secret.get_secret_value())


@lru_cache
def get_channel_settings() -> ChannelSettings:
    return ChannelSettings()
