"""Log in, log out, and the start page that sends each role to its work."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from api.auth import service as auth
from api.contract import Role
from api.kit.deps import SessionDep, SettingsDep
from api.ui.format import render
from api.ui.session import CsrfChecked, UiPrincipal, end_session, optional_principal, safe_next, start_session

router = APIRouter(include_in_schema=False)

START_PAGES = {
    Role.case_manager: "/ui/cases",
    Role.coordinator: "/ui/reports",
    Role.operator: "/ui/services",
}


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=303)


@router.get("/ui/")
def start(request: Request, principal: UiPrincipal):
    if principal.role in START_PAGES:
        return RedirectResponse(START_PAGES[principal.role], status_code=303)
    return render(request, "home.html", {"principal": principal})


@router.get("/ui/login")
def login_form(request: Request, next: str | None = None, principal=Depends(optional_principal)):
    if principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "username": ""})


@router.post("/ui/login", dependencies=[CsrfChecked])
async def login(request: Request, session: SessionDep, settings: SettingsDep):
    form = await request.form()
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:256]
    next_path = safe_next(str(form.get("next", "")))
    user = auth.authenticate(session, username, password) if username and password else None
    if user is None or user.role == Role.bot.value:
        return render(
            request,
            "login.html",
            {"next": next_path, "username": username, "error": "Benutzername oder Passwort ist falsch."},
            status_code=401,
        )
    token, expires_in = auth.issue_token(user, settings)
    response = RedirectResponse(next_path, status_code=303)
    start_session(response, request, token, expires_in)
    return response


@router.post("/ui/logout", dependencies=[CsrfChecked])
def logout(request: Request):
    response = RedirectResponse("/ui/login?abgemeldet=1", status_code=303)
    end_session(response, request)
    return response
