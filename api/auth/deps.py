"""`CurrentPrincipal` and role guards used by every domain's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.service import Principal, principal_from_token
from api.contract import Role
from api.kit.deps import SessionDep, SettingsDep
from api.kit.errors import forbidden

_bearer = HTTPBearer(auto_error=False, description="A staff access token or the bot token")


def _unauthenticated() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "not authenticated",
        headers={"WWW-Authenticate": "Bearer"},
    )


def current_principal(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthenticated()
    principal = principal_from_token(session, credentials.credentials, settings)
    if principal is None:
        raise _unauthenticated()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(*roles: Role):
    allowed = frozenset(roles)

    def guard(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise forbidden()
        return principal

    return Annotated[Principal, Depends(guard)]


BotPrincipal = require(Role.bot)
CaseManager = require(Role.case_manager)
Staff = require(Role.case_manager, Role.coordinator, Role.operator, Role.admin)
Admin = require(Role.admin)
Operator = require(Role.operator)
Coordinator = require(Role.coordinator)
