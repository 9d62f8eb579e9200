"""The case-management UI: German, server-rendered pages served by the case API.

`install(app)` mounts the pages, their static files and the error pages. Every page
calls the same service functions as the JSON routes, under the same role and
organisation rules; nothing here decides anything the API does not.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.ui import cases, directory, login, reports, review
from api.ui.format import STATIC_DIR, render
from api.ui.forms import ERROR_TEXTS
from api.ui.security import SecurityHeaders
from api.ui.session import LoginRequired, login_url

UI_PREFIX = "/ui/"

CSRF_MESSAGE = (
    "Das Formular ist abgelaufen oder kam nicht von dieser Seite. "
    "Bitte laden Sie die Seite neu und versuchen Sie es noch einmal."
)


def _is_ui(request: Request) -> bool:
    return request.url.path.startswith(UI_PREFIX)


def install(app: FastAPI) -> None:
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="ui-static")
    for router in (login.router, cases.router, reports.router, directory.router, review.router):
        app.include_router(router)
    app.add_middleware(SecurityHeaders, prefix=UI_PREFIX)
    api_validation_handler = app.exception_handlers.get(RequestValidationError)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired):
        if request.headers.get("x-requested-with") == "fetch":
            return JSONResponse({"detail": "not authenticated"}, status_code=401)
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if not _is_ui(request):
            return await http_exception_handler(request, exc)
        message = CSRF_MESSAGE if exc.detail == "csrf" else ERROR_TEXTS.get(exc.status_code, "Ein Fehler ist aufgetreten.")
        return render(request, "error.html", {"status": exc.status_code, "text": message}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        if not _is_ui(request):
            return await api_validation_handler(request, exc)
        # A mistyped case id in the address bar is a page that does not exist.
        return render(request, "error.html", {"status": 404, "text": ERROR_TEXTS[404]}, 404)
