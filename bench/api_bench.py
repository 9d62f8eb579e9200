"""Case API benchmark: intake submission and the case managers' queue with N intakes stored.

    .venv-api/bin/python -m bench.api_bench [--database-url postgresql+psycopg://…] [--intakes 100000]

For each database (SQLite always; PostgreSQL when --database-url or WEGWEISER_TEST_DATABASE_URL
names one) it

1. makes a fresh database (SQLite: a file in a temporary directory; PostgreSQL: a new database
   `<name>_bench` beside the one in the URL, dropped afterwards: the given database is not
   touched) and applies the Alembic migrations, as `python -m api.cli migrate` does;
2. fills it with N intakes, each with its case, goals, referrals and history, in bulk rather
   than one HTTP request each (that would take about half an hour per database for 100,000).
   The rows come from the service's own code: a few hundred varied submissions go through
   `api.intakes.service._build`, the exact mapping `POST /api/intakes` stores, and each
   intake copies one of them with its own id, key, conversation id and keyed lookup hash;
   cases carry what `api.cases.service.open_case` puts on them. They are written with
   executemany INSERTs on the models' tables, so the column types encrypt every
   special-category value with Fernet one by one and store times in UTC, as in production.
   What is measured therefore reads and writes the same rows, indexes and ciphertexts as a
   database filled through the API. The mix: intakes spread over the past 365 days, all seven
   languages, 1 in 8 urgent, 60 % of cases finished (referred or closed), 15 % claimed or in
   progress by one of the four organisations, 25 % new in the shared pool, so a case
   manager's queue holds about 29 % of all intakes (28,813 of 100,000). PostgreSQL gets a
   VACUUM ANALYZE afterwards (what autovacuum does within a minute); SQLite gets nothing: the
   API gathers its statistics itself (`PRAGMA optimize`, api/db.py);
3. starts the API as production runs it (`uvicorn api.main:app`, one process, WEGWEISER_ENV=
   production) on a free 127.0.0.1 port, logs in once as a case manager, and then measures,
   at concurrency 1 and 8, a bounded number of requests (`--requests`, and at most
   `--seconds` per measurement): `POST /api/intakes` with a fresh Idempotency-Key each,
   `GET /api/cases` (first page, default order: urgency then waiting time) and
   `GET /api/cases?language=ar&goal=residence` (a filtered first page).

Latency is measured by the client per request (connection kept open, as the action server and
the UI do), from sending to the last byte of the body; requests per second is completed
requests over the wall time of the measurement. Only loopback traffic.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE_MANAGER = ("bench.sozialamt", "bench-password-" + "x" * 20)
TARGET_QUEUE_P95_MS = 50.0
TARGET_SUBMIT_P95_MS = 20.0
FILTER = {"language": "ar", "goal": "residence"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the database ----------------------------------------------------------------------


@dataclass
class Backend:
    name: str
    url: str
    cleanup: list = field(default_factory=list)


def fresh_sqlite(workdir: Path) -> Backend:
    path = workdir / "bench.db"
    return Backend("SQLite", f"sqlite:///{path}")


def fresh_postgresql(url: str, reuse: bool) -> Backend:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    given = make_url(url)
    bench_db = f"{given.database}_bench"
    admin = create_engine(given, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": bench_db})
        if exists and not reuse:
            connection.execute(text(f'DROP DATABASE "{bench_db}" WITH (FORCE)'))
        if not exists or not reuse:
            connection.execute(text(f'CREATE DATABASE "{bench_db}"'))
    backend = Backend("PostgreSQL", given.set(database=bench_db).render_as_string(hide_password=False))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)'))
        admin.dispose()

    backend.cleanup.append(drop)
    return backend


def server_version(url: str) -> str:
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        version = connection.scalar(text("SHOW server_version"))
    engine.dispose()
    return f"PostgreSQL {version}"


def bench_env(url: str, workdir: Path, encryption_key: str) -> dict[str, str]:
    return {
        "WEGWEISER_ENV": "production",
        "WEGWEISER_DATABASE_URL": url,
        "WEGWEISER_VAR_DIR": str(workdir / "var"),
        "WEGWEISER_SECRET_KEY": "bench-secret-key-" + "s" * 40,
        "WEGWEISER_BOT_TOKEN": "bench-bot-token-" + "b" * 40,
        "WEGWEISER_ENCRYPTION_KEY": encryption_key,
        "WEGWEISER_RASA_URL": "",
    }


def fill(url: str, n: int, batch: int, seed: int, reuse: bool) -> tuple[int, float]:
    """Migrate, seed the directory, add the case manager and N intakes; returns (added, seconds)."""
    from sqlalchemy import func, select

    from api.auth import service as auth
    from api.contract import Organisation, Role
    from api.db import engine_for, import_all_models, make_sessionmaker, upgrade_to_head
    from api.intakes.models import Intake
    from api.kit import crypto
    from api.services.service import seed_directory
    from api.settings import Settings

    import_all_models()
    settings = Settings()
    crypto.configure(settings)
    engine = engine_for(settings)
    upgrade_to_head(engine)
    factory = make_sessionmaker(engine)
    with factory() as session:
        seed_directory(session)
        from api.auth.models import User

        if session.scalar(select(User).where(User.username == CASE_MANAGER[0])) is None:
            auth.create_user(session, CASE_MANAGER[0], CASE_MANAGER[1], Role.case_manager, Organisation.sozialamt)
        have = session.scalar(select(func.count()).select_from(Intake)) or 0
    if reuse and have >= n:
        log(f"  reusing {have} intakes already stored")
        engine.dispose()
        return 0, 0.0
    started = time.perf_counter()
    maker = RowMaker(random.Random(seed), datetime.now(UTC))
    todo = n - have
    for first in range(0, todo, batch):
        with factory() as session:
            maker.add_batch(session, min(batch, todo - first))
            session.commit()
        done = first + min(batch, todo - first)
        if done % (batch * 10) == 0 or done == todo:
            log(f"  {done:>7} / {todo} intakes ({time.perf_counter() - started:.0f} s)")
    seconds = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        # Autovacuum would do this within a minute of the bulk load; done now so that the
        # planner's statistics do not depend on when the measurement starts.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            from sqlalchemy import text

            connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return todo, seconds


def synthetic_submission(rng: random.Random, i: int | None = None):
    """A valid intake as the action server sends it, varied like real traffic."""
    from api.contract import (
        BenefitStatus,
        Goal,
        Intent,
        Language,
        ReferralTarget,
        ResidenceStatus,
        Urgency,
    )
    from api.intakes.schemas import IntakeSubmission

    goals = rng.sample(list(Goal), rng.choice((1, 1, 2)))
    targets = rng.sample(list(ReferralTarget), rng.choice((1, 1, 2)))
    urgent = rng.random() < 0.125
    contact = rng.random()
    return IntakeSubmission.model_validate(
        {
            "conversation_id": f"bench-{uuid.uuid4()}",
            "channel": rng.choice(("rest", "telegram", "webchat")),
            "language": rng.choice(list(Language)).value,
            "consent": {
                "given": True,
                "given_at": "2026-01-15T10:00:00Z",
                "text_version": "consent-v1",
                "improve_service": rng.random() < 0.5,
            },
            "nickname": rng.choice((None, "Amal", "Oleksandr", "Mina")),
            "age": rng.randint(16, 80),
            "receives_benefits": rng.choice(list(BenefitStatus)).value,
            "residence_status": rng.choice(list(ResidenceStatus)).value,
            "district": rng.choice((None, "Mitte", "Hiltrup", "Kinderhaus", "Gievenbeck", "Coerde", "Angelmodde")),
            "contact": (
                {"channel": "phone", "value": "+49 251 123456"}
                if contact < 0.3
                else {"channel": "email", "value": "person@example.org"}
                if contact < 0.5
                else {"channel": "chat", "value": None}
            ),
            "needs": [
                {
                    "intent": rng.choice(list(Intent)[:11]).value,
                    "text": "Ich brauche Hilfe mit meinem Aufenthalt und einer Wohnung für meine Familie.",
                    "confidence": round(rng.uniform(0.5, 1.0), 3),
                }
                for _ in range(rng.choice((1, 1, 2)))
            ],
            "goals": [{"code": g.value, "rule": f"goal.{g.value}"} for g in goals],
            "referrals": [{"code": t.value, "rule": f"referral.{t.value}"} for t in targets],
            "urgency": (Urgency.high if urgent else Urgency.normal).value,
            "human_requested": rng.random() < 0.1,
        }
    )


class RowMaker:
    """Rows for N intakes, made by the service's own code.

    A few hundred varied submissions go through `api.intakes.service._build` (the exact
    mapping `POST /api/intakes` uses); each stored intake copies one of them with its own id,
    key, conversation id (and keyed lookup hash), time and case state. The rows are written
    with SQLAlchemy's bulk INSERT on the same models, so the column types encrypt every
    special-category value with Fernet on the way in, one by one, as in production.
    """

    def __init__(self, rng: random.Random, now: datetime, templates: int = 512) -> None:
        from sqlalchemy import inspect

        from api.intakes import service as intakes
        from api.intakes.models import Intake

        self.rng = rng
        self.now = now
        columns = [c.key for c in inspect(Intake).column_attrs]
        self.templates = []
        for _ in range(templates):
            submission = synthetic_submission(rng)
            intake = intakes._build(submission, "template", intakes.fingerprint(submission))
            row = {key: getattr(intake, key) for key in columns if key != "created_at"}
            needs = [{"position": n.position, "intent": n.intent, "text": n.text, "confidence": n.confidence}
                     for n in intake.needs]
            self.templates.append((row, needs, submission))

    def add_batch(self, session, count: int) -> None:
        from sqlalchemy import insert

        from api.cases.models import Case, CaseEvent, CaseGoal
        from api.contract import CaseOutcome, CaseStatus, Organisation, ReferralStatus
        from api.intakes.models import Intake, IntakeNeed
        from api.kit import crypto
        from api.referrals.models import Referral, ReferralEvent

        rng = self.rng
        organisations = [o.value for o in Organisation]
        intake_rows, need_rows, case_rows, goal_rows, event_rows, referral_rows = [], [], [], [], [], []
        referral_events: list[list[dict]] = []
        for _ in range(count):
            template, needs, submission = rng.choice(self.templates)
            intake_id = uuid.uuid4()
            conversation_id = f"bench-{uuid.uuid4()}"
            created = self.now - timedelta(seconds=rng.uniform(0, 365 * 24 * 3600))
            intake_rows.append(template | {
                "id": intake_id, "idempotency_key": f"bench-fill-{intake_id}", "conversation_id": conversation_id,
                "conversation_ref": crypto.lookup_hash(conversation_id), "created_at": created,
            })
            need_rows.extend(n | {"intake_id": intake_id} for n in needs)
            # What api.cases.service.open_case makes, then a case manager's work on 75 % of them.
            case = {"id": intake_id, "status": CaseStatus.new.value, "organisation": None, "assignee_id": None,
                    "created_at": created, "claimed_at": None, "status_changed_at": created,
                    "closed_at": None, "outcome": None, "routing_confirmed_at": None,
                    "language": template["language"], "urgency_rank": template["urgency_rank"],
                    "district": template["district"]}
            events = [{"case_id": intake_id, "actor": "bot", "at": created, "from_status": None, "to_status": "new"}]
            roll = rng.random()
            if roll >= 0.25:
                claimed = created + timedelta(hours=rng.uniform(1, 72))
                status = (CaseStatus.claimed if roll < 0.32 else CaseStatus.in_progress if roll < 0.40
                          else CaseStatus.referred if roll < 0.55 else CaseStatus.closed).value
                case |= {"status": status, "organisation": rng.choice(organisations),
                         "claimed_at": claimed, "status_changed_at": claimed}
                if status == CaseStatus.closed.value:
                    case |= {"closed_at": claimed, "outcome": rng.choice(list(CaseOutcome)).value}
                events.append({"case_id": intake_id, "actor": "bench", "at": claimed, "from_status": "new",
                               "to_status": status})
            case_rows.append(case)
            event_rows.extend(events)
            goal_rows.extend({"case_id": intake_id, "code": g.code.value, "rule": g.rule} for g in submission.goals)
            sent = case["status"] in (CaseStatus.referred.value, CaseStatus.closed.value)
            for r in submission.referrals:
                referral_rows.append({
                    "case_id": intake_id, "target": r.code.value, "rule": r.rule,
                    "status": (ReferralStatus.sent if sent else ReferralStatus.suggested).value,
                    "created_at": created, "updated_at": created,
                })
                history = [{"actor": "bot", "at": created, "from_status": None, "to_status": "suggested", "note": None}]
                if sent:
                    history.append({"actor": "bench", "at": created, "from_status": "suggested", "to_status": "sent",
                                    "note": None})
                referral_events.append(history)
        # Core executemany on the models' tables: the ORM's bulk path would split rows with
        # different None columns into single statements. Column types (encryption, UTC) apply.
        connection = session.connection()
        for model, rows in ((Intake, intake_rows), (IntakeNeed, need_rows), (Case, case_rows),
                            (CaseGoal, goal_rows), (CaseEvent, event_rows)):
            connection.execute(insert(model.__table__), rows)
        table = Referral.__table__
        ids = connection.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), referral_rows
        ).scalars().all()
        connection.execute(insert(ReferralEvent.__table__), [
            e | {"referral_id": referral_id} for referral_id, history in zip(ids, referral_events) for e in history
        ])


# --- the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "uvicorn.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-access-log", "--log-level", "warning"],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds: float = 60) -> None:
        import httpx

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the API did not start; see {self.log_path}:\n{self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


# --- measuring -------------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    operation: str
    concurrency: int
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    rps: float
    target_ms: float | None
    server_cpu_ms: float  # the API process's CPU time per request: steady even on a busy machine
    load: float  # 1-minute load average when the measurement ended


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), int(-(-q * len(sorted_values) // 100))))
    return sorted_values[rank - 1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def measure(base: str, request, total: int, concurrency: int, seconds: float, warmup: int = 10) -> tuple:
    """`request(client, i)` returns a response; at most `total` requests and `seconds` seconds."""
    import httpx

    counter = itertools.count()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_barrier = threading.Barrier(concurrency + 1)
    deadline_box: list[float] = []

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            for w in range(warmup // concurrency + 1):  # warm the connection and the server
                request(client, -1 - w - 100 * threading.get_ident())
            start_barrier.wait()
            while time.monotonic() < deadline_box[0]:
                i = next(counter)
                if i >= total:
                    break
                t0 = time.perf_counter()
                try:
                    response = request(client, i)
                except httpx.HTTPError as exc:  # a timeout is a failed request, not the end
                    with lock:
                        errors.append(f"{type(exc).__name__} after {time.perf_counter() - t0:.1f} s")
                    continue
                elapsed = time.perf_counter() - t0
                with lock:
                    if response.status_code >= 400:
                        errors.append(f"{response.status_code} {response.text[:200]}")
                    else:
                        latencies.append(elapsed * 1000)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    deadline_box.append(time.monotonic() + seconds + 60)  # provisional, until all are warm
    start_barrier.wait(timeout=120)
    t0 = time.perf_counter()
    deadline_box[0] = time.monotonic() + seconds
    for thread in threads:
        thread.join(timeout=seconds + 60)
    wall = time.perf_counter() - t0
    latencies.sort()
    return latencies, errors, wall


def run_backend(backend: Backend, args, workdir: Path, encryption_key: str, notes: list[str]) -> list[Result]:
    import httpx

    env = bench_env(backend.url, workdir, encryption_key)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        from api.settings import get_settings

        get_settings.cache_clear()
        log(f"{backend.name}: filling {args.intakes} intakes")
        added, fill_seconds = fill(backend.url, args.intakes, args.batch, args.seed, args.reuse)
        if added:
            notes.append(f"{backend.name}: {added} intakes stored in {fill_seconds:.0f} s "
                         f"({added / fill_seconds:.0f}/s, bulk INSERT through the models, {args.batch} per transaction)")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    server = Server(env, workdir)
    results: list[Result] = []
    try:
        server.wait_ready()
        token = httpx.post(
            server.base + "/api/auth/token", data={"username": CASE_MANAGER[0], "password": CASE_MANAGER[1]}, timeout=30
        ).raise_for_status().json()["access_token"]
        staff = {"Authorization": f"Bearer {token}"}
        bot = env["WEGWEISER_BOT_TOKEN"]
        rng = random.Random(args.seed + 1)
        bodies = [synthetic_submission(rng).model_dump(mode="json") for _ in range(64)]
        run_id = uuid.uuid4().hex[:8]

        def submit(client, i):
            return client.post(
                "/api/intakes",
                json=bodies[i % len(bodies)] | {"conversation_id": f"bench-{run_id}-{i}"},
                headers={"Authorization": f"Bearer {bot}", "Idempotency-Key": f"bench-{run_id}-{uuid.uuid4()}"},
            )

        def queue(client, _i):
            return client.get("/api/cases", headers=staff)

        def queue_filtered(client, _i):
            return client.get("/api/cases", params=FILTER, headers=staff)

        first = httpx.get(server.base + "/api/cases", headers=staff, timeout=300).json()
        filtered = httpx.get(server.base + "/api/cases", params=FILTER, headers=staff, timeout=300).json()
        notes.append(f"{backend.name}: the case manager's queue holds {first['total']} cases, "
                     f"the filtered one ({'&'.join(f'{k}={v}' for k, v in FILTER.items())}) {filtered['total']}")

        operations = [
            ("POST /api/intakes", submit, TARGET_SUBMIT_P95_MS),
            ("GET /api/cases (first page)", queue, TARGET_QUEUE_P95_MS),
            ("GET /api/cases (filtered)", queue_filtered, TARGET_QUEUE_P95_MS),
        ]
        for name, request, target in operations:
            for concurrency in args.concurrency:
                cpu_before = cpu_seconds(server.process.pid)
                latencies, errors, wall = measure(server.base, request, args.requests, concurrency, args.seconds)
                cpu = cpu_seconds(server.process.pid) - cpu_before  # includes the warm-up requests
                if errors:
                    log(f"  {name}: {len(errors)} errors, first: {errors[0]}")
                result = Result(
                    backend.name, name, concurrency, len(latencies), len(errors),
                    percentile(latencies, 50), percentile(latencies, 95),
                    len(latencies) / wall if wall else 0.0, target,
                    cpu * 1000 / max(1, len(latencies) + len(errors) + concurrency * (10 // concurrency + 1)), os.getloadavg()[0],
                )
                log(f"  {name} c={concurrency}: p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
                    f"{result.rps:.0f}/s ({result.requests} requests)")
                results.append(result)
    finally:
        server.stop()
    return results


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} CPUs{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def table(results: list[Result]) -> str:
    lines = [
        "| database | request | concurrency | requests | errors | p50 ms | p95 ms | req/s | server CPU ms/req "
        "| load | p95 target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        verdict = "" if r.target_ms is None else f"< {r.target_ms:.0f} ms " + (
            "met" if r.p95_ms < r.target_ms and not r.errors else "**missed**")
        lines.append(
            f"| {r.backend} | {r.operation} | {r.concurrency} | {r.requests} | {r.errors} | "
            f"{r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.rps:.0f} | {r.server_cpu_ms:.1f} | {r.load:.1f} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("WEGWEISER_TEST_DATABASE_URL", ""),
                        help="PostgreSQL URL (postgresql+psycopg://…); its database is left alone, "
                             "a fresh <name>_bench beside it is used (default: $WEGWEISER_TEST_DATABASE_URL)")
    parser.add_argument("--intakes", type=int, default=100_000, help="intakes stored before measuring")
    parser.add_argument("--requests", type=int, default=400, help="requests per measurement (bound)")
    parser.add_argument("--seconds", type=float, default=60.0, help="time per measurement (bound)")
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8])
    parser.add_argument("--batch", type=int, default=2000, help="intakes per transaction while filling")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the databases: the SQLite file in this directory, the PostgreSQL one as is")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: use the databases of an earlier run if they hold enough intakes")
    args = parser.parse_args(argv)
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep")

    from cryptography.fernet import Fernet

    workdir = Path(tempfile.mkdtemp(prefix="wegweiser-api-bench-"))
    key_dir = args.keep or workdir
    key_dir.mkdir(parents=True, exist_ok=True)
    key_file = key_dir / "bench-encryption.key"
    if args.reuse and key_file.exists():
        encryption_key = key_file.read_text().strip()
    else:
        encryption_key = Fernet.generate_key().decode()
        key_file.write_text(encryption_key)

    backends = []
    if not args.no_sqlite:
        backends.append(fresh_sqlite(args.keep or workdir))
        if not args.reuse:
            Path(backends[-1].url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    if args.database_url:
        backends.append(fresh_postgresql(args.database_url, args.reuse))
        if args.keep:
            backends[-1].cleanup.clear()

    notes: list[str] = []
    results: list[Result] = []
    versions = []
    try:
        for backend in backends:
            results += run_backend(backend, args, workdir, encryption_key, notes)
            versions.append(server_version(backend.url))
    finally:
        for backend in backends:
            for cleanup in backend.cleanup:
                cleanup()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"Case API benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}")
    print(f"databases: {', '.join(versions)}; API: uvicorn api.main:app, 1 process, WEGWEISER_ENV=production")
    print(f"stored before measuring: {args.intakes} intakes; per measurement at most {args.requests} requests "
          f"and {args.seconds:.0f} s, after a warm-up; concurrency {', '.join(map(str, args.concurrency))}")
    for note in notes:
        print(note)
    print()
    print(table(results))
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
