"""Alembic environment: the database comes from the API's settings (WEGWEISER_DATABASE_URL)."""

from __future__ import annotations

from alembic import context

from api.db import Base, import_all_models, make_engine
from api.kit.types import EncryptedText, UTCDateTime
from api.settings import get_settings

import_all_models()
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Migrations store the database types, not the Python wrappers around them."""
    if type_ == "type" and isinstance(obj, EncryptedText):
        return "sa.Text()"
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(get_settings().database_url)
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=get_settings().database_url, target_metadata=target_metadata, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

