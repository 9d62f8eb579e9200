"""Screenshots of the case UI's main pages for docs/ui.md: `python -m scripts.screenshots`.

Starts the case API on a free port with a throw-away database (tests/ui/live_server.py),
fills it with made-up intakes through the API as the assistant and case managers would,
and photographs the pages with Debian's chromium (scripts/ci-browser.sh installs it).
The months are spread by moving the demo intakes' dates back in the throw-away database,
so the time charts have something to show.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from datetime import date
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from tests.ui.live_server import CHROMIUM, CHROMIUM_ARGS, LiveServer, login

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"

WORDS = {
    "ar": ("need_housing", "أبحث عن شقة لعائلتي، نحن خمسة أشخاص ونسكن في غرفة واحدة."),
    "fa": ("need_mental_health", "شب‌ها نمی‌توانم بخوابم و خیلی نگرانم."),
    "uk": ("need_language_course", "Я шукаю інтеграційний курс німецької мови."),
    "ru": ("need_work", "Я ищу работу, у меня есть диплом инженера."),
    "tr": ("need_money", "Kira için yardıma ihtiyacım var."),
    "en": ("need_education", "How can my degree from Syria be recognised?"),
    "de": ("need_residence", "Meine Aufenthaltserlaubnis läuft im März aus."),
}
GOALS = {
    "need_housing": "basic_needs", "need_mental_health": "mental_health", "need_language_course": "language",
    "need_work": "education_work", "need_money": "basic_needs", "need_education": "education_work",
    "need_residence": "residence",
}
REFERRALS = {
    "basic_needs": "kim_case_management", "mental_health": "kim_case_management", "language": "mbe",
    "education_work": "jobcenter", "residence": "auslaenderbehoerde",
}
DISTRICTS = ["Kinderhaus", "Coerde", "Berg Fidel", "Gievenbeck", "Hiltrup", "Mitte", "Angelmodde"]
BARRIERS = [("waiting_list", "jobcenter"), ("language_barrier", "auslaenderbehoerde"), ("no_appointment", "auslaenderbehoerde"),
            ("digital_access", "jobcenter"), ("missing_documents", "sozialamt")]


def seed(server: LiveServer) -> dict[str, str]:
    rng = random.Random(7)
    languages = ["ar"] * 9 + ["fa"] * 7 + ["uk"] * 8 + ["de"] * 6 + ["tr"] * 5 + ["ru"] * 5 + ["en"] * 3
    ids: dict[str, str] = {}
    for index, language in enumerate(languages):
        intent, text = WORDS[language]
        goal = GOALS[intent]
        case_id = server.submit(
            language=language,
            nickname=rng.choice(["Amina", "Reza", "Olena", None, "Mehmet", "Sami"]),
            age=rng.randint(19, 58),
            district=rng.choice(DISTRICTS),
            needs=[{"intent": intent, "text": text, "confidence": round(rng.uniform(0.62, 0.98), 2)}],
            goals=[{"code": goal, "rule": f"goal.{intent}"}],
            referrals=[{"code": REFERRALS[goal], "rule": f"referral.{goal}"}],
            urgency="high" if index % 11 == 3 else "normal",
            human_requested=index % 7 == 2,
        )
        ids.setdefault(language, case_id)
        ids[f"case-{index}"] = case_id

    managers = {name: {"Authorization": f"Bearer {server.token(name)}"} for name in ("cm.caritas", "cm.drk")}
    case_ids = [v for k, v in ids.items() if k.startswith("case-")]
    keep_open = {ids["ar"], ids["fa"]}
    for index, case_id in enumerate(case_ids[:34]):
        if case_id in keep_open:
            continue
        headers = managers["cm.caritas" if index % 2 else "cm.drk"]
        httpx.post(f"{server.url}/api/cases/{case_id}/claim", headers=headers).raise_for_status()
        category, service = BARRIERS[index % len(BARRIERS)] if index % 3 else BARRIERS[0]
        httpx.post(
            f"{server.url}/api/cases/{case_id}/barriers", headers=headers, json={"category": category, "service_id": service}
        ).raise_for_status()

    # Spread the demo over six months in the throw-away database, and the waits to claim.
    database = server.var_dir / "wegweiser.db"
    with sqlite3.connect(database) as connection:
        for index, case_id in enumerate(case_ids):
            days = (len(case_ids) - index) * 4 + rng.randint(0, 3)
            hours = rng.randint(2, 60)
            key = case_id.replace("-", "")
            connection.execute("UPDATE intakes SET created_at = datetime(created_at, ?) WHERE id = ?", (f"-{days} days", key))
            connection.execute(
                "UPDATE cases SET claimed_at = datetime((SELECT created_at FROM intakes WHERE id = ?), ?) "
                "WHERE id = ? AND claimed_at IS NOT NULL",
                (key, f"+{hours} hours", key),
            )
        connection.execute(
            "UPDATE barriers SET created_at = (SELECT created_at FROM intakes WHERE intakes.id = barriers.case_id)"
        )
    return ids


# Made-up messages the assistant was unsure about, as the review inbox shows them (masked there).
REVIEW_ITEMS = [
    ("ar", "fallback", "need_housing", 0.41, "الغرفة صغيرة كتير وفي رطوبة، اتصل علي 0176 1234567"),
    ("ar", "fallback", "need_housing", 0.38, "صاحب البيت بدو يطلعنا"),
    ("de", "fallback", "need_money", 0.44, "Das Amt hat mir einen Brief wegen Rückforderung geschickt, ich heiße Amira"),
    ("fa", "handover", "need_residence", 0.47, "ترمین اوسلندر را نمی‌گیرم"),
    ("uk", "fallback", None, None, "🙂 knurzel pöhlwabe"),
    ("tr", "fallback", "need_work", 0.36, "Bana yazar mısın: mehmet@example.org, iş arıyorum"),
]


def seed_review(server: LiveServer) -> None:
    for language, source, intent, confidence, text in REVIEW_ITEMS:
        ranking = [{"name": intent, "confidence": confidence}] if intent else []
        server.submit_review_item(language=language, source=source, predicted_intent=intent,
                                  confidence=confidence, ranking=ranking, text=text)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    server = LiveServer().start()
    try:
        ids = seed(server)
        seed_review(server)
        with sync_playwright() as playwright:
            # German browser UI, so date fields read TT.MM.JJJJ as for the case managers.
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--lang=de-DE"])
            desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
            page = desktop.new_page()
            page.goto(f"{server.url}/ui/login")
            page.screenshot(path=OUT / "login.png")
            login(page, server, "cm.caritas")
            page.screenshot(path=OUT / "queue.png", full_page=True)
            page.goto(f"{server.url}/ui/cases/{ids['ar']}")
            page.get_by_role("button", name="Fall übernehmen").click()
            page.screenshot(path=OUT / "case-detail-rtl.png", full_page=True)
            page.goto(f"{server.url}/ui/cases/{ids['fa']}")
            page.screenshot(path=OUT / "case-detail-fa.png", full_page=True)

            tablet = browser.new_context(viewport={"width": 768, "height": 1024}, locale="de-DE")
            tab = tablet.new_page()
            login(tab, server, "cm.drk")
            tab.screenshot(path=OUT / "queue-tablet.png")  # the first screen: a tablet held upright

            dash = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE").new_page()
            login(dash, server, "coordinator")
            dash.screenshot(path=OUT / "dashboard.png", full_page=True)
            dash.set_viewport_size({"width": 900, "height": 1200})  # about an A4 page
            dash.goto(f"{server.url}/ui/reports/print")
            dash.emulate_media(media="print")
            dash.screenshot(path=OUT / "report-print.png", full_page=True)

            ops = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE").new_page()
            login(ops, server, "operator")
            ops.goto(f"{server.url}/ui/services/jobcenter/edit")
            ops.get_by_label("E-Mail").fill("jobcenter@example.org")
            ops.get_by_label("Sprachen der Beratung").fill("de, en, ar, uk")
            ops.get_by_label("Zuletzt geprüft am").fill(date.today().isoformat())
            ops.screenshot(path=OUT / "service-edit.png", full_page=True)
            ops.get_by_role("button", name="Speichern").click()
            ops.screenshot(path=OUT / "service-directory.png", full_page=True)
            ops.goto(f"{server.url}/ui/review")
            ops.screenshot(path=OUT / "review-inbox.png", full_page=True)
            browser.close()
    finally:
        server.stop()
    print(f"screenshots written to {OUT.relative_to(OUT.parents[1])}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
