"""Engine, sessions and the declarative base shared by every domain's models."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from api.settings import Settings

# Stable constraint names, so Alembic migrations look the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


log = logging.getLogger("wegweiser.db")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    # SQLite's planner uses statistics only if someone gathers them (PostgreSQL's autovacuum
    # does so by itself). Without them the queue sorted every open case for each page (45 ms
    # at 100,000 intakes) instead of walking ix_cases_queue_order (1 ms). `PRAGMA optimize`
    # analyses only tables this connection used whose statistics are missing or that grew 25-fold
    # since: about 25 ms at 100,000 intakes when due, microseconds otherwise, so it runs each
    # time a connection goes back to the pool (as SQLite recommends before closing one).
    @event.listens_for(engine, "checkin")
    def _sqlite_optimize(dbapi_connection, _record):
        if dbapi_connection is None:
            return
        try:
            dbapi_connection.execute("PRAGMA optimize")
        except sqlite3.Error:  # busy or read-only: the statistics can wait for the next time
            log.warning("PRAGMA optimize failed", exc_info=True)

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def engine_for(settings: Settings) -> Engine:
    return make_engine(settings.database_url)




def import_all_models() -> None:
    """Alembic and create_all need every model imported to see the whole schema."""
    import api.audit.models  # noqa: F401
    import api.auth.models  # noqa: F401
    import api.barriers.models  # noqa: F401
    import api.cases.models  # noqa: F401
    import api.intakes.models  # noqa: F401
    import api.referrals.models  # noqa: F401
    import api.review.models  # noqa: F401
    import api.services.models  # noqa: F401


MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Apply every Alembic migration to the database behind `engine`."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
