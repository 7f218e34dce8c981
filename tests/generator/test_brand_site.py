"""What a prospect trusts: the business's brand on the site, a way to act on every page,
testimonial cards with their date and an honest "Verified customer", figures that say what
they count, and the language of every customer's text."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

from feedback_app.brand import Brand, BrandImage
from feedback_app.demo import DEMO_BRAND
from feedback_app.store import Idea, IdeaStatus, Store, Testimonial, TestimonialState, utcnow
from feedback_app.store.models import Sale, SaleOutcome, SurveyResponse
from generator.build import inputs_digest
from generator.collect import SiteData, collect
from generator.render import BRAND_CSS, render_site, site_env
from tests.generator.test_render import _data, _i, _t

BOARD = "http://board.example"
LOGO = BrandImage(Path(DEMO_BRAND["LOGO"]).read_bytes(), "image/svg+xml", "svg")
ICON = BrandImage(b"\x89PNG\r\n\x1a\n" + b"\0" * 8, "image/png", "png")


def _branded(**kw: object) -> SiteData:
    brand = Brand("Tom & Jerry's <Café>", "#ffcc00", LOGO, ICON)
    return dataclasses.replace(_data(), brand=brand, **kw)  # type: ignore[arg-type]


def test_the_brand_reaches_mkdocs_once_and_escaped() -> None:
    data = _branded()
    env = site_env(data.brand, BOARD)
    assert env["VOICEBOX_SITE_NAME"] == "Tom &amp; Jerry&#x27;s &lt;\u2060Café&gt;"
    assert env["VOICEBOX_COPYRIGHT"].startswith(
        "© Tom &amp; Jerry's &lt;Café&gt; · This site is run by"
    )
    assert env["VOICEBOX_BOARD_URL"] == "http://board.example/"
    files = render_site(data, "http://s/")
    assert files[env["VOICEBOX_LOGO"]] == LOGO.content
    assert files[env["VOICEBOX_FAVICON"]] == ICON.content
    css = files[BRAND_CSS]
    assert isinstance(css, str)
    assert "--md-primary-fg-color: #ffcc00;" in css and "--md-primary-bg-color: #111111;" in css
    assert "--md-typeset-a-color: #111111;" in css, "a light colour is not used for links on white"


def test_without_a_logo_the_site_names_no_logo_file_and_links_take_a_dark_colour() -> None:
    env = site_env(Brand("Brewline", "#2b59c3"), BOARD)
    assert "VOICEBOX_LOGO" not in env and "VOICEBOX_FAVICON" not in env
    css = render_site(_data(), "http://s/")[BRAND_CSS]
    assert "--md-typeset-a-color: #2b59c3;" in str(css)


def test_the_favicon_is_the_logo_unless_given() -> None:
    data = dataclasses.replace(_data(), brand=Brand("B", "#2b59c3", LOGO))
    env = site_env(data.brand, BOARD)
    assert env["VOICEBOX_FAVICON"].endswith(".svg")
    assert render_site(data, "http://s/")[env["VOICEBOX_FAVICON"]] == LOGO.content


def test_a_changed_brand_means_a_new_build(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    one = inputs_digest(tmp_path, "http://s/", site_env(Brand("One"), BOARD))
    assert one != inputs_digest(tmp_path, "http://s/", site_env(Brand("Two"), BOARD))
    assert one == inputs_digest(tmp_path, "http://s/", site_env(Brand("One"), BOARD))


def test_every_page_offers_to_share_an_idea_and_to_answer_the_survey() -> None:
    files = render_site(_branded(), "http://s/")
    pages = ["index.md", "testimonials/index.md", "ideas/index.md", "ideas/0-idea-0.md"]
    for name in pages:
        page = str(files[name])
        assert (
            "[Share an idea](http://board.example/ideas/new){ .md-button .md-button--primary }"
            in page
        ), name
        assert "[Tell us how we did](http://board.example/survey){ .md-button }" in page, name


def test_cards_are_dated_and_verified_only_when_true() -> None:
    data = dataclasses.replace(
        _data(0), testimonials=(_t(1, verified=True, date=date(2026, 3, 4)), _t(2, verified=False))
    )
    wall = str(render_site(data, "http://s/")["testimonials/index.md"])
    assert '<time datetime="2026-03-04">March 4, 2026</time>' in wall
    assert '<time datetime="2026-01-01">January 1, 2026</time>' in wall
    assert wall.count("✓ Verified customer") == 1
    assert 'title="Verified: the email was confirmed and matches a purchase."' in wall
    assert "\nVerified: the email was confirmed and matches a purchase.\n{ .vb-note }" in wall
    unverified = dataclasses.replace(data, testimonials=(_t(2),))
    assert "Verified" not in str(render_site(unverified, "http://s/")["testimonials/index.md"])


def test_the_figures_say_what_they_are_computed_from() -> None:
    from feedback_app.nps import NpsGroups
    from generator.collect import SurveyScore

    data = dataclasses.replace(
        _data(0), testimonials=(_t(1, rating=5), _t(2, rating=4)),
        survey=SurveyScore(NpsGroups(promoters=6, passives=2, detractors=2)),
    )  # fmt: skip
    home = str(render_site(data, "http://s/")["index.md"])
    assert "**4.5 ★**\n\n    average rating of the 2 testimonials published here" in home
    assert "**+40**\n\n    Net Promoter Score, from 10 survey answers in the last 12 months" in home
    assert "average rating\n" not in home
    no_answers = str(render_site(_data(0), "http://s/")["index.md"])
    assert "Net Promoter" not in no_answers and "average rating" not in no_answers


def test_customers_text_carries_its_language() -> None:
    data = dataclasses.replace(
        _data(0), testimonials=(_t(1, "Відмінна кава", language="uk"), _t(2)),
        ideas=(_i(1, title="Більше вівсяного молока", language="uk"),),
    )  # fmt: skip
    files = render_site(data, "http://s/")
    assert '{ .vb-quote lang="uk" }' in str(files["testimonials/index.md"])
    assert "{ .vb-quote }" in str(files["testimonials/index.md"]), "unknown: the page's language"
    idea = str(files["ideas/1-idea-1.md"])
    assert '# Більше вівсяного молока { lang="uk" }' in idea
    assert '<div class="vb-rich" lang="uk">' in idea
    assert '](1-idea-1.md) { lang="uk" }' in str(files["ideas/index.md"])


def _approved(store: Store, text: str, email: str, **kw: object) -> Testimonial:
    fields = {"state": TestimonialState.APPROVED, "consented_at": utcnow(), "consent_text": "ok",
              "consent_version": "1", "email_confirmed_at": utcnow(), "email": email}  # fmt: skip
    fields.update(kw)
    return store.testimonials.add(Testimonial(text, 5, "Someone", **fields))  # type: ignore[arg-type]


def _sale(store: Store, email: str, ref: str, **kw: object) -> None:
    store.sales.add(Sale(email=email, order_ref=ref, sold_at=utcnow(), **kw))  # type: ignore[arg-type]


def test_verified_means_a_confirmed_email_with_a_purchase(store: Store) -> None:
    _sale(store, "buyer@example.com", "A1", language="it")
    _sale(store, "lost@example.com", "A2", outcome=SaleOutcome.LOST)
    _approved(store, "Comprato, adorato", "Buyer@Example.com ")
    _approved(store, "Nearly bought", "lost@example.com")
    _approved(store, "Never bought", "stranger@example.com")
    found = {t.quote: t for t in collect(store, BOARD).testimonials}
    assert found["Comprato, adorato"].verified
    assert found["Comprato, adorato"].language == "it", "the sale's language"
    assert not found["Nearly bought"].verified, "a lost deal is not a purchase"
    assert not found["Never bought"].verified


def test_collect_reads_the_sales_once(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(30):
        _approved(store, f"Words {n}", f"p{n}@example.com")
        _sale(store, f"p{n}@example.com", f"R{n}")
    reads = []
    original = store.sales.all
    monkeypatch.setattr(store.sales, "all", lambda: reads.append(1) or original())
    assert all(t.verified for t in collect(store, BOARD).testimonials)
    assert len(reads) == 1


def test_a_stated_english_on_cyrillic_text_is_not_believed(store: Store) -> None:
    _approved(store, "Дуже смачна кава, дякую!", "a@example.com", language="en")
    idea = store.ideas.add(Idea("Більше вівсяного молока", "Будь ласка, додайте", "Drinks", 1))
    store.ideas.set_status(idea.id, IdeaStatus.IMPLEMENTED, "Done", by=1, changed_note="Done")
    data = collect(store, BOARD)
    assert data.testimonials[0].language == "uk"
    assert data.ideas[0].language == "uk"


def test_the_survey_score_counts_the_last_twelve_months(store: Store) -> None:
    now = utcnow()
    for score, days in [(10, 1), (9, 30), (3, 200), (0, 400)]:
        store.surveys.add(SurveyResponse(email="", order_ref="", score=score,
                                         created_at=now - timedelta(days=days)))  # fmt: skip
    store.surveys.add(SurveyResponse(email="", order_ref="", score=None, question="arrival"))
    groups = collect(store, BOARD, now=now).survey.groups
    assert (groups.promoters, groups.detractors, groups.answers, groups.nps) == (2, 1, 3, 33)
