"""The one settings object of the case API. Every value comes from a `WEGWEISER_*` variable.

Outside development an empty or well-known secret stops the service at start-up: a
deployment that forgot a variable must fail loudly, not run with a guessable key.
"""

from __future__ import annotations

import base64
import json
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.kit.datafiles import DATA_DIR

# The development bot token is a fixed, documented value so that the action server started
# by `make run` can use it without sharing a file; it is refused in every other mode.
DEVELOPMENT_BOT_TOKEN = "development-bot-token"
UNSAFE_SECRETS = {"", "changeme", "changethis", "secret", "password", DEVELOPMENT_BOT_TOKEN}
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WEGWEISER_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/wegweiser.db"
    var_dir: Path = Path("var")

    secret_key: SecretStr = SecretStr("")
    bot_token: SecretStr = SecretStr("")
    # One Fernet key, or several separated by commas (the first encrypts; all decrypt),
    # so that a key can be rotated without losing what the old one encrypted.
    encryption_key: SecretStr = SecretStr("")

    rasa_url: str = ""
    rasa_token: SecretStr = SecretStr("")
    rasa_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    retention_days: int = Field(default=183, ge=1, le=3650)
    token_expire_minutes: int = Field(default=480, ge=1, le=7 * 24 * 60)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=10 * 1024 * 1024)
    small_count_threshold: int = Field(default=5, ge=1, le=100)

    # The review inbox writes accepted examples to <training_data_dir>/<lang>/reviewed.yml and
    # never accepts a text of the held-out sets; `models_dir/latest` names the trained model.
    training_data_dir: Path = DATA_DIR / "nlu"
    heldout_dir: Path = DATA_DIR / "heldout"
    models_dir: Path = DATA_DIR.parent / "models"

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @model_validator(mode="after")
    def _refuse_unsafe_secrets(self) -> "Settings":
        if self.is_development:
            return self
        problems = []
        for name in ("secret_key", "bot_token"):
            value = getattr(self, name).get_secret_value()
            if value in UNSAFE_SECRETS or len(value) < MIN_SECRET_LENGTH:
                problems.append(
                    f"WEGWEISER_{name.upper()} must be set to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters when WEGWEISER_ENV={self.env}"
                )
        if self.secret_key.get_secret_value() == self.bot_token.get_secret_value():
            problems.append("WEGWEISER_BOT_TOKEN must differ from WEGWEISER_SECRET_KEY")
        keys = self.encryption_keys()
        if not keys:
            problems.append(
                f"WEGWEISER_ENCRYPTION_KEY is required when WEGWEISER_ENV={self.env} "
                "(generate one with: python -m api.cli generate-key)"
            )
        for key in keys:
            try:
                Fernet(key)
            except ValueError:
                problems.append("WEGWEISER_ENCRYPTION_KEY is not a valid Fernet key")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def encryption_keys(self) -> list[str]:
        raw = self.encryption_key.get_secret_value()
        return [part.strip() for part in raw.split(",") if part.strip()]

    def effective_secret_key(self) -> str:
        return self.secret_key.get_secret_value() or self._development_secrets()["secret_key"]

    def effective_bot_token(self) -> str:
        return self.bot_token.get_secret_value() or DEVELOPMENT_BOT_TOKEN

    def effective_encryption_keys(self) -> list[str]:
        return self.encryption_keys() or [self._development_secrets()["encryption_key"]]

    def _development_secrets(self) -> dict[str, str]:
        """Random keys made once and kept under var/, so development data stays readable."""
        path = self.var_dir / "development-secrets.json"
        if path.exists():
            return json.loads(path.read_text())
        path.parent.mkdir(parents=True, exist_ok=True)
        values = {
            "secret_key": secrets.token_urlsafe(48),
            "encryption_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        }
        path.touch(mode=0o600)
        path.write_text(json.dumps(values))
        return values


@lru_cache
def get_settings() -> Settings:
    return Settings()
