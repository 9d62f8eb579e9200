"""The service directory: every staff member reads it, operators keep it current."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from api.contract import Role
from api.kit.deps import SessionDep
from api.kit.errors import not_found
from api.services import service
from api.services.models import DirectoryOrganisation, DirectoryService
from api.services.schemas import OrganisationUpdate, ServiceUpdate
from api.ui.format import render
from api.ui.forms import form_errors, problem_text
from api.ui.session import CsrfChecked, UiOperator, UiStaff

router = APIRouter(include_in_schema=False)
EntryId = Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]

KINDS = {"services": (DirectoryService, ServiceUpdate), "organisations": (DirectoryOrganisation, OrganisationUpdate)}


@router.get("/ui/services")
def directory(request: Request, session: SessionDep, principal: UiStaff):
    services = session.scalars(
        select(DirectoryService).options(selectinload(DirectoryService.organisation)).order_by(DirectoryService.name)
    ).all()
    organisations = session.scalars(select(DirectoryOrganisation).order_by(DirectoryOrganisation.name)).all()
    context = {
        "principal": principal,
        "services": services,
        "organisations": organisations,
        "can_edit": principal.role == Role.operator,
        "message": "Die Änderungen sind gespeichert." if request.query_params.get("gespeichert") else None,
    }
    return render(request, "directory/list.html", context)


def _entry(session, kind: str, entry_id: str):
    model, _ = KINDS[kind]
    entry = session.get(model, entry_id)
    if entry is None:
        raise not_found("entry not found")
    return entry


def _form_values(entry, kind: str) -> dict:
    values = {
        "name": entry.name,
        "description": entry.description,
        "email": entry.email,
        "phone": entry.phone,
        "url": entry.url,
        "address": entry.address,
        "needs_operator_review": entry.needs_operator_review,
        "last_verified": entry.last_verified.isoformat() if entry.last_verified else "",
    }
    if kind == "services":
        values |= {
            "eligibility": entry.eligibility,
            "minimum_age": "" if entry.minimum_age is None else str(entry.minimum_age),
            "maximum_age": "" if entry.maximum_age is None else str(entry.maximum_age),
            "languages": ", ".join(entry.languages),
            "service_area": entry.service_area,
            "application_process": entry.application_process,
        }
    return values


def _edit_page(request, principal, kind, entry, values, errors=None, error=None, status_code=200):
    context = {
        "principal": principal,
        "kind": kind,
        "entry": entry,
        "values": values,
        "errors": errors or {},
        "error": error,
        "today": date.today().isoformat(),
    }
    return render(request, "directory/edit.html", context, status_code=status_code)


@router.get("/ui/{kind}/{entry_id}/edit")
def edit_form(request: Request, session: SessionDep, principal: UiOperator, kind: str, entry_id: EntryId):
    if kind not in KINDS:
        raise not_found()
    entry = _entry(session, kind, entry_id)
    return _edit_page(request, principal, kind, entry, _form_values(entry, kind))


def _update_from_form(kind: str, form) -> ServiceUpdate | OrganisationUpdate:
    """The form as the API's update body: every field sent, so emptied fields are cleared."""
    fields: dict = {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
        "contact": {key: form.get(key, "") for key in ("email", "phone", "url", "address")},
        "needs_operator_review": form.get("needs_operator_review") == "on",
        "last_verified": form.get("last_verified") or None,
    }
    if kind == "services":
        fields |= {
            "eligibility": form.get("eligibility", ""),
            "minimum_age": form.get("minimum_age") or None,
            "maximum_age": form.get("maximum_age") or None,
            "languages": [code.strip().lower() for code in form.get("languages", "").replace(";", ",").split(",") if code.strip()],
            "service_area": form.get("service_area", ""),
            "application_process": form.get("application_process", ""),
        }
    return KINDS[kind][1].model_validate(fields)


@router.post("/ui/{kind}/{entry_id}/edit", dependencies=[CsrfChecked])
async def save(request: Request, session: SessionDep, principal: UiOperator, kind: str, entry_id: EntryId):
    if kind not in KINDS:
        raise not_found()
    entry = _entry(session, kind, entry_id)
    form = await request.form()
    values = {key: value for key, value in form.items() if key != "csrf_token"}
    values["needs_operator_review"] = form.get("needs_operator_review") == "on"
    try:
        update = _update_from_form(kind, form)
        service.edit(session, entry, update, principal.username)
    except ValidationError as exc:
        return _edit_page(request, principal, kind, entry, values, form_errors(exc), "Bitte prüfen Sie die Eingaben.", 422)
    except HTTPException as exc:
        return _edit_page(request, principal, kind, _entry(session, kind, entry_id), values, None, problem_text(exc), exc.status_code)
    return RedirectResponse(f"/ui/services?gespeichert=1#{kind}-{entry_id}", status_code=303)
