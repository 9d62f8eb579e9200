"""`create_app()` builds the case API; `app` is the instance uvicorn serves."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from api.audit.views import router as audit_router
from api.auth.views import router as auth_router
from api.barriers.views import router as barriers_router
from api.cases.views import router as cases_router
from api.channels import install as install_channels
from api.db import engine_for, make_sessionmaker
from api.intakes.views import router as intakes_router
from api.kit import crypto
from api.kit.deps import SessionDep
from api.kit.limits import BodySizeLimit
from api.privacy.rasa import RasaTrackers
from api.privacy.views import router as privacy_router
from api.referrals.views import router as referrals_router
from api.reports.views import router as reports_router
from api.review.views import router as review_router
from api.services.views import router as services_router
from api.settings import Settings, get_settings
from api.ui import install as install_ui

log = logging.getLogger("wegweiser.api")


class Health(BaseModel):
    status: Literal["ok", "unavailable"]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    crypto.configure(settings)
    app = FastAPI(
        title="Wegweiser case API",
        version="1.0.0",
        description=(
            "Intakes from the Wegweiser assistant become cases for KIM case managers in Münster. "
            "Staff log in at /api/auth/token; the assistant uses its own bot token."
        ),
    )
    app.state.settings = settings
    app.state.engine = engine_for(settings)
    app.state.sessionmaker = make_sessionmaker(app.state.engine)
    app.state.rasa_trackers = RasaTrackers(settings)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's default echoes the rejected input back; that may be personal data
        # and can be megabytes, so only location, message and type are returned.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.get(
        "/healthz",
        tags=["health"],
        response_model=Health,
        responses={503: {"model": Health, "description": "database unreachable"}},
    )
    def healthz(session: SessionDep):
        try:
            session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means "not healthy"
            log.exception("health check: database unreachable")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    for router in (
        auth_router,
        intakes_router,
        cases_router,
        referrals_router,
        barriers_router,
        services_router,
        reports_router,
        privacy_router,
        audit_router,
        review_router,
    ):
        app.include_router(router)
    install_channels(app)  # web chat at /chat, /privacy, Telegram's webhook
    install_ui(app)  # the German case-management UI under /ui/ (after the API's error handlers)
    return app


app = create_app()
