"""Offset pagination with a total, shared by every list endpoint."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_PAGE_SIZE = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int
    offset: int


def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(_page_params)]


def paginate(
    session: Session, query: Select, params: PageParams, count_query: Select | None = None
) -> tuple[list, int]:
    """Rows of one page and the total count of the unpaginated query.

    `count_query` counts the same rows more cheaply when the caller knows how (the queue:
    without the join its rows need for display)."""
    if count_query is None:
        count_query = select(func.count()).select_from(query.order_by(None).subquery())
    total = session.scalar(count_query)
    rows = session.scalars(query.limit(params.limit).offset(params.offset)).all()
    return list(rows), int(total or 0)
