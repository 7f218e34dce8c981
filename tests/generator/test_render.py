"""The pure render step: data in, files out; inert user text; stable output."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import markdown

from feedback_app.store import IdeaStatus
from generator.collect import PublishedIdea, PublishedTestimonial, SiteData
from generator.paging import PER_PAGE
from generator.render import inert, render_site, tag_slug
from tests.test_text import XSS, _tags

SCHEMA = json.loads((Path(__file__).parents[2] / "generator/testimonials.schema.json").read_text())


def _t(n: int, quote: str = "Great coffee", **kw: object) -> PublishedTestimonial:
    fields = {"id": n, "quote": quote, "rating": 5, "name": f"Person {n}", "role": "",
              "company": "", "disclosure": "", "tags": (), "featured": False,
              "date": date(2026, 1, 1)}  # fmt: skip
    fields.update(kw)
    return PublishedTestimonial(**fields)  # type: ignore[arg-type]


def _i(n: int, **kw: object) -> PublishedIdea:
    fields = {"id": n, "title": f"Idea {n}", "asked": "Please", "category": "Drinks",
              "status": IdeaStatus.IMPLEMENTED, "what_changed": "Done", "response": "Thanks",
              "changed_on": date(2026, 1, n % 28 + 1), "supporters": n,
              "slug": f"{n}-idea-{n}"}  # fmt: skip
    fields.update(kw)
    return PublishedIdea(**fields)  # type: ignore[arg-type]


def _data(testimonials: int = 3, ideas: int = 2) -> SiteData:
    return SiteData(tuple(_t(n) for n in range(testimonials)), tuple(_i(n) for n in range(ideas)),
                    "http://board.example")  # fmt: skip


def test_pages_for_every_part_of_the_site() -> None:
    files = render_site(_data(), "http://site.example/")
    for name in ("index.md", "testimonials/index.md", "ideas/index.md", "ideas/0-idea-0.md",
                 "ideas/1-idea-1.md", "feed.xml", "testimonials.json"):  # fmt: skip
        assert name in files


def test_same_data_gives_identical_files() -> None:
    assert render_site(_data(), "http://s/") == render_site(_data(), "http://s/")


def test_testimonials_are_paginated_at_fifty_newest_first() -> None:
    files = render_site(_data(testimonials=PER_PAGE * 2 + 1), "http://s/")
    pages = {name for name in files if name.startswith("testimonials/") and "/tags/" not in name}
    assert pages == {"testimonials/index.md", "testimonials/page-2.md", "testimonials/page-1.md"}
    front = files["testimonials/index.md"]
    assert front.count("vb-quote") == 1, "the newest page holds the one that did not fit"
    assert "[Older →](page-2.md)" in front and "Newer" not in front
    middle = files["testimonials/page-2.md"]
    assert middle.count("vb-quote") == PER_PAGE
    assert "[← Newer](index.md)" in middle and "[Older →](page-1.md)" in middle
    assert "[← Newer](page-2.md)" in files["testimonials/page-1.md"]


def test_tag_pages_have_safe_names() -> None:
    data = SiteData((_t(1, tags=("тишина", "oat milk")),), (), "http://b")
    files = render_site(data, "http://s/")
    assert f"testimonials/tags/{tag_slug('oat milk')}/index.md" in files
    assert tag_slug("oat milk") == "oat-milk"
    assert tag_slug("тишина").startswith("tag-") and tag_slug("тишина").isascii()


def test_credit_disclosure_and_stars() -> None:
    t = _t(1, name="Giulia Rossi", role="Architetta", company="Studio Rossi", rating=4,
           disclosure="Employee of the company")  # fmt: skip
    page = render_site(SiteData((t,), (), "http://b"), "http://s/")["testimonials/index.md"]
    assert "**Giulia Rossi**, Architetta, Studio Rossi" in page
    assert "★★★★☆" in page and "Employee of the company" in page


def test_user_text_is_inert_in_markdown() -> None:
    for payload in XSS:
        html = markdown.markdown(inert(payload), extensions=["attr_list", "md_in_html"])
        assert [tag for tag, _ in _tags(html)] in ([], ["p"]), html


def test_markdown_in_a_quote_shows_as_typed() -> None:
    html = markdown.markdown(inert("**bold** [link](http://x) # not a heading"))
    assert "<strong>" not in html and "<a " not in html and "<h1>" not in html
    assert "**bold** [link](http://x) # not a heading" in html


FORBIDDEN_IN_XML = "\x00\x01\x08\x0b\x0c\x1b\x7f\ufffe\uffff\ud800\udfff"


def test_feed_and_json_are_well_formed_whatever_the_store_holds() -> None:
    title = f"Oat{FORBIDDEN_IN_XML} milk ‮ & <b>"
    quote = f"Ottimo{FORBIDDEN_IN_XML}\tcaffè\r\n咖啡"
    data = SiteData(
        (_t(1, quote, name=f"Ана{FORBIDDEN_IN_XML}", tags=(f"x{FORBIDDEN_IN_XML}",)),),
        (_i(1, title=title, what_changed=f"Now{FORBIDDEN_IN_XML}"),),
        "http://board.example",
    )
    files = render_site(data, "http://s.example/")
    for name, content in files.items():
        content.encode("utf-8")  # no lone surrogate reaches a file
        assert "\ufffe" not in content and "\x00" not in content, name
    feed = ElementTree.fromstring(files["feed.xml"].encode("utf-8"))
    atom = "{http://www.w3.org/2005/Atom}"
    entry = feed.find(f"{atom}entry")
    assert entry is not None
    assert entry.findtext(f"{atom}title") == "Oat\x7f milk ‮ & <b>"
    assert entry.findtext(f"{atom}summary") == "Now\x7f"
    published = json.loads(files["testimonials.json"])
    jsonschema.validate(published, SCHEMA)
    assert published["testimonials"][0]["quote"] == "Ottimo\x7f\tcaffè\r\n咖啡"
    assert published["testimonials"][0]["credit"]["name"] == "Ана\x7f"


def test_a_testimonial_with_no_words_left_is_not_published() -> None:
    files = render_site(SiteData((_t(1, "\x00\ufffe"), _t(2)), (), "http://b"), "http://s/")
    assert [t["id"] for t in json.loads(files["testimonials.json"])["testimonials"]] == [2]


def test_tags_that_would_share_a_page_get_one_each() -> None:
    data = SiteData((_t(1, tags=("Oat milk", "oat-milk")),), (), "http://b")
    files = render_site(data, "http://s/")
    pages = [name for name in files if name.startswith("testimonials/tags/")]
    assert len(pages) == 2
    assert {"Oat milk", "oat-milk"} == {
        tag for tag in ("Oat milk", "oat-milk") for page in pages if inert(tag) in files[page]
    }


def test_feed_entries_keep_their_first_ids_and_link_to_the_new_addresses() -> None:
    """Feed readers know an entry by its id: it stays the idea's first address (under
    /generated/) while the link follows the page to /ideas/<slug>/."""
    feed = render_site(_data(ideas=1), "http://site.example/")["feed.xml"]
    root = ElementTree.fromstring(feed)
    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = root.iter(f"{atom}entry")
    assert entry.findtext(f"{atom}id") == "http://site.example/generated/ideas/0/"
    assert entry.find(f"{atom}link").get("href") == "http://site.example/ideas/0-idea-0/"
    assert root.findtext(f"{atom}id") == "http://site.example/generated/feed.xml"
