"""The web chat in headless Chromium (Debian's package, driven by Playwright) against the real
servers: a whole intake in Arabic, right to left, buttons clicked, the intake in the case API."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from api.channels import texts
from scripts.stack import REPO_ROOT, Stack
from tests.e2e.conftest import Staff, expected, intakes_of

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
# WEGWEISER_SCREENSHOTS=docs/screenshots refreshes the screenshots of docs/channels.md.
SCREENSHOTS = os.environ.get("WEGWEISER_SCREENSHOTS")


@pytest.fixture(scope="module")
def chromium() -> Iterator["Browser"]:  # noqa: F821
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def chat_url(stack: Stack) -> str:
    return f"http://localhost:{stack.api_port}/chat"


def screenshot(page, name: str, tmp_path: Path) -> None:
    target = (REPO_ROOT / SCREENSHOTS) if SCREENSHOTS else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / f"webchat-{name}.png"), full_page=False)


class WebChat:
    """A person using the chat page."""

    def __init__(self, page):
        self.page = page

    def write(self, text: str) -> None:
        box = self.page.locator("#message")
        box.fill(text)
        box.press("Enter")

    def press(self, payload: str) -> None:
        button = self.page.locator(f"button.choice:not([disabled])[data-payload='{payload}']")
        button.wait_for(state="visible", timeout=60_000)
        button.click()

    def wait_for_text(self, text: str) -> None:
        self.page.locator("#log li.message.bot", has_text=text).last.wait_for(timeout=60_000)

    def conversation_id(self) -> str:
        [cookie] = [c for c in self.page.context.cookies() if c["name"] == "wegweiser_chat"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        return "webchat-" + cookie["value"].split(".")[0]


def test_a_whole_intake_in_arabic_right_to_left(stack: Stack, staff: Staff, chromium, tmp_path: Path) -> None:
    context = chromium.new_context(viewport=PHONE, locale="de-DE")
    page = context.new_page()
    page.goto(chat_url(stack))
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"

    # The language picker: a labelled select and a button (keyboard and screen reader friendly).
    page.get_by_label(texts.label("de", "webchat.language_label")).select_option("ar")
    page.get_by_role("button", name=texts.label("de", "webchat.language_apply")).click()
    page.wait_for_url("**/chat?lang=ar")
    page.locator("body[data-ready=true]").wait_for()
    assert page.evaluate("document.documentElement.getAttribute('dir')") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('#composer')).direction") == "rtl"
    assert page.get_by_role("link", name=texts.label("ar", "webchat.privacy_link")).get_attribute("href") == "/privacy?lang=ar"

    chat = WebChat(page)
    chat.write("بدور على شقة")
    chat.wait_for_text(expected("ar", "utter_ask_consent"))
    assert page.locator("#log").get_attribute("role") == "log"
    screenshot(page, "ar", tmp_path)
    chat.press("/affirm")
    # The pressed button's title is shown as the person's message, not its payload.
    assert page.locator("#log li.message.person").last.inner_text().endswith(page.locator("button[aria-pressed=true]").last.inner_text())
    chat.wait_for_text(expected("ar", "utter_ask_consent_improve"))
    chat.press("/deny")
    chat.press('/inform{"answer": "skip"}')
    chat.wait_for_text(expected("ar", "utter_ask_age"))
    chat.write("34")
    chat.press('/inform{"answer": "asylblg"}')
    chat.press('/inform{"answer": "asylum_pending"}')
    chat.wait_for_text(expected("ar", "utter_ask_district"))
    chat.write("Hiltrup")
    chat.press('/inform{"answer": "chat"}')
    chat.wait_for_text(expected("ar", "utter_ask_intake_confirmed"))
    chat.press("/affirm")
    chat.wait_for_text(expected("ar", "utter_intake_submitted"))

    # Nothing the person or the assistant wrote became markup.
    assert page.locator("#log script, #log img, #log iframe").count() == 0
    conversation_id = chat.conversation_id()
    context.close()

    [intake] = intakes_of(staff, conversation_id)
    assert intake["channel"] == "webchat"
    assert intake["language"] == "ar"
    assert intake["age"] == 34
    assert intake["receives_benefits"] == "asylblg"
    assert intake["residence_status"] == "asylum_pending"
    assert [need["text"] for need in intake["needs"]] == ["بدور على شقة"]


def test_german_at_phone_width_with_reload(stack: Stack, chromium, tmp_path: Path) -> None:
    context = chromium.new_context(viewport=PHONE, locale="de-DE")
    page = context.new_page()
    page.goto(chat_url(stack))
    chat = WebChat(page)
    chat.write("Ich suche eine Wohnung")
    chat.wait_for_text(expected("de", "utter_ask_consent"))
    # The page fits the phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "de", tmp_path)

    # A reload (or a language switch) keeps the conversation: the server has it, the cookie names it.
    page.reload()
    page.locator("body[data-ready=true]").wait_for()
    page.locator("#log li.message.person", has_text="Ich suche eine Wohnung").wait_for()
    chat.press("/affirm")
    chat.wait_for_text(expected("de", "utter_ask_consent_improve"))
    context.close()


def test_a_too_long_message_is_explained_in_the_page(stack: Stack, chromium) -> None:
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(chat_url(stack) + "?lang=fa")
    page.locator("body[data-ready=true]").wait_for()
    # maxlength stops typing at the limit; a pasted text is checked again before sending.
    page.evaluate("document.querySelector('#message').removeAttribute('maxlength')")
    page.locator("#message").fill("س" * 2001)
    page.locator("#send").click()
    notice = page.locator("#log li.message.notice")
    notice.wait_for()
    assert notice.inner_text().strip().endswith(texts.label("fa", "too_long", max_chars=2000))
    assert page.locator("#message").input_value() == "س" * 2001  # nothing the person wrote is lost
    context.close()


def test_rasas_http_api_needs_its_token(stack: Stack) -> None:
    token = stack.environment()["WEGWEISER_RASA_TOKEN"]
    with httpx.Client(base_url=stack.rasa_url, timeout=30) as rasa:
        assert rasa.get("/conversations/someone/tracker").status_code in (401, 403)
        assert rasa.post("/conversations/someone/tracker/events", json=[{"event": "restart"}]).status_code in (401, 403)
        assert rasa.post("/model/parse", json={"text": "hallo"}).status_code in (401, 403)
        assert rasa.get("/conversations/someone/tracker", params={"token": "wrong"}).status_code in (401, 403)
        assert rasa.get("/conversations/someone/tracker", params={"token": token}).status_code == 200
