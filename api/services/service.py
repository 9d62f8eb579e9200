"""Seeding and editing the service directory."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.kit.datafiles import load_yaml
from api.kit.errors import unprocessable
from api.kit.types import utcnow
from api.services.models import DirectoryOrganisation, DirectoryService

SEED_FILE = "services.yml"


@lru_cache
def _seed_data() -> dict:
    return load_yaml(SEED_FILE)


def seed_directory(session: Session, data: dict | None = None) -> int:
    """Add organisations and services from data/services.yml whose id is new.

    Existing entries are left alone: operators own them once they exist."""
    data = data if data is not None else _seed_data()
    known_orgs = set(session.scalars(select(DirectoryOrganisation.id)))
    known_services = set(session.scalars(select(DirectoryService.id)))
    added = 0
    for entry in data.get("organisations", []):
        if entry["id"] not in known_orgs:
            session.add(DirectoryOrganisation(**entry, needs_operator_review=True))
            added += 1
    session.flush()
    for entry in data.get("services", []):
        if entry["id"] in known_services:
            continue
        fields = dict(entry)
        fields["organisation_id"] = fields.pop("organisation")
        session.add(DirectoryService(**fields, needs_operator_review=True))
        added += 1
    session.commit()
    return added


# Fields an operator may clear by sending null; for all others null means "leave as is".
CLEARABLE = frozenset({"minimum_age", "maximum_age", "last_verified"})


def apply_update(entry, update, actor: str) -> None:
    """Apply the fields an operator sent (absent fields stay as they are)."""
    fields = update.model_dump(exclude_unset=True, mode="python")
    fields |= {k: v for k, v in (fields.pop("contact", None) or {}).items()}
    for name, value in fields.items():
        if value is None and name not in CLEARABLE:
            continue
        if name == "goals":
            value = [str(goal) for goal in value]
        setattr(entry, name, value)
    entry.updated_at = utcnow()
    entry.updated_by = actor


def edit(session: Session, entry, update, actor: str) -> None:
    """An operator's edit of an organisation or a service, checked and committed."""
    apply_update(entry, update, actor)
    minimum, maximum = getattr(entry, "minimum_age", None), getattr(entry, "maximum_age", None)
    if minimum is not None and maximum is not None and minimum > maximum:
        session.rollback()
        raise unprocessable(["body", "minimum_age"], "minimum_age must not be above maximum_age")
    session.commit()
