"""Encryption at rest for special-category fields, and keyed hashes for lookups.

The cipher is process-wide because SQLAlchemy column types cannot reach a request's
settings; `configure()` is called once by `create_app()` and by the CLI.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from api.settings import Settings, get_settings


class _Keys:
    cipher: MultiFernet | None = None
    lookup_key: bytes = b""


_keys = _Keys()


def configure(settings: Settings) -> None:
    _keys.cipher = MultiFernet([Fernet(key) for key in settings.effective_encryption_keys()])
    # Lookup hashes are keyed with a value derived from the secret key, so a leaked
    # database alone cannot confirm a guessed conversation id.
    _keys.lookup_key = hashlib.sha256(
        b"wegweiser-lookup:" + settings.effective_secret_key().encode()
    ).digest()


def _ensure_configured() -> None:
    if _keys.cipher is None:
        configure(get_settings())


def encrypt(plaintext: str) -> str:
    _ensure_configured()
    assert _keys.cipher is not None
    return _keys.cipher.encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    _ensure_configured()
    assert _keys.cipher is not None
    try:
        return _keys.cipher.decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:  # a wrong or rotated-out key must be loud, never silent
        raise RuntimeError("stored value cannot be decrypted with the configured keys") from exc


def lookup_hash(value: str) -> str:
    _ensure_configured()
    return hmac.new(_keys.lookup_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
