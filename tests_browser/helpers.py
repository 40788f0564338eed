"""What the browser tests read on the demo's pages."""

from __future__ import annotations

import re
import time

TIMER = ".proctored_exam_status #time_remaining_id b"


def interstitial_page(page) -> str | None:
    """The data-page of the edx_proctoring interstitial shown (e.g. "timed_exam/entrance"), or None."""
    element = page.query_selector(".special-exam-interstitial[data-page]")
    return element.get_attribute("data-page") if element else None


def wait_for_interstitial(page, name: str, timeout: float = 20.0) -> None:
    page.wait_for_selector(f".special-exam-interstitial[data-page='{name}']", timeout=timeout * 1000)


def timer_seconds(page) -> int:
    """The time the timer bar shows, in seconds ("19:58" or "1:02:03")."""
    text = page.inner_text(TIMER).strip()
    parts = [int(part) for part in re.findall(r"\d+", text)]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def wait_for_timer(page, timeout: float = 20.0) -> int:
    page.wait_for_selector(TIMER, state="visible", timeout=timeout * 1000)
    page.wait_for_function(
        "(selector) => /\\d/.test((document.querySelector(selector) || {}).textContent || '')", arg=TIMER
    )
    return timer_seconds(page)


def server_remaining_seconds(page) -> float:
    """What the server says is left of the learner's current timed attempt (its timer payload)."""
    payload = page.evaluate(
        "() => fetch('/api/edx_proctoring/v1/proctored_exam/attempt', {credentials: 'same-origin'}).then(r => r.json())"
    )
    return float(payload["time_remaining_seconds"])


def click_action(page, action: str) -> None:
    """Click the interstitial's button for `action` (data-action) and wait for the page it reloads to."""
    with page.expect_navigation():
        page.click(f".special-exam-interstitial [data-action='{action}']")


def reload_until(page, predicate, timeout: float = 30.0, interval: float = 0.5):
    """Reload the page until predicate(page) is truthy; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate(page)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout} s waiting on {page.url}")
        time.sleep(interval)
        page.reload()
