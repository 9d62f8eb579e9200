"""The browser's session: a cookie holding a staff access token, and CSRF protection.

The cookie carries the same signed, expiring token the JSON API issues, so the browser
is checked by exactly the API's rules (`principal_from_token`: a deactivated user is out
at once). It is HttpOnly (no script reads it), SameSite=Strict (no other site sends it)
and Secure outside development.

CSRF: a random nonce in its own cookie; every form carries HMAC(nonce, session) in a
hidden field ("signed double submit"). A forged form from another origin can neither read
the nonce nor compute the HMAC, and the token dies with the session it was made for.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Response, status

from api.auth.service import Principal, principal_from_token
from api.contract import Role
from api.kit.deps import SessionDep, SettingsDep
from api.kit.errors import forbidden
from api.settings import Settings

SESSION_COOKIE = "wegweiser_session"
CSRF_COOKIE = "wegweiser_csrf"
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """Raised by the UI's guards; answered with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def _csrf_key(settings: Settings) -> bytes:
    return hashlib.sha256(b"wegweiser-ui-csrf:" + settings.effective_secret_key().encode()).digest()


def csrf_nonce(request: Request) -> str:
    """The request's nonce; a new one is made (and later set as cookie) when there is none."""
    nonce = getattr(request.state, "csrf_nonce", None) or request.cookies.get(CSRF_COOKIE)
    if not nonce or len(nonce) > 128:
        nonce = secrets.token_urlsafe(32)
        request.state.new_csrf_nonce = nonce
    request.state.csrf_nonce = nonce
    return nonce


def csrf_token(request: Request) -> str:
    settings = request.app.state.settings
    session_value = getattr(request.state, "session_cookie", None)
    if session_value is None:
        session_value = request.cookies.get(SESSION_COOKIE, "")
    message = f"{csrf_nonce(request)}|{session_value}".encode()
    return hmac.new(_csrf_key(settings), message, hashlib.sha256).hexdigest()


async def require_csrf(request: Request) -> None:
    """Dependency of every form POST: refuse without a valid token (403)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not cookie:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "csrf")
    request.state.csrf_nonce = cookie
    if not hmac.compare_digest(sent, csrf_token(request)):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "csrf")


CsrfChecked = Depends(require_csrf)


def _cookie_flags(settings: Settings) -> dict:
    return {"httponly": True, "samesite": "strict", "secure": not settings.is_development, "path": "/"}


def set_csrf_cookie(response: Response, request: Request) -> None:
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce:
        response.set_cookie(CSRF_COOKIE, nonce, **_cookie_flags(request.app.state.settings))


def start_session(response: Response, request: Request, token: str, max_age: int) -> None:
    settings = request.app.state.settings
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, **_cookie_flags(settings))
    # A fresh nonce at login, so a nonce planted before the login is worth nothing after it.
    response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(32), **_cookie_flags(settings))


def end_session(response: Response, request: Request) -> None:
    flags = _cookie_flags(request.app.state.settings)
    flags.pop("httponly")
    response.delete_cookie(SESSION_COOKIE, **flags)
    response.delete_cookie(CSRF_COOKIE, **flags)


def optional_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    principal = principal_from_token(session, token, settings)
    # The bot's token is for the assistant's calls, never a browser session.
    if principal is None or principal.role == Role.bot:
        return None
    return principal


def ui_principal(request: Request, principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    if principal is None:
        path = request.url.path
        if request.url.query:
            path += "?" + request.url.query
        raise LoginRequired(path)
    return principal


UiPrincipal = Annotated[Principal, Depends(ui_principal)]


def ui_require(*roles: Role):
    """The same role rule as `api.auth.deps.require`, for a browser session."""
    allowed = frozenset(roles)

    def guard(principal: UiPrincipal) -> Principal:
        if principal.role not in allowed:
            raise forbidden()
        return principal

    return Annotated[Principal, Depends(guard)]


# The roles of the API routes each part of the UI stands on.
UiCaseManager = ui_require(Role.case_manager)
UiCoordinator = ui_require(Role.coordinator)
UiOperator = ui_require(Role.operator)
UiStaff = ui_require(Role.case_manager, Role.coordinator, Role.operator, Role.admin)


def login_url(next_path: str) -> str:
    return "/ui/login?next=" + quote(next_path, safe="/")


def safe_next(value: str | None) -> str:
    """Only paths inside the UI: a login link must not send anyone to another site."""
    if value and value.startswith("/ui/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/ui/"
