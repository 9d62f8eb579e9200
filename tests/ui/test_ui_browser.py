"""The case UI in a real browser: Debian's chromium driven by Playwright.

One API server for the module (tests/ui/live_server.py); each test has its own browser
context, so cookies never leak from one test into the next.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ui.live_server import CHROMIUM, CHROMIUM_ARGS, LiveServer, login, logout

pytestmark = pytest.mark.slow

if not Path(CHROMIUM).exists():
    message = f"{CHROMIUM} is missing: run scripts/ci-browser.sh"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_WORDS = "<script>alert(2)</script> أبحث عن شقة"
# The names of the visible form controls without a name a screen reader can say.
UNNAMED_CONTROLS = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(el => !el.labels.length && !el.getAttribute('aria-label')).map(el => el.name)"""


@pytest.fixture(scope="module")
def server():
    live = LiveServer().start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.dialogs = dialogs
    yield tab
    context.close()


def test_claim_record_barriers_and_see_them_counted_on_the_dashboard(server, page):
    cases = [server.submit(district="Coerde") for _ in range(5)]
    server.submit(urgency="high", district="Hiltrup")
    login(page, server, "cm.caritas")
    expect(page).to_have_title("Warteschlange – Wegweiser Case-Management")
    # Urgent first, whoever has waited longest next.
    expect(page.locator("tbody[data-live-target] tr").first).to_contain_text("dringend")

    for case_id in cases:
        page.goto(f"{server.url}/ui/cases/{case_id}")
        page.get_by_role("button", name="Fall übernehmen").click()
        expect(page.get_by_role("status")).to_have_text("Sie haben den Fall übernommen.")
        page.get_by_label("Kategorie").select_option(label="Warteliste oder lange Wartezeit")
        page.get_by_label("Stelle (Amt, Dienst)").select_option("jobcenter")
        page.get_by_label("Notiz (optional)", exact=True).last.fill("Termin erst in acht Wochen")
        page.get_by_role("button", name="Barriere erfassen").click()
        expect(page.get_by_role("status")).to_have_text("Die Barriere wurde erfasst.")
        expect(page.locator(".barrier-list")).to_contain_text("Warteliste oder lange Wartezeit bei Jobcenter")

    logout(page)
    login(page, server, "coordinator")
    expect(page).to_have_title("Auswertung – Wegweiser Case-Management")
    chart = page.locator("figure", has=page.get_by_role("heading", name="Barrieren nach Kategorie", exact=True))
    chart.get_by_text("Als Tabelle").click()
    row = chart.get_by_role("row", name="Warteliste oder lange Wartezeit")
    expect(row).to_contain_text("5")
    matrix = page.locator("table.matrix")
    expect(matrix.get_by_role("row", name="Warteliste oder lange Wartezeit")).to_contain_text("5")


def test_a_script_in_a_name_is_shown_as_text_and_never_runs(server, page):
    case_id = server.submit(
        language="ar",
        nickname=XSS_NAME,
        district="<script>window.__xss=1</script>",
        needs=[{"intent": "need_housing", "text": XSS_WORDS, "confidence": 0.9}],
    )
    login(page, server, "cm.caritas")
    page.goto(f"{server.url}/ui/cases/{case_id}")
    expect(page.locator(".person-name")).to_have_text(XSS_NAME)
    expect(page.get_by_text(XSS_NAME, exact=True)).to_be_visible()
    words = page.locator("blockquote.person-words")
    expect(words).to_have_text(XSS_WORDS)
    expect(words).to_have_attribute("dir", "rtl")
    expect(words).to_have_attribute("lang", "ar")
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    # The queue shows the district too: also text there.
    page.goto(f"{server.url}/ui/cases")
    expect(page.get_by_text("<script>window.__xss=1</script>").first).to_be_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []


def test_the_queue_updates_without_a_reload(server, page):
    login(page, server, "cm.drk")
    page.goto(f"{server.url}/ui/cases?language=uk")
    expect(page.locator("#queue-count")).to_contain_text("0")
    page.evaluate("window.__stillTheSamePage = true")
    server.submit(language="uk", district="Gievenbeck")
    # The page fetches the rows on its timer and whenever it becomes visible again.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("tbody[data-live-target] tr")).to_contain_text("Ukrainisch")
    expect(page.locator("#queue-count")).to_contain_text("1 Fall")
    assert page.evaluate("window.__stillTheSamePage") is True


def test_the_queue_filters_work_without_javascript(server, browser):
    server.submit(language="tr", district="Roxel")
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    login(tab, server, "cm.drk")
    tab.get_by_label("Sprache").select_option(label="Türkisch")
    tab.get_by_role("button", name="Filtern").click()
    rows = tab.locator("tbody[data-live-target] tr")
    expect(rows.first).to_contain_text("Türkisch")
    assert all("Türkisch" in text for text in rows.all_inner_texts())
    context.close()


def test_an_operator_keeps_the_directory_current(server, page):
    login(page, server, "operator")
    expect(page).to_have_title("Dienstverzeichnis – Wegweiser Case-Management")
    page.get_by_role("link", name="Bearbeiten: Jobcenter (SGB II, Bürgergeld)").click()
    page.get_by_label("E-Mail").fill("jobcenter@example.org")
    page.get_by_label("Sprachen der Beratung").fill("de, en, ar")
    page.get_by_role("button", name="Heute eintragen").click()
    page.get_by_label("Angaben müssen noch geprüft werden").uncheck()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_have_text("Die Änderungen sind gespeichert.")
    row = page.locator("#services-jobcenter")
    expect(row).to_contain_text("jobcenter@example.org")
    expect(row).to_contain_text("Arabisch")
    expect(row).not_to_contain_text("Prüfung nötig")


def test_an_operator_accepts_an_item_with_one_click(server, page):
    item = server.submit_review_item(
        language="ar", text="اسمي محمد، أوراق الإقامة انتهت <b>", predicted_intent="need_residence", confidence=0.44
    )
    login(page, server, "operator")
    page.get_by_role("link", name="Prüfliste").click()
    expect(page).to_have_title("Prüfliste – Wegweiser Case-Management")
    entry = page.locator(f"#eintrag-{item}")
    words = entry.locator("blockquote.person-words")
    expect(words).to_have_text("اسمي ⟨Name⟩، أوراق الإقامة انتهت <b>")
    expect(words).to_have_attribute("dir", "rtl")
    expect(entry).to_contain_text("Sicherheit 44 %")
    assert page.evaluate(UNNAMED_CONTROLS) == []
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    entry.get_by_role("button", name="Übernehmen: Aufenthalt").click()
    expect(page.get_by_role("status")).to_contain_text("Übernommen als „Aufenthalt")
    expect(page.locator(f"#eintrag-{item}")).to_have_count(0)
    expect(page.locator("#training-waiting")).to_have_text("1")
    reviewed = server.var_dir / "nlu" / "ar" / "reviewed.yml"
    assert "    - اسمي ⟨Name⟩، أوراق الإقامة انتهت <b>\n" in reviewed.read_text(encoding="utf-8")


def test_keyboard_labels_and_tablet_width(server, browser):
    case_id = server.submit(language="fa", needs=[{"intent": "need_health", "text": "دکتر می‌خواهم", "confidence": 0.8}])
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    tab = context.new_page()
    login(tab, server, "cm.caritas")
    for path in ("/ui/cases", f"/ui/cases/{case_id}", "/ui/services"):
        tab.goto(server.url + path)
        # Nothing wider than a tablet in portrait.
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        # Every visible control has a name a screen reader can say.
        unnamed = tab.evaluate(UNNAMED_CONTROLS)
        assert unnamed == [], (path, unnamed)
    # The first Tab reaches the skip link, and it is visible when focused.
    tab.goto(f"{server.url}/ui/cases/{case_id}")
    tab.keyboard.press("Tab")
    focused = tab.locator(":focus")
    expect(focused).to_have_text("Zum Inhalt springen")
    expect(focused).to_be_in_viewport()
    # Claiming works from the keyboard alone.
    tab.get_by_role("button", name="Fall übernehmen").focus()
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("status")).to_have_text("Sie haben den Fall übernommen.")
    context.close()
