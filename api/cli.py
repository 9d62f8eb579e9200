"""Operations for the case API: `python -m api.cli <command>`.

  migrate                 apply database migrations, then add new service-directory entries
  create-user             create a staff user (password read from standard input)
  seed-dev                demo users for development (WEGWEISER_ENV=development only)
  retention               delete what the retention period says must go, once
  generate-key            print a new WEGWEISER_ENCRYPTION_KEY
  make-migration MESSAGE  autogenerate a migration from the models (developers)
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys

from cryptography.fernet import Fernet
from sqlalchemy import select

from api.auth import service as auth
from api.auth.models import User
from api.contract import Organisation, Role
from api.db import alembic_config, engine_for, make_sessionmaker, upgrade_to_head
from api.kit import crypto
from api.settings import get_settings

DEMO_USERS: list[tuple[str, Role, Organisation | None]] = [
    ("admin", Role.admin, None),
    ("cm.sozialamt", Role.case_manager, Organisation.sozialamt),
    ("cm.caritas", Role.case_manager, Organisation.caritas),
    ("cm.drk", Role.case_manager, Organisation.drk),
    ("cm.ggua", Role.case_manager, Organisation.ggua),
    ("coordinator", Role.coordinator, None),
    ("operator", Role.operator, None),
]


def _sessionmaker():
    settings = get_settings()
    crypto.configure(settings)
    return make_sessionmaker(engine_for(settings))


def cmd_migrate(_args) -> int:
    from api.services.service import seed_directory

    settings = get_settings()
    engine = engine_for(settings)
    upgrade_to_head(engine)
    with make_sessionmaker(engine)() as session:
        added = seed_directory(session)
    print(f"database at head; service directory: {added} new entries")
    return 0


def cmd_create_user(args) -> int:
    if not args.password_stdin:
        print("give the password on standard input with --password-stdin", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\n")
    try:
        role = Role(args.role)
        organisation = Organisation(args.organisation) if args.organisation else None
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with _sessionmaker()() as session:
        try:
            user = auth.create_user(session, args.username, password, role, organisation)
        except auth.UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    print(f"created {user.username} ({user.role}{', ' + user.organisation if user.organisation else ''})")
    return 0


def cmd_seed_dev(_args) -> int:
    settings = get_settings()
    if not settings.is_development:
        print("seed-dev only runs with WEGWEISER_ENV=development", file=sys.stderr)
        return 1
    cmd_migrate(_args)
    # Demo passwords are kept beside the development secrets so every `make run` can show them.
    logins_path = settings.var_dir / "development-logins.json"
    logins = json.loads(logins_path.read_text()) if logins_path.exists() else {}
    with _sessionmaker()() as session:
        for username, role, organisation in DEMO_USERS:
            if session.scalar(select(User.id).where(User.username == username)) is None:
                logins[username] = secrets.token_urlsafe(12)
                auth.create_user(session, username, logins[username], role, organisation)
            password = logins.get(username, "(set before; unknown)")
            print(f"{username:14} {role.value:13} {organisation.value if organisation else '-':10} password: {password}")
    logins_path.parent.mkdir(parents=True, exist_ok=True)
    logins_path.write_text(json.dumps(logins, indent=2))
    logins_path.chmod(0o600)
    return 0


def cmd_retention(_args) -> int:
    from api.privacy.service import run_retention

    settings = get_settings()
    with _sessionmaker()() as session:
        report = run_retention(session, settings)
    print(
        f"retention ({settings.retention_days} days): deleted {report.deleted_intakes} intakes, "
        f"{report.deleted_review_items} review items; "
        f"tracker deletion: {report.tracker_summary()}"
    )
    return 0 if not report.tracker_failures else 1


def cmd_generate_key(_args) -> int:
    print(Fernet.generate_key().decode())
    return 0


def cmd_make_migration(args) -> int:
    from alembic import command

    command.revision(alembic_config(), message=args.message, autogenerate=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.cli", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply migrations, seed new directory entries").set_defaults(run=cmd_migrate)
    create = commands.add_parser("create-user", help="create a staff user")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=sorted(r.value for r in Role if r != Role.bot))
    create.add_argument("--organisation", choices=sorted(o.value for o in Organisation))
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    create.set_defaults(run=cmd_create_user)
    commands.add_parser("seed-dev", help="demo users (development only)").set_defaults(run=cmd_seed_dev)
    commands.add_parser("retention", help="run the retention job once").set_defaults(run=cmd_retention)
    commands.add_parser("generate-key", help="print a new encryption key").set_defaults(run=cmd_generate_key)
    make = commands.add_parser("make-migration", help="autogenerate a migration")
    make.add_argument("message")
    make.set_defaults(run=cmd_make_migration)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
