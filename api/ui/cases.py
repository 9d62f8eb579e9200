"""Case managers' pages: the queue and one case, with every action of the case API."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select

from api.audit import service as audit
from api.auth.models import User
from api.auth.service import Principal
from api.barriers import service as barriers
from api.barriers.schemas import BarrierCreate
from api.cases import service
from api.cases.models import Case
from api.cases.schemas import NoteCreate, RoutingDecisionCreate, StatusChange
from api.contract import (
    CASE_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    CaseStatus,
    Goal,
    Language,
    ReferralStatus,
    ReferralTarget,
    Urgency,
)
from api.intakes import service as intakes
from api.intakes.models import Intake
from api.kit.deps import SessionDep
from api.kit.pagination import PageParams, paginate
from api.kit.types import utcnow
from api.referrals import service as referrals
from api.referrals.schemas import ReferralCreate, ReferralStatusChange
from api.services.models import DirectoryService
from api.ui.format import page_offset, render
from api.ui.forms import form_errors, problem_text
from api.ui.session import CsrfChecked, UiCaseManager

router = APIRouter(include_in_schema=False)
CaseId = Annotated[uuid.UUID, Path()]
PAGE_SIZE = 50

SCOPES = {
    "all": "Alle sichtbaren",
    "pool": "Noch nicht übernommen",
    "organisation": "Meine Organisation",
    "mine": "Mir zugewiesen",
}
# Confirmation texts after an action (Post/Redirect/Get), by a short code in the address.
DONE = {
    "claimed": "Sie haben den Fall übernommen.",
    "status": "Der Status wurde geändert.",
    "note": "Die Notiz wurde gespeichert.",
    "routing": "Die Zuordnung wurde gespeichert.",
    "referral": "Die Weitervermittlung wurde gespeichert.",
    "barrier": "Die Barriere wurde erfasst.",
}


def _enum_or_none(enum, value: str | None):
    try:
        return enum(value) if value else None
    except ValueError:
        return None


def _filters(request: Request) -> tuple[service.QueueFilters, dict[str, str]]:
    """The queue's filters from the address; unknown values are ignored, not an error page."""
    q = request.query_params
    chosen = {
        "scope": q.get("scope") if q.get("scope") in SCOPES else "all",
        "status": q.get("status", "") if _enum_or_none(CaseStatus, q.get("status")) else "",
        "language": q.get("language", "") if _enum_or_none(Language, q.get("language")) else "",
        "goal": q.get("goal", "") if _enum_or_none(Goal, q.get("goal")) else "",
        "referral": q.get("referral", "") if _enum_or_none(ReferralTarget, q.get("referral")) else "",
        "urgency": q.get("urgency", "") if _enum_or_none(Urgency, q.get("urgency")) else "",
        "district": (q.get("district") or "").strip()[:64],
    }
    filters = service.QueueFilters(
        status=_enum_or_none(CaseStatus, chosen["status"]),
        scope=chosen["scope"],
        language=chosen["language"] or None,
        goal=_enum_or_none(Goal, chosen["goal"]),
        referral=_enum_or_none(ReferralTarget, chosen["referral"]),
        urgency=chosen["urgency"] or None,
        district=chosen["district"] or None,
    )
    return filters, chosen


def _queue(request: Request, session, principal: Principal) -> dict:
    filters, chosen = _filters(request)
    offset = page_offset(request)
    rows, total = paginate(
        session, service.queue_query(principal, filters), PageParams(limit=PAGE_SIZE, offset=offset),
        service.queue_count_query(principal, filters),
    )
    targets = service.referral_targets_by_case(session, [c.id for c in rows])
    now = utcnow()
    items = [
        {
            "case": c,
            "goals": [g.code for g in c.goals],
            "referrals": targets[c.id],
            "waiting_minutes": ((c.claimed_at or now) - c.intake.created_at).total_seconds() / 60,
            "mine": c.assignee_id == principal.user_id,
        }
        for c in rows
    ]
    query = urlencode({k: v for k, v in chosen.items() if v})
    return {
        "items": items,
        "total": total,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "chosen": chosen,
        "scopes": SCOPES,
        "query": query,
        "districts": _districts(session, principal),
    }


def _districts(session, principal: Principal) -> list[str]:
    """Districts seen in the visible queue, for the filter's suggestions."""
    query = (
        service.queue_query(principal, service.QueueFilters())
        .with_only_columns(Intake.district)
        .distinct()
        .order_by(None)
    )
    return sorted(d for d in session.scalars(query) if d)


@router.get("/ui/cases")
def queue(request: Request, session: SessionDep, principal: UiCaseManager):
    return render(request, "cases/queue.html", {"principal": principal, **_queue(request, session, principal)})


@router.get("/ui/cases/rows")
def queue_rows(request: Request, session: SessionDep, principal: UiCaseManager):
    """The queue's table body alone: what the page's script fetches to stay current."""
    context = {"principal": principal, **_queue(request, session, principal)}
    response = render(request, "cases/_rows.html", context)
    response.headers["x-queue-total"] = str(context["total"])
    return response


# --- one case --------------------------------------------------------------------


def _detail_context(session, principal: Principal, case: Case) -> dict:
    record = intakes.to_record(case.intake, case.status)
    case_referrals = referrals.of_case(session, case.id)
    owned = case.organisation is not None and principal.organisation is not None and case.organisation == principal.organisation.value
    current = CaseStatus(case.status)
    assignee = session.get(User, case.assignee_id) if case.assignee_id else None
    directory = session.scalars(select(DirectoryService).order_by(DirectoryService.name)).all()
    return {
        "case": case,
        "record": record,
        "assignee": assignee.username if assignee else None,
        "owned": owned,
        "can_claim": current == CaseStatus.new and case.organisation is None,
        "next_statuses": sorted(CASE_TRANSITIONS[current] - {CaseStatus.claimed}, key=list(CaseStatus).index),
        "notes": service.notes(session, case),
        "history": service.history(session, case),
        "decisions": service.routing_decisions(session, case),
        "referrals": case_referrals,
        "referral_moves": {r.id: sorted(REFERRAL_TRANSITIONS[ReferralStatus(r.status)], key=list(ReferralStatus).index) for r in case_referrals},
        "active_targets": [r.target for r in case_referrals if r.status in referrals.ACTIVE],
        "barriers": barriers.of_case(session, case.id),
        "directory": directory,
        "directory_names": {s.id: s.name for s in directory},
        "current_goals": [g.code for g in case.goals],
        "closed": current == CaseStatus.closed,
    }


def _show(request: Request, session, principal: Principal, case_id: uuid.UUID, *, error=None, errors=None, status_code=200, form=None):
    case = service.get_visible(session, principal, case_id)
    # Opening a case is a read of personal data, audited like the JSON API's.
    audit.record(session, principal, "read", "case", case.id)
    session.commit()
    message = DONE.get(request.query_params.get("erledigt", ""))
    context = {
        "principal": principal,
        "message": message,
        "error": error,
        "errors": errors or {},
        "form": form or {},
        **_detail_context(session, principal, case),
    }
    return render(request, "cases/detail.html", context, status_code=status_code)


@router.get("/ui/cases/{case_id}")
def case_detail(request: Request, session: SessionDep, principal: UiCaseManager, case_id: CaseId):
    return _show(request, session, principal, case_id)


def _done(case_id: uuid.UUID, what: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/ui/cases/{case_id}?erledigt={what}{anchor}", status_code=303)


async def _act(request: Request, session, principal: Principal, case_id: uuid.UUID, action, done: str, anchor: str = ""):
    """Run one action; a refusal by the service shows the case again with the reason."""
    form = await request.form()
    try:
        action(form)
    except ValidationError as exc:
        session.rollback()
        return _show(request, session, principal, case_id, error="Bitte prüfen Sie die Eingaben.", errors={f"{done}.{k}": v for k, v in form_errors(exc).items()}, status_code=422, form=dict(form))
    except HTTPException as exc:
        session.rollback()
        if exc.status_code == 404:
            raise
        return _show(request, session, principal, case_id, error=problem_text(exc), status_code=exc.status_code, form=dict(form))
    return _done(case_id, done, anchor)


@router.post("/ui/cases/{case_id}/claim", dependencies=[CsrfChecked])
async def claim(request: Request, session: SessionDep, principal: UiCaseManager, case_id: CaseId):
    def run(_form):
        case = service.get_visible(session, principal, case_id)
        service.claim(session, principal, case)
        audit.record(session, principal, "read", "case", case.id)
        session.commit()

    return await _act(request, session, principal, case_id, run, "claimed")


@router.post("/ui/cases/{case_id}/status", dependencies=[CsrfChecked])
async def change_status(request: Request, session: SessionDep, principal: UiCaseManager, case_id: CaseId):
    def run(form):
        body = StatusChange(status=form.get("status"), outcome=form.get("outcome") or None)
        case = service.get_owned(session, principal, case_id)
        service.change_status(session, principal, case, body.status, body.outcome)

    return await _act(request, session, principal, case_id, run, "status")


@router.post("/ui/cases/{case_id}/notes", dependencies=[CsrfChecked])
async def add_note(request: Request, session: SessionDep, principal: UiCaseManager, case_id: CaseId):
    def run(form):
        body = NoteCreate(text=form.get("text", ""))
        case = service.get_owned(session, principal, case_id)
        service.add_note(session, principal, case, body.text)

    return await _act(request, session, principal, case_id, run, "note", "#notizen")


@router.post("/ui/cases/{case_id}/routing", dependencies=[CsrfChecked])
async def decide_routing(request: Request, session: SessionDep, principal: UiCaseManager, case_id: CaseId):
    def run(form):
        action = form.get("action")
        if action == "confirm":
            body = RoutingDecisionCreate(action="confirm")
        else:
            body = RoutingDecisionCreate(
                action="change",
                goals=form.getlist("goals"),
                referrals=form.getlist("referrals"),
                reason=form.get("reason") or None,
            )
        case = service.get_owned(session, principal, case_id)
        service.decide_routing(session, principal, case, body.action, body.goals, body.referrals, body.reason)

    return await _act(request, session, principal, case_id, run, "routing", "#zuordnung")


@router.post("/ui/cases/{case_id}/referrals", dependencies=[CsrfChecked])
async def add_referral(request: Request, session: SessionDep, principal: UiCaseManager, case_id: CaseId):
    def run(form):
        body = ReferralCreate(target=form.get("target"))
        case = service.get_owned(session, principal, case_id)
        referrals.add_to_case(session, case.id, body.target, principal.username)

    return await _act(request, session, principal, case_id, run, "referral", "#verweise")


@router.post("/ui/cases/{case_id}/referrals/{referral_id}/status", dependencies=[CsrfChecked])
async def change_referral_status(
    request: Request,
    session: SessionDep,
    principal: UiCaseManager,
    case_id: CaseId,
    referral_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
):
    def run(form):
        body = ReferralStatusChange(status=form.get("status"), note=form.get("note") or None)
        case = service.get_owned(session, principal, case_id)
        referrals.change_status(session, case.id, referral_id, ReferralStatus(body.status), principal.username, body.note)

    return await _act(request, session, principal, case_id, run, "referral", "#verweise")


@router.post("/ui/cases/{case_id}/barriers", dependencies=[CsrfChecked])
async def record_barrier(request: Request, session: SessionDep, principal: UiCaseManager, case_id: CaseId):
    def run(form):
        body = BarrierCreate(
            category=form.get("category", ""),
            service_id=form.get("service_id") or None,
            goal=form.get("goal") or None,
            note=form.get("note") or None,
        )
        case = service.get_owned(session, principal, case_id)
        barriers.record(session, principal, case, body)

    return await _act(request, session, principal, case_id, run, "barrier", "#barrieren")
