from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from api.audit import service as audit
from api.auth.deps import BotPrincipal, Operator
from api.contract import Language
from api.kit.deps import SessionDep, SettingsDep
from api.kit.errors import created_or_replayed, responses
from api.kit.pagination import Page, PageDep, paginate
from api.review import service
from api.review.schemas import (
    INTENT_PATTERN,
    ItemId,
    ReviewAccept,
    ReviewGroup,
    ReviewInbox,
    ReviewItemCreated,
    ReviewItemRead,
    ReviewItemSubmission,
)

router = APIRouter(tags=["training review"])

# "<conversation_id>:<message_id>": Rasa sender ids may hold any visible character.
ReviewKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        description="`<conversation_id>:<message_id>` of the message, the same on every retry.",
        min_length=3,
        max_length=400,
        pattern=r"^[\x21-\x7e]+(?: [\x21-\x7e]+)*$",
    ),
]
IntentFilter = Annotated[
    str | None, Query(pattern=INTENT_PATTERN, description="likely intent; `none` for items without one")
]


@router.post(
    "/api/review-items",
    response_model=ReviewItemCreated,
    status_code=status.HTTP_201_CREATED,
    responses=created_or_replayed(ReviewItemCreated),
)
def submit_review_item(
    session: SessionDep,
    _bot: BotPrincipal,
    body: ReviewItemSubmission,
    idempotency_key: ReviewKey,
    response: Response,
) -> ReviewItemCreated:
    """A message the assistant was unsure about or that ended in a handover, from a person
    who agreed that their messages may improve the service. Masked before it is stored."""
    item, created = service.submit(session, body, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return ReviewItemCreated(id=item.id)


@router.get("/api/review-items/groups", response_model=ReviewInbox, responses=responses(403))
def review_groups(session: SessionDep, settings: SettingsDep, operator: Operator) -> ReviewInbox:
    """Open items counted by language and likely intent, and how many accepted examples
    the current model has not been trained on."""
    audit.record(session, operator, "read", "review_items")
    session.commit()
    groups = service.groups(session)
    return ReviewInbox(
        groups=[ReviewGroup(language=lang, intent=intent, count=n) for lang, intent, n in groups],
        open=service.open_count(groups),
        waiting_for_training=service.waiting_for_training(session, settings),
    )


@router.get("/api/review-items", response_model=Page[ReviewItemRead], responses=responses(403, 422))
def list_review_items(
    session: SessionDep,
    operator: Operator,
    page: PageDep,
    language: Language | None = None,
    intent: IntentFilter = None,
) -> Page[ReviewItemRead]:
    """Open items (masked words), by language and likely intent, oldest first within a group."""
    rows, total = paginate(session, service.items_query(language.value if language else None, intent), page)
    # The masked words are still a person's: reading them is audited like a case.
    audit.record(session, operator, "read", "review_items")
    session.commit()
    return Page[ReviewItemRead](items=[service.to_read(r) for r in rows], total=total, **page.model_dump())


@router.post(
    "/api/review-items/{item_id}/accept", response_model=ReviewItemRead, responses=responses(403, 404, 409, 422)
)
def accept_review_item(
    session: SessionDep, settings: SettingsDep, operator: Operator, item_id: ItemId, body: ReviewAccept
) -> ReviewItemRead:
    """Label the item and write it to `<training data>/<lang>/reviewed.yml`. 409 (German
    message) when the text is held out or already an example of another intent."""
    item = service.accept(session, settings, item_id, body.intent.value, operator.username)
    return service.to_read(item)


@router.post(
    "/api/review-items/{item_id}/discard", response_model=ReviewItemRead, responses=responses(403, 404, 409, 422)
)
def discard_review_item(session: SessionDep, operator: Operator, item_id: ItemId) -> ReviewItemRead:
    return service.to_read(service.discard(session, item_id, operator.username))
