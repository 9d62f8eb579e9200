"""HTTP errors with one body shape, documented in the OpenAPI schema of every route."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, status
from pydantic import BaseModel


class ErrorBody(BaseModel):
    detail: str


class ValidationErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    detail: list[ValidationErrorItem]


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed for this role",
    404: "Not found (or not visible to you)",
    409: "Conflicts with the current state",
    413: "Request body too large",
    422: "Invalid input",
    502: "A downstream service failed",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for a route: 400 (unreadable body), 401 and 413 everywhere,
    plus the given codes."""
    documented: dict[int | str, dict[str, Any]] = {}
    for code in sorted({400, 401, 413, *codes}):
        model = ValidationErrorBody if code == 422 else ErrorBody
        documented[code] = {"model": model, "description": _DESCRIPTIONS[code]}
    return documented


def created_or_replayed(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` of an idempotent POST of the bot: 200 is a replay of the key."""
    return {200: {"model": model, "description": "Replay of an earlier submission"}} | responses(403, 422)


def not_found(what: str = "not found") -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, what)


def forbidden(what: str = "not allowed for your role") -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, what)


def conflict(what: str) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, what)


def unprocessable(loc: list[str | int], msg: str, kind: str = "value_error") -> HTTPException:
    """A 422 shaped like FastAPI's own validation errors, so clients parse one format."""
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": loc, "msg": msg, "type": kind}],
    )
