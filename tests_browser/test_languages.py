"""The learner pages in Arabic (right to left), Japanese and Spanish: the timed exam with its timer bar and the
proctored exam's setup instructions, each saved as a screenshot under test-artifacts/browser/ to look at."""

import re

import polib
import pytest

from tests_browser.conftest import ARTIFACTS, ROOT
from tests_browser.helpers import click_action, wait_for_interstitial, wait_for_timer

pytestmark = pytest.mark.browser

# (Django language code of the switch, locale directory of the shipped catalogue, text direction)
LANGUAGES = [("ar", "ar", "rtl"), ("ja-jp", "ja_JP", "ltr"), ("es-419", "es_419", "ltr")]


def translated(locale, msgid):
    catalogue = polib.pofile(str(ROOT / "edx_proctoring" / "locale" / locale / "LC_MESSAGES" / "django.po"))
    return next(entry.msgstr for entry in catalogue if entry.msgid == msgid)


def in_language(page, demo, code):
    page.context.add_cookies([{"name": "django_language", "value": code, "url": demo.url}])


@pytest.mark.parametrize(("code", "locale", "direction"), LANGUAGES, ids=[lang[1] for lang in LANGUAGES])
def test_timed_exam_and_proctored_instructions_in_the_learners_language(demo, new_page, code, locale, direction):
    page = new_page(f"{locale}-timed", username="learner")
    in_language(page, demo, code)
    page.goto(demo.course_url())
    assert page.get_attribute("html", "lang") == code
    assert page.get_attribute("html", "dir") == direction
    page.click("text=Midterm (timed)")
    wait_for_interstitial(page, "timed_exam/entrance")
    box = page.inner_text(".special-exam-interstitial")
    assert translated(locale, "Start the timed exam now") in box
    assert translated(locale, "When the time is up, the answers you have saved are submitted for you.") in box
    page.screenshot(path=str(ARTIFACTS / f"languages-{locale}-timed-entrance.png"), full_page=True)

    click_action(page, "start")
    page.wait_for_selector("[data-testid=exam-content]")
    wait_for_timer(page)
    bar = page.locator(".proctored_exam_status")
    # The bar follows the page's direction; the clock's digits read HH:MM:SS left to right in every language.
    assert bar.evaluate("el => getComputedStyle(el).direction") == direction
    clock = page.locator("#time_remaining_id b")
    assert clock.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert re.fullmatch(r"(\d{1,2}:)?\d{1,2}:\d\d", clock.inner_text().strip()), clock.inner_text()
    if direction == "rtl":
        # Right to left: the bar's text starts at the right edge of the bar.
        text_box = page.locator(".exam-timer-message").bounding_box()
        bar_box = bar.bounding_box()
        assert bar_box["x"] + bar_box["width"] - (text_box["x"] + text_box["width"]) < 40
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no horizontal scroll"
    page.screenshot(path=str(ARTIFACTS / f"languages-{locale}-timed-exam.png"), full_page=True)

    # The proctored final, as the second learner (one running exam per course).
    page = new_page(f"{locale}-proctored", username="learner2")
    in_language(page, demo, code)
    page.goto(demo.course_url())
    page.click("text=Final exam (proctored)")
    wait_for_interstitial(page, "proctored_exam/entrance")
    click_action(page, "start")
    wait_for_interstitial(page, "proctored_exam/instructions")
    box = page.inner_text(".special-exam-interstitial")
    assert translated(locale, "Set up your proctoring session") in box
    assert translated(locale, "I have completed the setup") in box
    interstitial = page.locator(".special-exam-interstitial")
    assert interstitial.evaluate("el => getComputedStyle(el).direction") == direction
    page.screenshot(path=str(ARTIFACTS / f"languages-{locale}-proctored-instructions.png"), full_page=True)
    assert page.errors == []
