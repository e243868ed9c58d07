"""Learning in a real browser: a person searches in their own words, opens the article
that answers them, follows a footnote down to its source and back up to the text."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_search_in_lay_words_then_follow_a_footnote_and_back(new_context):
    page = new_context().new_page()
    page.goto("/")
    box = page.get_by_role("search").get_by_label("Search painpath")
    box.fill("pain down my leg")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=pain\+down\+my\+leg"))
    first = page.locator("ol.results > li").first
    expect(first.get_by_role("link")).to_contain_text("Sciatica")
    first.get_by_text("Why this result").click()
    expect(first.locator(".why")).to_contain_text("another name for")
    first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("down the leg")

    marker = page.locator("sup.footnote-ref a").first
    note_id = marker.get_attribute("href").lstrip("#")
    marker.click()
    expect(page).to_have_url(re.compile(f"#{note_id}$"))
    note = page.locator(f"li#{note_id}")
    expect(note).to_be_in_viewport()
    source = note.locator("a[href^='#ref-']").first
    source.click()
    expect(page.locator("li[id^='ref-']:target")).to_be_in_viewport()
    page.go_back()
    note.locator("a.footnote-backref").first.click()
    expect(marker).to_be_in_viewport()


def test_the_search_answers_a_scan_question_with_a_card(new_context):
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    page.goto("/search?q=do+I+need+an+x-ray+for+my+back")
    card = page.locator("section.answer")
    expect(card.get_by_role("heading")).to_have_text("Do I need a scan for back pain?")
    expect(card.get_by_role("link", name="Read the full article")).to_have_attribute(
        "href", "/learn/mri-what-a-scan-can-tell-you"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # no sideways scrolling on a phone
