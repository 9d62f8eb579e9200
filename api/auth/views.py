from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, status
from sqlalchemy import select

from api.auth import service
from api.auth.deps import Admin, CurrentPrincipal
from api.auth.models import User
from api.auth.schemas import Me, TokenResponse, UserCreate, UserRead, UserUpdate
from api.contract import Role
from api.kit.deps import SessionDep, SettingsDep
from api.kit.errors import not_found, responses, unprocessable
from api.kit.pagination import Page, PageDep, paginate

router = APIRouter(tags=["auth"])


@router.post("/api/auth/token", response_model=TokenResponse, responses=responses(422))
def login(
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=256)],
    grant_type: Annotated[Literal["password"] | None, Form()] = None,
) -> TokenResponse:
    """OAuth2 password flow (form fields username, password; grant_type optional)."""
    user = service.authenticate(session, username, password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token, expires_in = service.issue_token(user, settings)
    return TokenResponse(access_token=token, expires_in=expires_in)


@router.get("/api/auth/me", response_model=Me, responses=responses())
def me(principal: CurrentPrincipal) -> Me:
    return Me(username=principal.username, role=principal.role, organisation=principal.organisation)


@router.get("/api/users", response_model=Page[UserRead], responses=responses(403, 422))
def list_users(session: SessionDep, _admin: Admin, page: PageDep) -> Page[UserRead]:
    rows, total = paginate(session, select(User).order_by(User.username), page)
    return Page[UserRead](
        items=[UserRead.model_validate(u) for u in rows], total=total, **page.model_dump()
    )


@router.post(
    "/api/users", response_model=UserRead, status_code=201, responses=responses(403, 409, 422)
)
def create_user(session: SessionDep, _admin: Admin, body: UserCreate) -> UserRead:
    try:
        user = service.create_user(
            session, body.username, body.password, Role(body.role), body.organisation
        )
    except service.UserError as exc:
        if "exists" in str(exc):
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
        raise unprocessable(["body"], str(exc)) from exc
    return UserRead.model_validate(user)


@router.patch("/api/users/{user_id}", response_model=UserRead, responses=responses(403, 404, 422))
def update_user(session: SessionDep, admin: Admin, user_id: int, body: UserUpdate) -> UserRead:
    user = session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise not_found("user not found")
    if body.is_active is False and user.id == admin.user_id:
        raise unprocessable(["body", "is_active"], "you cannot deactivate yourself")
    if body.is_active is not None:
        user.is_active = body.is_active
    if body.password is not None:
        user.password_hash = service.hash_password(body.password)
    session.commit()
    return UserRead.model_validate(user)


