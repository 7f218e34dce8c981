"""The published site and the board as a prospect sees them in Chromium: the business's name,
logo, favicon and footer; a way to act on every page, leading to the board; dated cards with
an honest "Verified customer"; figures saying what they count; each quote in its language."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from feedback_app.brand import load_brand
from feedback_app.demo import DEMO_BRAND, seed_demo
from feedback_app.store import Store
from generator.publish import publish
from tests.browser.test_site import _serve

BOARD = "http://board.example"
NAME = DEMO_BRAND["SITE_NAME"]


@pytest.fixture
def branded_site(store: Store, site_project: Path) -> Iterator[str]:
    seed_demo(store)
    site = site_project / "site"
    brand = load_brand({**DEMO_BRAND, "FAVICON": ""})
    publish(store, site_project, site, BOARD, "http://127.0.0.1/", brand=brand)
    server, url = _serve(site)
    yield url
    server.shutdown()


def _actions_lead_to_the_board(page: Page) -> None:
    share = page.get_by_role("link", name="Share an idea")
    expect(share).to_have_attribute("href", f"{BOARD}/ideas/new")
    expect(share).to_have_class("md-button md-button--primary")
    expect(page.get_by_role("link", name="Tell us how we did")).to_have_attribute(
        "href", f"{BOARD}/survey"
    )


def test_the_site_is_the_business_s(branded_site: str, page: Page) -> None:
    page.goto(branded_site + "/")
    expect(page).to_have_title(NAME)
    expect(page.locator(".md-header__title")).to_contain_text(NAME)
    logo = page.locator(".md-header__button.md-logo img")
    expect(logo).to_have_attribute("src", "brand/logo-" + logo.get_attribute("src").split("-")[1])  # type: ignore[union-attr]
    assert page.evaluate("document.querySelector('.md-logo img').naturalWidth") > 0
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon and icon.startswith("brand/favicon-") and icon.endswith(".svg")
    assert (
        page.request.get(f"{branded_site}/{icon}").body() == Path(DEMO_BRAND["LOGO"]).read_bytes()
    )
    footer = page.locator(".md-footer")
    expect(footer).to_contain_text(f"© {NAME} · This site is run by {NAME}")
    expect(footer).not_to_contain_text("Made with")
    header = page.locator(".md-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(111, 78, 55)", "the brand colour"
    expect(page.get_by_role("link", name="Idea board").first).to_have_attribute("href", BOARD + "/")
    _actions_lead_to_the_board(page)


def test_the_home_page_s_figures_say_what_they_count(branded_site: str, page: Page) -> None:
    page.goto(branded_site + "/")
    figures = page.locator(".vb-figures")
    expect(figures).to_contain_text("average rating of the 8 testimonials published here")
    expect(figures).to_contain_text("survey answers in the last 12 months")
    expect(figures.get_by_text("Net Promoter Score", exact=False)).to_be_visible()


def test_the_wall_dates_each_card_and_explains_verified(branded_site: str, page: Page) -> None:
    page.goto(branded_site + "/testimonials/")
    cards = page.locator(".grid.cards li")
    expect(cards.first.locator("time")).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d{2}-\d{2}$")
    )
    assert cards.count() == page.locator(".grid.cards li time").count()
    mark = page.locator(".vb-verified").first
    expect(mark).to_have_text("✓ Verified customer")
    expect(mark).to_have_attribute(
        "title", "Verified: the email was confirmed and matches a purchase."
    )
    expect(page.locator(".vb-note")).to_have_text(
        "Verified: the email was confirmed and matches a purchase."
    )
    langs = page.locator(".vb-quote").evaluate_all("ps => ps.map(p => p.lang)")
    assert {"uk", "ru", "zh", "it", "tl", "en"} <= set(langs)
    ukrainian = page.locator(".vb-quote[lang=uk]").first.inner_text()
    assert any(c in ukrainian for c in "іїєґ")
    _actions_lead_to_the_board(page)


def test_an_idea_page_speaks_its_language_and_offers_the_actions(
    branded_site: str, page: Page
) -> None:
    page.goto(branded_site + "/ideas/")
    expect(page.locator("h3[lang=uk]").first).to_be_visible()
    page.locator("h3[lang=uk] a").first.click()
    expect(page.locator("article h1")).to_have_attribute("lang", "uk")
    expect(page.locator(".vb-rich[lang=uk]")).to_have_count(1)
    _actions_lead_to_the_board(page)


@pytest.fixture
def branded_board(make_app: Callable[..., Flask]) -> Iterator[str]:
    app = make_app(SITE_NAME=NAME, LOGO=DEMO_BRAND["LOGO"], BRAND_COLOR=DEMO_BRAND["BRAND_COLOR"],
                   SITE_URL="http://stories.example/")  # fmt: skip
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_board_wears_the_brand_and_leads_to_the_site(branded_board: str, page: Page) -> None:
    page.goto(branded_board + "/ideas/")
    header = page.locator("header.top")
    expect(header.locator(".brand")).to_have_text(NAME)
    assert page.evaluate("document.querySelector('.brand-logo').naturalWidth") > 0
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(111, 78, 55)"
    assert header.locator(".brand").evaluate("e => getComputedStyle(e).color") == (
        "rgb(255, 255, 255)"
    )
    expect(page.locator("link[rel=icon]")).to_have_attribute(
        "href", re.compile(r"^/brand/icon\?v=")
    )
    expect(header.get_by_role("link", name="What our customers say")).to_have_attribute(
        "href", "http://stories.example/"
    )
