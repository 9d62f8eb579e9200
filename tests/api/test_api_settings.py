"""Unsafe settings stop the service outside development."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from api.settings import DEVELOPMENT_BOT_TOKEN, Settings

GOOD = {
    "secret_key": "k" * 40,
    "bot_token": "b" * 40,
    "encryption_key": Fernet.generate_key().decode(),
}


@pytest.mark.parametrize(
    "override",
    [
        {"secret_key": ""},
        {"bot_token": ""},
        {"bot_token": DEVELOPMENT_BOT_TOKEN},
        {"secret_key": "short"},
        {"encryption_key": ""},
        {"encryption_key": "not-a-fernet-key"},
        {"bot_token": "k" * 40},
    ],
)
def test_production_refuses_unsafe_secrets(override):
    with pytest.raises(ValidationError):
        Settings(env="production", **(GOOD | override))


def test_production_accepts_proper_secrets_and_rotated_keys():
    rotated = f"{Fernet.generate_key().decode()},{GOOD['encryption_key']}"
    settings = Settings(env="production", **(GOOD | {"encryption_key": rotated}))
    assert len(settings.encryption_keys()) == 2


def test_development_makes_and_keeps_its_own_keys(tmp_path):
    first = Settings(env="development", var_dir=tmp_path, secret_key="", encryption_key="", bot_token="")
    second = Settings(env="development", var_dir=tmp_path, secret_key="", encryption_key="", bot_token="")
    assert first.effective_secret_key() == second.effective_secret_key()
    assert first.effective_encryption_keys() == second.effective_encryption_keys()
    assert first.effective_bot_token() == DEVELOPMENT_BOT_TOKEN
