"""Operators' review inbox („Prüfliste“): label what the assistant did not understand.

The page calls the functions behind /api/review-items, under the same role (operators);
reading it is audited like GET /api/review-items.
"""

from __future__ import annotations

import re
from itertools import groupby
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from api.audit import service as audit
from api.auth.service import Principal
from api.contract import TRAINING_INTENTS, Language
from api.kit.deps import SessionDep, SettingsDep
from api.kit.pagination import PageParams, paginate
from api.review import service
from api.review.schemas import INTENT_PATTERN, ItemId, ReviewAccept
from api.settings import Settings
from api.ui.format import label, page_offset, render
from api.ui.forms import problem_text
from api.ui.session import CsrfChecked, UiOperator

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
_INTENT = re.compile(INTENT_PATTERN)

SOURCE_LABELS = {
    "fallback": "Unsicher",
    "handover": "Übergabe an Person",
    "routing": "Weiterleitung geändert",
}


def _filter(values) -> dict[str, str]:
    """The group shown ("filter_…" in forms, so they never mix with the chosen intent)."""
    language = values.get("language") or ""
    intent = values.get("intent") or ""
    return {
        "language": language if language in {lang.value for lang in Language} else "",
        "intent": intent if _INTENT.match(intent) else "",
    }


def _done_message(request: Request) -> str | None:
    done, intent = request.query_params.get("erledigt"), request.query_params.get("als", "")
    name = label(intent, "training_intent") if intent in TRAINING_INTENTS else ""
    return {
        "uebernommen": f"Übernommen als „{name}“. Das Beispiel steht jetzt in den Trainingsdaten.",
        "vorhanden": f"Übernommen als „{name}“. Die Trainingsdaten hatten das Beispiel schon.",
        "verworfen": "Der Eintrag wurde verworfen.",
    }.get(done or "")


def _page(
    request: Request,
    session,
    settings: Settings,
    principal: Principal,
    chosen: dict[str, str],
    *,
    error: str | None = None,
    status_code: int = 200,
):
    offset = page_offset(request)
    query = service.items_query(chosen["language"] or None, chosen["intent"] or None)
    rows, total = paginate(session, query, PageParams(limit=PAGE_SIZE, offset=offset))
    # The masked words are still a person's: reading them is audited like the JSON route.
    audit.record(session, principal, "read", "review_items")
    session.commit()
    items = [service.to_read(r) for r in rows]
    sections = [(key, list(group)) for key, group in groupby(items, key=lambda i: (i.language, i.predicted_intent))]
    groups = service.groups(session)
    context = {
        "principal": principal,
        "message": _done_message(request),
        "error": error,
        "chosen": chosen,
        "query": urlencode({k: v for k, v in chosen.items() if v}),
        "groups": groups,
        "counts": {(lang, intent): n for lang, intent, n in groups},
        "open": service.open_count(groups),
        "waiting": service.waiting_for_training(session, settings),
        "sections": sections,
        "total": total,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "source_labels": SOURCE_LABELS,
        "intents": TRAINING_INTENTS,
    }
    return render(request, "review/inbox.html", context, status_code)


@router.get("/ui/review")
def inbox(request: Request, session: SessionDep, settings: SettingsDep, principal: UiOperator):
    return _page(request, session, settings, principal, _filter(request.query_params))


async def _decide(request: Request, session, settings: Settings, principal: Principal, decide):
    """Run one decision; a refusal shows the list again with the reason."""
    form = await request.form()
    chosen = _filter({"language": form.get("filter_language"), "intent": form.get("filter_intent")})
    try:
        done = decide(form)
    except ValidationError:
        session.rollback()
        error = "Bitte eine Absicht aus der Liste wählen."
        return _page(request, session, settings, principal, chosen, error=error, status_code=422)
    except HTTPException as exc:
        session.rollback()
        if exc.status_code == 404:
            raise
        error = exc.detail if isinstance(exc, service.ExampleRefused) else problem_text(exc)
        return _page(request, session, settings, principal, chosen, error=error, status_code=exc.status_code)
    query = urlencode({**{k: v for k, v in chosen.items() if v}, **done})
    return RedirectResponse(f"/ui/review?{query}#pruefliste", status_code=303)


@router.post("/ui/review/{item_id}/accept", dependencies=[CsrfChecked])
async def accept(request: Request, session: SessionDep, settings: SettingsDep, principal: UiOperator, item_id: ItemId):
    def decide(form) -> dict[str, str]:
        body = ReviewAccept(intent=form.get("intent"))
        item = service.accept(session, settings, item_id, body.intent.value, principal.username)
        return {"erledigt": "uebernommen" if item.written else "vorhanden", "als": body.intent.value}

    return await _decide(request, session, settings, principal, decide)


@router.post("/ui/review/{item_id}/discard", dependencies=[CsrfChecked])
async def discard(request: Request, session: SessionDep, settings: SettingsDep, principal: UiOperator, item_id: ItemId):
    def decide(_form) -> dict[str, str]:
        service.discard(session, item_id, principal.username)
        return {"erledigt": "verworfen"}

    return await _decide(request, session, settings, principal, decide)
