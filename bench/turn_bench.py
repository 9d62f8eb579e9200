"""Bot turn benchmark: whole intakes through the whole path (REST channel → Rasa → action server → case API).

    .venv-api/bin/python -m bench.turn_bench [--concurrency 1,5,10,20,40,60] [--seconds 20] [--turns 3000]
                                             [--paced 20 --think 3] [--env NAME=VALUE] [--py-spy PATH]

It

1. starts the stack as `make run` does (scripts/stack.py: Rasa server with the model in
   models/latest, action server, case API; development mode, SQLite tracker store, outbox and
   case database) in a temporary directory, on free 127.0.0.1 ports;
2. warms every part with one whole intake per language;
3. for each concurrency N, runs N simulated people at once, each talking through Rasa's REST
   channel without pause (the next message is sent as soon as the answer is back): whole
   intakes, one after another, each with a new conversation id, in German, Arabic, Ukrainian
   and Turkish in turn. A person answers whatever the assistant asks (so the benchmark follows
   the dialogue as it changes): a need in their own words, consent, the form answers (typed
   age, benefits, district; buttons for the rest), then the confirmation, which stores the
   intake in the outbox and posts it to the case API; about ten turns, which include every
   action-server call and the API call of a submission. An answer that asks nothing the person
   knows how to answer (in their language), or an HTTP error, counts as an error and ends that
   conversation;
4. measures each step for `--seconds` after a short unmeasured lead-in (`--lead-in`, so the
   people are out of step with each other, as real ones are), or until `--turns` turns have
   completed; once p95 passes `--stop-above-ms` (500 ms) it steps no further, except to the
   concurrencies the targets name (1 and 20);
5. measures `--paced` concurrencies (20) again with people who pause before each message, as
   people reading a question and typing or tapping an answer do (exponential, mean `--think`,
   3 s): without pauses 20 conversations are 20 messages always waiting, a load test; with
   them, 20 people chatting at once.

Latency is taken by the client per turn, from sending the message to the last byte of the
answer (one kept-open connection per person); turns/s is the turns completed in the window over
its length. The CPU of each server process (and of this client) comes from /proc, so the
figures can be read on a machine shared with other work: CPU ms per turn tells where the time
goes. Peak memory is the Rasa server's VmHWM. Only loopback traffic.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.api_bench import cpu_seconds, log, machine, percentile
from scripts.stack import Stack, current_model

TARGET_P95_AT_20_MS = 150.0
TARGET_TURNS_PER_SECOND = 50.0
PARTS = ("Rasa server", "action server", "case API and UI")
REQUIRED = {1, 20}  # the concurrencies the targets name: measured even past the p95 limit

# What a person answers to each question: buttons (the same in every language) and, per
# language, what they type (the messages of tests/e2e/test_slice.py and test_languages.py).
BUTTONS = {
    "utter_ask_consent": "/affirm",
    "utter_ask_consent_improve": "/deny",
    "utter_ask_nickname": '/inform{"answer": "skip"}',
    "utter_ask_residence_status": '/inform{"answer": "residence_permit"}',
    "utter_ask_contact_channel": '/inform{"answer": "chat"}',
    "utter_ask_intake_confirmed": "/affirm",
}
TYPED = {  # language: (the need, age, benefits, district)
    "de": ("Ich suche eine Wohnung", "34", "ich bekomme Bürgergeld", "Hiltrup"),
    "ar": ("أحتاج مساعدة في إيجاد سكن", "٣٤", '/inform{"answer": "asylblg"}', "Kinderhaus"),
    "uk": ("мені потрібна допомога з житлом", "34", '/inform{"answer": "none"}', "Gievenbeck"),
    "tr": ("ev arıyorum, yardım lazım", "34 yaşındayım", '/inform{"answer": "buergergeld"}', "Coerde"),
}
LANGUAGES = sorted(TYPED)
DONE = ("utter_intake_submitted", "utter_intake_queued")
MAX_TURNS = 16  # a conversation that has not ended by then goes round in circles: an error
NEED = "need"
TURN_NAMES = {
    NEED: "the need (typed)",
    "utter_ask_consent": "consent (button)",
    "utter_ask_consent_improve": "consent to improve the assistant (button: no)",
    "utter_ask_nickname": "nickname skipped (button)",
    "utter_ask_age": "age (typed)",
    "utter_ask_receives_benefits": "benefits (typed in de, button in ar, uk, tr)",
    "utter_ask_residence_status": "residence status (button)",
    "utter_ask_district": "district (typed)",
    "utter_ask_contact_channel": "contact channel (button); the summary follows",
    "utter_ask_intake_confirmed": "confirmation: outbox + POST /api/intakes",
}


def answers(lang: str) -> dict[str, str]:
    _, age, benefits, district = TYPED[lang]
    return {**BUTTONS, "utter_ask_age": age, "utter_ask_receives_benefits": benefits, "utter_ask_district": district}


def expected_beginnings() -> dict[str, dict[str, str]]:
    """Per language, the fixed beginning of each question and confirmation (up to its first
    placeholder), for the responses the current texts have."""
    from actions.i18n import load_catalog

    catalog = load_catalog()
    return {
        lang: {
            key: catalog[lang]["responses"][key]["text"].split("{")[0].strip()[:60]
            for key in (*answers(lang), *DONE) if key in catalog[lang]["responses"]
        }
        for lang in LANGUAGES
    }


def question_in(text: str, beginnings: dict[str, str]) -> str | None:
    """The question (or confirmation) the answer ends with: the known beginning found last."""
    found = [(text.rfind(beginning), key) for key, beginning in beginnings.items() if beginning in text]
    return max(found)[1] if found else None


# --- the stack -------------------------------------------------------------------------


def start_stack(var_dir: Path, extra: dict[str, str]) -> Stack:
    """The stack of `make run` in a temporary directory, on free ports (no WEGWEISER_* of
    this process leaks in except what selects the configuration, e.g. WEGWEISER_RASA_ENDPOINTS)."""
    overrides = {
        "WEGWEISER_ENV": "development",
        "WEGWEISER_VAR_DIR": str(var_dir),
        "WEGWEISER_DATABASE_URL": f"sqlite:///{var_dir / 'wegweiser.db'}",
        "WEGWEISER_TRACKER_DB": str(var_dir / "rasa-tracker.db"),
        "WEGWEISER_OUTBOX_PATH": str(var_dir / "outbox.db"),
        **extra,
    }
    stack = Stack(var_dir=var_dir, rasa_port=0, actions_port=0, api_port=0, log_to_files=True,
                  env_overrides=overrides)
    return stack.start(timeout=300)


def group_pids(leader: int) -> list[int]:
    """Every process of a part's process group (a part may fork workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == leader:  # field 5 of /proc/<pid>/stat: process group
                pids.append(int(entry.name))
    return pids


def part_cpu(stack: Stack) -> dict[str, float]:
    cpu = {name: sum(cpu_seconds(pid) for pid in group_pids(stack.part(name).process.pid)) for name in PARTS}
    cpu["client"] = cpu_seconds(os.getpid())
    return cpu


def peak_memory_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process group, in MB."""
    total = 0
    for member in group_pids(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


# --- measuring -------------------------------------------------------------------------


@dataclass
class Step:
    concurrency: int
    think: float = 0.0  # mean pause of a person before each message (s); 0: the next message at once
    latencies_ms: list[float] = field(default_factory=list)
    by_turn: dict[str, list[float]] = field(default_factory=dict)  # what the message answered -> latencies
    errors: list[str] = field(default_factory=list)
    intakes: int = 0
    queued: int = 0  # submissions answered with "queued" (the case API was slower than the action server's timeout)
    window: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    load: float = 0.0

    @property
    def turns(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.turns / self.window if self.window else 0.0

    def p(self, q: float) -> float:
        return percentile(sorted(self.latencies_ms), q)

    def cpu_ms_per_turn(self, part: str) -> float:
        return self.cpu.get(part, float("nan")) * 1000 / max(1, self.turns + len(self.errors))


async def turn(client, beginnings: dict[str, str], sender: str, lang: str, message: str) -> tuple:
    """One message and its answer: (started, ended, failure or "", the question the answer asks)."""
    import httpx

    started = time.monotonic()
    failure, text = "", ""
    try:
        response = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message})
        if response.status_code != 200:
            failure = f"HTTP {response.status_code}: {response.text[:200]}"
        else:
            text = "\n".join(r.get("text", "") for r in response.json())
    except httpx.HTTPError as error:
        failure = f"{type(error).__name__} after {time.monotonic() - started:.1f} s"
    ended = time.monotonic()
    asked = question_in(text, beginnings)
    if not failure and asked is None:
        failure = f"{lang} {message!r}: no question the person can answer in {text[:160]!r}"
    return started, ended, failure, asked


class People:
    """N people having whole intakes through the REST channel, one after another."""

    def __init__(self, url: str, run: str) -> None:
        self.url = url
        self.beginnings = expected_beginnings()
        self.run = run
        self.counter = itertools.count()

    def client(self):
        import httpx

        return httpx.AsyncClient(base_url=self.url, timeout=60)

    def sender(self, label: object) -> str:
        return f"turn-bench-{self.run}-{label}-{next(self.counter)}"

    async def person(self, index: int, step: Step, window: list[float], stop: asyncio.Event, max_turns: int) -> None:
        languages = itertools.cycle(LANGUAGES[index % len(LANGUAGES):] + LANGUAGES[:index % len(LANGUAGES)])
        pauses = random.Random(index)
        async with self.client() as client:
            while not stop.is_set():
                lang, sender = next(languages), self.sender(step.concurrency)
                answering, message = NEED, TYPED[lang][0]
                for _ in range(MAX_TURNS):
                    if step.think:  # reading the question and typing the answer
                        with contextlib.suppress(asyncio.TimeoutError):
                            await asyncio.wait_for(stop.wait(), pauses.expovariate(1 / step.think))
                    if stop.is_set():
                        return
                    started, ended, failure, asked = await turn(client, self.beginnings[lang], sender, lang, message)
                    if window[0] <= ended <= window[1]:  # only turns that end inside the window count
                        if failure:
                            step.errors.append(failure)
                        else:
                            step.latencies_ms.append((ended - started) * 1000)
                            step.by_turn.setdefault(answering, []).append((ended - started) * 1000)
                            step.intakes += asked in DONE
                            step.queued += asked == "utter_intake_queued"
                            if step.turns >= max_turns:
                                window[1] = ended
                                stop.set()
                    elif ended > window[1]:
                        stop.set()
                    if failure or asked in DONE:
                        break  # done, or this conversation is lost: the person starts a new one
                    answering, message = asked, answers(lang)[asked]
                else:
                    if window[0] <= time.monotonic() <= window[1]:
                        step.errors.append(f"{lang}: no end after {MAX_TURNS} turns")

    async def warm_up(self) -> None:
        """One whole intake per language, one after another (TensorFlow's graphs, caches, connections)."""
        async with self.client() as client:
            for lang in LANGUAGES:
                sender, message = self.sender("warm-up"), TYPED[lang][0]
                for _ in range(MAX_TURNS):
                    *_, failure, asked = await turn(client, self.beginnings[lang], sender, lang, message)
                    if failure:
                        raise SystemExit(f"the warm-up intake failed: {failure}")
                    if asked in DONE:
                        break
                    message = answers(lang)[asked]
                else:
                    raise SystemExit(f"the warm-up intake in {lang} did not end after {MAX_TURNS} turns")

    async def step(self, concurrency: int, think: float, seconds: float, lead_in: float, max_turns: int,
                   stack: Stack) -> Step:
        step = Step(concurrency, think)
        stop = asyncio.Event()
        now = time.monotonic()
        window = [now + lead_in, now + lead_in + seconds]
        tasks = [asyncio.create_task(self.person(i, step, window, stop, max_turns)) for i in range(concurrency)]
        await asyncio.sleep(max(0.0, window[0] - time.monotonic()))
        before = part_cpu(stack)
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds + 1)
        except asyncio.TimeoutError:
            stop.set()
        after = part_cpu(stack)
        step.window = max(1e-9, min(window[1], time.monotonic()) - window[0])
        await asyncio.wait(tasks, timeout=120)  # the turns under way finish (they are not counted)
        for task in tasks:
            task.cancel()
        step.cpu = {k: after[k] - before[k] for k in after}
        step.load = os.getloadavg()[0]
        return step


# --- the report ------------------------------------------------------------------------


def table(steps: list[Step]) -> str:
    lines = [
        "| concurrent conversations | pause s | turns | errors | p50 ms | p95 ms | p99 ms | turns/s | intakes/s "
        "| CPU ms/turn: Rasa | actions | API | client | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in steps:
        lines.append(
            f"| {s.concurrency} | {s.think:g} | {s.turns} | {len(s.errors)} "
            f"| {s.p(50):.0f} | {s.p(95):.0f} | {s.p(99):.0f} "
            f"| {s.rate:.1f} | {s.intakes / s.window:.2f} | {s.cpu_ms_per_turn('Rasa server'):.1f} "
            f"| {s.cpu_ms_per_turn('action server'):.1f} | {s.cpu_ms_per_turn('case API and UI'):.1f} "
            f"| {s.cpu_ms_per_turn('client'):.1f} | {s.load:.1f} |"
        )
    return "\n".join(lines)


def per_turn_table(step: Step) -> str:
    lines = [f"| turn of the intake (at {step.concurrency} conversation{'s' if step.concurrency > 1 else ''}) "
             "| turns | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    for key, name in TURN_NAMES.items():
        values = sorted(step.by_turn.get(key, []))
        if values:
            lines.append(f"| {name} | {len(values)} | {percentile(values, 50):.0f} | {percentile(values, 95):.0f} |")
    return "\n".join(lines)


def verdicts(steps: list[Step], stop_above_ms: float) -> list[str]:
    lines = []
    for at_20 in (s for s in steps if s.concurrency == 20):
        met = at_20.p(95) < TARGET_P95_AT_20_MS and not at_20.errors
        pause = f", {at_20.think:g} s pause before each message" if at_20.think else ", no pause"
        lines.append(f"p95 at 20 concurrent conversations{pause}: {at_20.p(95):.0f} ms "
                     f"(target < {TARGET_P95_AT_20_MS:.0f} ms: {'met' if met else 'missed'})")
    within = [s for s in steps if s.p(95) <= stop_above_ms and not s.errors and not s.think]
    best = max(within, key=lambda s: s.rate, default=None)
    if best:
        met = best.rate >= TARGET_TURNS_PER_SECOND
        verdict = "met" if met else "missed"
        lines.append(f"most turns/s with p95 <= {stop_above_ms:.0f} ms: {best.rate:.1f} at {best.concurrency} "
                     f"concurrent conversations (target >= {TARGET_TURNS_PER_SECOND:.0f}: {verdict})")
    else:
        lines.append(f"no step kept p95 <= {stop_above_ms:.0f} ms without errors")
    return lines


def profile(py_spy: str, pid: int, seconds: float, out: Path) -> subprocess.Popen:
    """py-spy sampling the Rasa server (collapsed stacks, for flame graphs or grep)."""
    return subprocess.Popen(
        [py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200",
         "--format", "raw", "--nonblocking", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )


async def run(args: argparse.Namespace, stack: Stack, notes: list[str]) -> list[Step]:
    people = People(stack.rasa_url, secrets.token_hex(3))
    log("warming up: one intake per language")
    await people.warm_up()
    steps: list[Step] = []
    passed = False
    plan = [(c, 0.0, args.seconds) for c in args.concurrency]
    plan += [(c, args.think, args.paced_seconds) for c in args.paced]
    for concurrency, think, seconds in plan:
        if passed and not think and concurrency not in REQUIRED:
            continue  # past the limit: only the rows the targets name are still measured
        spy = None
        if args.py_spy and concurrency == args.profile_at and not think:
            out = Path(args.profile_out or f"turn-bench-rasa-c{concurrency}.txt").resolve()
            spy = profile(args.py_spy, stack.part("Rasa server").process.pid, args.lead_in + seconds, out)
            notes.append(f"py-spy profile of the Rasa server at {concurrency} concurrent conversations: {out}")
        step = await people.step(concurrency, think, seconds, args.lead_in, args.turns, stack)
        if spy:
            spy.wait(timeout=seconds + 60)
        steps.append(step)
        log(f"  {concurrency:>3} concurrent, pause {think:g} s: {step.turns} turns, {len(step.errors)} errors, "
            f"p50 {step.p(50):.0f} ms, p95 {step.p(95):.0f} ms, p99 {step.p(99):.0f} ms, {step.rate:.1f} turns/s, "
            f"load {step.load:.1f}")
        for error in step.errors[:3]:
            log(f"      error: {error}")
        if not think and not passed and step.p(95) > args.stop_above_ms:
            passed = True
            log(f"  p95 passed {args.stop_above_ms:.0f} ms: not stepping further (except to {sorted(REQUIRED)})")
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 5, 10, 20, 40, 60])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per step (bound)")
    parser.add_argument("--turns", type=int, default=3000, help="measured turns per step (bound)")
    parser.add_argument("--lead-in", type=float, default=3.0, help="unmeasured seconds before each step's window")
    parser.add_argument("--stop-above-ms", type=float, default=500.0, help="stop stepping up once p95 passes this")
    parser.add_argument("--paced", type=lambda s: [int(x) for x in s.split(",") if x], default=[20],
                        help="concurrencies measured again with people who pause before each message")
    parser.add_argument("--think", type=float, default=3.0, help="mean pause (exponential) of --paced people, s")
    parser.add_argument("--paced-seconds", type=float, default=30.0, help="measured time per --paced row (bound)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for every part (to compare settings, e.g. SANIC_WORKERS)")
    parser.add_argument("--py-spy", default="", help="path of a py-spy binary: profile the Rasa server during one step")
    parser.add_argument("--profile-at", type=int, default=20, help="the step (concurrency) to profile with --py-spy")
    parser.add_argument("--profile-out", default="", help="where py-spy writes its collapsed stacks")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, databases)")
    args = parser.parse_args(argv)

    model = current_model()
    var_dir = Path(tempfile.mkdtemp(prefix="wegweiser-turn-bench-"))
    notes: list[str] = []
    log(f"starting the stack in {var_dir} (model {model.name})")
    started = time.monotonic()
    stack = start_stack(var_dir, dict(item.split("=", 1) for item in args.env))
    if args.env:
        notes.append(f"environment of the parts: {' '.join(args.env)}")
    notes.append(f"stack up in {time.monotonic() - started:.0f} s")
    try:
        steps = asyncio.run(run(args, stack, notes))
        rasa_peak = peak_memory_mb(stack.part("Rasa server").process.pid)
        endpoints = stack.environment().get("WEGWEISER_RASA_ENDPOINTS", "bot/endpoints.yml")
    finally:
        stack.stop()
        if args.keep:
            notes.append(f"logs and databases kept in {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)

    print(f"Bot turn benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}")
    print(f"model: {model.name}; endpoints: {Path(endpoints).name} (tracker store, lock store); one process each: "
          f"rasa run, action server (rasa-sdk), uvicorn api.main:app; development mode, SQLite")
    print(f"conversations: whole intakes (about 10 turns) in {', '.join(LANGUAGES)} in turn; per step "
          f"{args.lead_in:.0f} s lead-in, then at most {args.seconds:.0f} s ({args.paced_seconds:.0f} s with pauses) "
          f"or {args.turns} turns; every answer checked; pause 0: the next message as soon as the answer is there, "
          f"else an exponential pause of that mean before each message")
    print(f"Rasa server peak memory (VmHWM): {rasa_peak:.0f} MB")
    for note in notes:
        print(note)
    print()
    print(table(steps))
    print()
    if steps and steps[0].concurrency == 1 and not steps[0].think:
        print(per_turn_table(steps[0]))
        print()
    for line in verdicts(steps, args.stop_above_ms):
        print(line)
    return 0 if all(not s.errors for s in steps) else 1


if __name__ == "__main__":
    raise SystemExit(main())
