from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from api.contract import Organisation, Role
from api.kit.schemas import ResponseModel, StrictModel, line


class TokenResponse(ResponseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserRead(ResponseModel):
    id: int
    username: str
    role: Role
    organisation: Organisation | None
    is_active: bool
    created_at: datetime


class Me(ResponseModel):
    username: str
    role: Role
    organisation: Organisation | None


class UserCreate(StrictModel):
    username: line(64, 3)  # type: ignore[valid-type]
    password: str = Field(min_length=12, max_length=256)
    role: Literal["case_manager", "coordinator", "operator", "admin"]
    organisation: Organisation | None = None


class UserUpdate(StrictModel):
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=12, max_length=256)
