"""Users, password hashes (Argon2id) and access tokens (JWT, HS256, expiring)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import User
from api.contract import Organisation, Role
from api.kit.types import utcnow
from api.settings import Settings

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong username costs as much time
# as a wrong password and does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("wegweiser-no-such-user")
TOKEN_ALGORITHM = "HS256"
TOKEN_AUDIENCE = "wegweiser-case-api"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff user, or the assistant's service account (user_id None)."""

    role: Role
    username: str
    user_id: int | None = None
    organisation: Organisation | None = None


BOT_PRINCIPAL = Principal(role=Role.bot, username="bot")


class UserError(ValueError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(session: Session, username: str, password: str) -> User | None:
    # No stored username contains a NUL (PostgreSQL text cannot hold one): such a login is
    # simply wrong, not a database error. The password is still verified, to keep the timing.
    user = None if "\x00" in username else session.scalar(select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    organisation: Organisation | None = None,
) -> User:
    if role == Role.bot:
        raise UserError("the bot is a service account with its own token, not a user")
    if role == Role.case_manager and organisation is None:
        raise UserError("a case manager belongs to an organisation")
    if role != Role.case_manager and organisation is not None:
        raise UserError("only case managers belong to an organisation")
    if len(password) < 12:
        raise UserError("a password needs at least 12 characters")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(f"user {username!r} exists already")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role.value,
        organisation=organisation.value if organisation else None,
    )
    session.add(user)
    session.commit()
    return user


def issue_token(user: User, settings: Settings) -> tuple[str, int]:
    expires_in = settings.token_expire_minutes * 60
    now = utcnow()
    claims = {
        "sub": str(user.id),
        "aud": TOKEN_AUDIENCE,
        "iat": now,
        "exp": now + timedelta(seconds=expires_in),
    }
    token = jwt.encode(claims, settings.effective_secret_key(), algorithm=TOKEN_ALGORITHM)
    return token, expires_in


def principal_from_token(session: Session, token: str, settings: Settings) -> Principal | None:
    if hmac.compare_digest(token.encode(), settings.effective_bot_token().encode()):
        return BOT_PRINCIPAL
    try:
        claims = jwt.decode(
            token,
            settings.effective_secret_key(),
            algorithms=[TOKEN_ALGORITHM],
            audience=TOKEN_AUDIENCE,
            options={"require": ["exp", "sub", "aud"]},
        )
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, ValueError):
        return None
    # Looked up on every request: a deactivated user loses access at once.
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return Principal(
        role=Role(user.role),
        username=user.username,
        user_id=user.id,
        organisation=Organisation(user.organisation) if user.organisation else None,
    )
