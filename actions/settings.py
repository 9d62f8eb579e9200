"""Settings of the action server: one object, read from the environment once."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"WEGWEISER_{name}", default)


@dataclass(frozen=True)
class Settings:
    env: str = field(default_factory=lambda: _env("ENV", "development"))
    api_url: str = field(default_factory=lambda: _env("API_URL", "http://127.0.0.1:8000").rstrip("/"))
    bot_token: str = field(default_factory=lambda: _env("BOT_TOKEN", ""))
    public_url: str = field(default_factory=lambda: _env("PUBLIC_URL", "http://localhost:8000").rstrip("/"))
    outbox_path: Path = field(default_factory=lambda: Path(_env("OUTBOX_PATH", str(REPO_ROOT / "var" / "outbox.db"))))
    consent_text_version: str = field(default_factory=lambda: _env("CONSENT_TEXT_VERSION", "consent-v1"))
    api_timeout_seconds: float = field(default_factory=lambda: float(_env("API_TIMEOUT_SECONDS", "5")))
    outbox_retry_seconds: float = field(default_factory=lambda: float(_env("OUTBOX_RETRY_SECONDS", "5")))
    need_confidence: float = field(default_factory=lambda: float(_env("NEED_CONFIDENCE", "0.5")))
    secondary_need_confidence: float = field(default_factory=lambda: float(_env("SECONDARY_NEED_CONFIDENCE", "0.2")))
    # the linear classifier's one-vs-rest score for a second need in the same message
    secondary_need_score: float = field(default_factory=lambda: float(_env("SECONDARY_NEED_SCORE", "-0.1")))

    def check(self) -> None:
        if self.env != "development" and not self.bot_token:
            raise RuntimeError("WEGWEISER_BOT_TOKEN is empty: refused outside development mode")

    @property
    def privacy_url(self) -> str:
        return f"{self.public_url}/privacy"


settings = Settings()
