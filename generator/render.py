"""Pure rendering: site data in, file contents out (Markdown, Atom, JSON). No disk, no clock.

Everything a customer or staff member wrote is made inert before it reaches Markdown: short
texts are HTML-escaped and their Markdown punctuation backslash-escaped, so they show as typed;
longer texts (what was asked, the official response) go through the app's sanitised Markdown
renderer and are embedded as HTML that can only hold harmless tags. Page titles are given in
front matter (see `page_title`), because themes print titles in ways the body never is.

Stored text may predate today's input rules: characters that XML 1.0 forbids (C0 controls other
than tab, newline and CR; U+FFFE, U+FFFF; lone surrogates) are dropped from every field first, so
the Atom feed, testimonials.json and the pages are well-formed whatever the store holds.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar
from xml.sax.saxutils import escape as xml_escape

import orjson
import yaml

from feedback_app.brand import Brand, contrast
from feedback_app.store.models import ConnectionKind
from feedback_app.text import render_markdown

from .collect import PublishedIdea, PublishedTestimonial, SiteData, listings
from .i18n import _, current_locale, fmt_date, fmt_number, ngettext
from .paging import assign, pages_of

__all__ = [
    "BRAND_CSS", "WALL_SIZE", "brand_files", "disclosure", "idea_page_url", "inert",
    "page_description", "page_title", "photo_name", "render_site", "site_env", "tag_slug",
    "wall_testimonials", "xml_safe",
]  # fmt: skip

BRAND_CSS = "brand/brand.css"  # listed in mkdocs.yml's extra_css
# Python-Markdown's escapable characters ('>' is already an entity after HTML escaping).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
# Everything outside XML 1.0's Char production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
DESCRIPTION_LEN = 200
WALL_SIZE = 6  # testimonials on the wall of love: enough for a row or two on another site
# The wall of love's script (see `_wall_script`), a hand-written template that gets the
# site's words at publish time; read once, like the translations.
_WALL_JS = Path(__file__).with_name("wall.js").read_text(encoding="utf-8")
# U+2060 WORD JOINER: no width, no glyph, no line break; it cannot start a tag name.
WORD_JOINER = "\u2060"

_D = TypeVar("_D")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (nothing else changes)."""
    return _NOT_XML.sub("", text)


def _xml_safe_fields(item: _D) -> _D:
    """A copy of a published item whose every text field is `xml_safe`."""
    changes: dict[str, object] = {}
    for f in dataclasses.fields(item):  # type: ignore[arg-type]
        value = getattr(item, f.name)
        if type(value) is str:  # not a str enum such as IdeaStatus
            changes[f.name] = xml_safe(value)
        elif isinstance(value, tuple) and all(type(v) is str for v in value):
            changes[f.name] = tuple(xml_safe(v) for v in value)
    return dataclasses.replace(item, **changes)  # type: ignore[type-var]


def inert(text: str) -> str:
    """Text shown exactly as typed: no HTML, no Markdown, one paragraph.

    Quotes stay as they are (they mean nothing in element text): an entity such as `&#x27;`
    would have its `#` backslash-escaped below and then show literally.
    """
    flat = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def page_title(text: str) -> str:
    """A page title for MkDocs that is text whatever a theme does with it.

    MkDocs treats a title as HTML, so it is escaped once (quotes too: a theme may print it into
    an attribute). A theme may also pass it through Jinja's `striptags`, which decodes entities
    (Material's `<title>` does, and ProperDocs or Zensical templates may): a `&lt;` must not come
    back as the start of a tag. Escaping twice would show `&lt;` where a theme prints the title
    raw, so instead every `<` is followed by an invisible WORD JOINER, which no tag name can
    start with. Our `<title>` override (site_src/overrides/main.html) takes it out again.
    """
    flat = " ".join(text.split())
    return html.escape(flat.replace("<", "<" + WORD_JOINER), quote=True)


def page_description(text: str) -> str:
    """A page's description for its front matter: what link previews (OpenGraph, Twitter
    cards) and search engines show under the title. Customers' words reach it (an idea's
    "what changed"), and themes print it into attributes, so it is made safe exactly as a
    title is (`page_title`); it is cut at a word near 200 characters, as previews cut it anyway.
    """
    flat = " ".join(text.split())
    if len(flat) > DESCRIPTION_LEN:
        flat = flat[:DESCRIPTION_LEN].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return page_title(flat)


def _lang(language: str) -> str:
    """The attribute list (attr_list) saying what language a block is in ("" when unknown)."""
    return f' {{ lang="{language}" }}' if language else ""


def _page(
    title: str, body: str, hide: Sequence[str] = (), description: str = "", language: str = ""
) -> str:
    """A generated page: its title in front matter (what MkDocs and the theme use) and as the
    visible heading (what the reader and the search index see), in `language` if a customer
    wrote it; `hide` names parts of Material's layout the page goes without ("navigation",
    "toc"); `description` is the sentence shared with a link to the page (see
    `page_description`)."""
    meta: dict[str, object] = {"title": page_title(title)}
    if description.strip():
        meta["description"] = page_description(description)
    if hide:
        meta["hide"] = list(hide)
    # libyaml's emitter where installed (PyYAML's wheels have it): the same YAML, faster.
    front = yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, default_style='"',
                      width=1 << 30)  # fmt: skip
    return f"---\n{front}---\n\n# {inert(title)}{_lang(language)}\n\n{body}"


def _rich(text: str, language: str = "") -> str:
    """Sanitised HTML for a longer text, as a raw block MkDocs leaves alone."""
    lang = f' lang="{language}"' if language else ""
    return f'<div class="vb-rich"{lang}>\n{render_markdown(text)}\n</div>'


def tag_slug(tag: str) -> str:
    """A file name for a tag page that any static host serves: ASCII, stable."""
    ascii_part = re.sub(r"[^a-z0-9]+", "-", tag.casefold()).strip("-")
    if ascii_part and ascii_part.isascii() and tag.isascii():
        return ascii_part
    return f"tag-{zlib.crc32(tag.encode()):08x}"


def _tag_slugs(tags: Sequence[str]) -> dict[str, str]:
    """Each tag's page name; tags that would share one ("Oat milk", "oat-milk") each get
    their own, so no tag page replaces another."""
    slugs = {tag: tag_slug(tag) for tag in tags}
    claimed: dict[str, int] = {}
    for slug in slugs.values():
        claimed[slug] = claimed.get(slug, 0) + 1
    return {
        tag: slug if claimed[slug] == 1 else f"{slug}-{zlib.crc32(tag.encode()):08x}"
        for tag, slug in slugs.items()
    }


def _stars(rating: int) -> str:
    label = _("%(n)s out of 5 stars", n=rating)
    stars = "★" * rating + "☆" * (5 - rating)
    return f'<span class="vb-stars" role="img" aria-label="{label}">{stars}</span>'


def _credit(t: PublishedTestimonial) -> str:
    name = f"**{inert(t.name)}**" if t.name else _("A customer")
    return ", ".join([name, *(inert(p) for p in (t.role, t.company) if p)])


def photo_name(t: PublishedTestimonial) -> str:
    """The photo's file in the docs folder ("" without one), named for its content
    so a changed photo is never served from a stale cache."""
    if not t.photo:
        return ""
    return f"photos/{t.id}-{zlib.crc32(t.photo):08x}.jpg"


def disclosure(t: PublishedTestimonial) -> str:
    """The material connection, said next to the words (FTC Endorsement Guides)."""
    kinds = {
        ConnectionKind.EMPLOYEE: _("Disclosure: works for us, or is related to someone who does"),
        ConnectionKind.INCENTIVE: _("Disclosure: received something in return"),
        ConnectionKind.OTHER: _("Disclosure: has a connection to us"),
    }
    label = kinds.get(t.connection_kind, "")
    if label and t.disclosure:
        return f"{label} ({t.disclosure})"
    return label or t.disclosure


def _verified_note() -> str:
    return _("Verified: the email was confirmed and matches a purchase.")


def _card_meta(t: PublishedTestimonial) -> str:
    """When it was published, and whether its author is a known customer (said only when
    true, with what that means on hover and in the page's note)."""
    parts = [f'<time datetime="{t.date.isoformat()}">{html.escape(fmt_date(t.date))}</time>']
    if t.verified:
        note = html.escape(_verified_note(), quote=True)
        parts.append(f'<span class="vb-verified" title="{note}">✓ {_("Verified customer")}</span>')
    return " · ".join(parts)


def _card(t: PublishedTestimonial, photos: str) -> str:
    """One testimonial; `photos` is the way from the page to the docs folder's root."""
    lang = f' lang="{t.language}"' if t.language else ""
    lines = [f"-   “{inert(t.quote)}”", f"    {{ .vb-quote{lang} }}", ""]
    if t.photo:
        alt = inert(t.name) or _("A customer")
        lines += [f"    ![{alt}]({photos}{photo_name(t)}){{ .vb-photo width=\"96\" }}", ""]
    lines += [f"    {_stars(t.rating)}", "", f"    {_credit(t)}", "", f"    {_card_meta(t)}",
              "    { .vb-meta }"]  # fmt: skip
    if disclosure(t):
        lines += ["", f"    {inert(disclosure(t))}", "    { .vb-disclosure }"]
    return "\n".join(lines)


def _note(items: Sequence[PublishedTestimonial]) -> str:
    """What "Verified customer" means, once on a page that shows the mark."""
    return f"\n\n{_verified_note()}\n{{ .vb-note }}" if any(t.verified for t in items) else ""


def _cards(items: Sequence[PublishedTestimonial], photos: str, note: bool = True) -> str:
    """A grid of testimonials; with `note`, what the verified mark means below it (a page
    with two grids says it once, under the last)."""
    if not items:
        return _("No testimonials yet.")
    body = "\n\n".join(_card(t, photos) for t in items)
    return f'<div class="grid cards" markdown>\n\n{body}\n\n</div>{_note(items) if note else ""}'


def _paged(data: SiteData, name: str, ids: Sequence[int]) -> list[tuple[str, list[int], str]]:
    """A listing cut into its pages (generator/paging.py), newest first: each page's file
    name in the listing's folder, its items' ids (newest first) and its newer/older links."""
    pages = pages_of(assign(data.pages.get(name, {}), ids), ids)
    if not pages:
        return [("index.md", [], "")]
    names = ["index.md", *(f"page-{number}.md" for number, _items in pages[1:])]
    found = []
    for n, (_number, items) in enumerate(pages):
        links = []
        if n > 0:
            links.append(f"[← {_('Newer')}]({names[n - 1]})")
        if n + 1 < len(pages):
            links.append(f"[{_('Older')} →]({names[n + 1]})")
        pager = "\n\n" + " · ".join(links) + "\n{ .vb-pager }\n" if links else ""
        found.append((names[n], items, pager))
    return found


def _actions(board_url: str) -> str:
    """The two things a reader can do next, on every page: real links into the board."""
    share = f"[{_('Share an idea')}]({board_url}/ideas/new){{ .md-button .md-button--primary }}"
    survey = f"[{_('Tell us how we did')}]({board_url}/survey){{ .md-button }}"
    return f"\n\n{share} {survey}\n{{ .vb-actions }}\n"


def _testimonial_pages(data: SiteData) -> dict[str, str]:
    files: dict[str, str] = {}
    by_id = {t.id: t for t in data.testimonials}
    oldest_first = listings(data.testimonials, data.ideas)
    tags = sorted({tag for t in data.testimonials for tag in t.tags})
    slugs = _tag_slugs(tags)
    tag_links = " ".join(f"[#{inert(tag)}](tags/{slugs[tag]}/index.md)" for tag in tags)
    featured = [t for t in data.testimonials if t.featured]
    title = _("What our customers say")
    # No count in it: it is on every page of the listing, which one new testimonial must not
    # change (generator/paging.py).
    about = _("Our customers tell, in their own words, what it is like to work with us.")
    actions = _actions(data.board_url)
    for name, ids, pager in _paged(data, "testimonials", oldest_first["testimonials"]):
        head = ""
        if name == "index.md":
            head = f"{_('Topics:')} {tag_links}\n\n" if tags else ""
            if featured:
                grid = _cards(featured, "../", note=False)
                head += f"## {_('Featured')}\n\n{grid}\n\n## {_('Latest')}\n\n"
        shown = [by_id[i] for i in ids]
        cards = _cards(shown, "../", note=False) + _note([*shown, *(featured if head else [])])
        files[f"testimonials/{name}"] = _page(
            title, head + cards + pager + actions, description=about
        )
    for tag in tags:
        title = _("Customers on “%(tag)s”", tag=tag)
        about = _("What our customers say about “%(tag)s”, in their own words.", tag=tag)
        for name, ids, pager in _paged(data, f"tag:{tag}", oldest_first[f"tag:{tag}"]):
            cards = _cards([by_id[i] for i in ids], "../../../")
            files[f"testimonials/tags/{slugs[tag]}/{name}"] = _page(
                title,
                f"{cards}{pager}\n\n[{_('All testimonials')}](../../index.md)\n" + actions,
                description=about,
            )
    return files


def _idea_summary(idea: PublishedIdea, link: str) -> str:
    supporters = ngettext("%(num)s supporter", "%(num)s supporters", idea.supporters)
    return (
        f"### [{inert(idea.title)}]({link}){_lang(idea.language)}\n\n"
        f"{inert(idea.what_changed)}\n\n"
        f"{fmt_date(idea.changed_on)} · {supporters}\n{{ .vb-meta }}\n"
    )


def _idea_pages(data: SiteData) -> dict[str, str]:
    files: dict[str, str] = {}
    by_id = {i.id: i for i in data.ideas}
    intro = _("What customers asked for, and what changed because of it.")
    empty = _("Nothing here yet: vote for the ideas you want to see here.")
    for name, ids, pager in _paged(data, "ideas", listings((), data.ideas)["ideas"]):
        body = "\n".join(_idea_summary(by_id[i], f"{by_id[i].slug}.md") for i in ids)
        files[f"ideas/{name}"] = _page(
            _("Ideas in Action"),
            f"{intro} {_feed_link('../')}\n\n{body or empty}{pager}{_actions(data.board_url)}",
            description=intro,
        )
    for idea in data.ideas:
        files[f"ideas/{idea.slug}.md"] = _idea_page(idea, data.board_url)
    return files


def _idea_page(idea: PublishedIdea, board_url: str) -> str:
    supporters = ngettext("%(num)s customer supported it", "%(num)s customers supported it",
                          idea.supporters)  # fmt: skip
    done = _("Implemented") if idea.status.value == "implemented" else _("Partly implemented")
    parts = [
        f'!!! success "{done} · {fmt_date(idea.changed_on)}"',
        f"    {inert(idea.what_changed)}",
        "",
        f"## {_('What customers asked')}",
        "",
        _rich(idea.asked, idea.language),
        "",
        f"{supporters} · {inert(idea.category)}",
        "",
    ]
    if idea.response:
        parts += [f"## {_('Our answer')}", "", _rich(idea.response), ""]
    link = f"{board_url}/ideas/{idea.id}"
    parts += [f"[{_('Join the conversation on the idea board')}]({link}){{ .md-button }}", ""]
    return _page(idea.title, "\n".join(parts) + _actions(board_url),
                 description=idea.what_changed or done, language=idea.language)


def _figures(data: SiteData) -> list[tuple[str, str]]:
    """The home page's figures, each saying what it is computed from: the average is of the
    testimonials chosen for publication (never "reviews received", FTC 2024), so the survey
    score, which nobody chooses, stands beside it with its count."""
    ratings = [t.rating for t in data.testimonials]
    figures = [
        (fmt_number(len(data.ideas)), _("ideas from customers implemented")),
        (fmt_number(len(ratings)), _("customer testimonials published here")),
    ]
    if ratings:
        average = fmt_number(round(sum(ratings) / len(ratings), 1)) + " ★"
        figures.append((average, ngettext(
            "average rating of the %(num)s testimonial published here",
            "average rating of the %(num)s testimonials published here", len(ratings))))
    groups = data.survey.groups
    if groups.nps is not None:
        score = f"{groups.nps:+d}" if groups.nps else "0"
        figures.append((score, ngettext(
            "Net Promoter Score, from %(num)s survey answer in the last 12 months",
            "Net Promoter Score, from %(num)s survey answers in the last 12 months",
            groups.answers)))
    return figures


def _home(data: SiteData) -> str:
    figures = _figures(data)
    figure_cards = "\n\n".join(f"-   **{value}**\n\n    {label}" for value, label in figures)
    featured = [t for t in data.testimonials if t.featured][:3] or list(data.testimonials[:3])
    latest = "\n".join(_idea_summary(i, f"ideas/{i.slug}.md") for i in data.ideas[:3])
    intro = _(
        "Our customers tell us what to do better, and we answer every one of them. Here is "
        "what they say about us, and what we changed because they asked."
    )
    body = (
        f"{intro}\n\n"
        f'<div class="grid cards vb-figures" markdown>\n\n{figure_cards}\n\n</div>\n\n'
        f"## {_('What our customers say')}\n\n{_cards(featured, '')}\n\n"
        f"[{_('All testimonials')}](testimonials/index.md)\n\n"
        f"## {_('Latest Ideas in Action')}\n\n"
        f"{latest or _('Nothing implemented yet.')}\n\n"
        f"[{_('All Ideas in Action')}](ideas/index.md) · {_feed_link('')}\n"
        + _actions(data.board_url)
    )
    return _page(_("What our customers say"), body, hide=("navigation", "toc"), description=intro)


def _feed_link(root: str) -> str:
    """A visible link to the Atom feed (every page also names it in its head, for feed
    readers); `root` is the way from the page to the docs folder's root."""
    return f"[{_('Follow Ideas in Action by feed (Atom)')}]({root}feed.xml)"


def idea_page_url(site_url: str, slug: str) -> str:
    """Where an Idea in Action is published (its page `ideas/<slug>.md`, served as a folder):
    the feed and the status emails link there."""
    return f"{site_url.rstrip('/')}/ideas/{slug}/"


def _entry_id(site_url: str, idea_id: int) -> str:
    """An idea's Atom entry id: its first published address, which feed readers already
    know. Ids never change, so it stays the same now that the page lives elsewhere."""
    return f"{site_url.rstrip('/')}/generated/ideas/{idea_id}/"


def _feed(data: SiteData, site_url: str) -> str:
    """Atom feed of implemented ideas; `updated` is the newest change, not the clock."""
    base = site_url.rstrip("/")
    updated = data.ideas[0].changed_on.isoformat() if data.ideas else "1970-01-01"
    entries = []
    for idea in data.ideas[:50]:
        url = idea_page_url(site_url, idea.slug)
        entries.append(
            "  <entry>\n"
            f"    <title>{xml_escape(idea.title)}</title>\n"
            f'    <link href="{xml_escape(url)}"/>\n'
            f"    <id>{xml_escape(_entry_id(site_url, idea.id))}</id>\n"
            f"    <updated>{idea.changed_on.isoformat()}T00:00:00Z</updated>\n"
            f"    <summary>{xml_escape(idea.what_changed)}</summary>\n"
            "  </entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{xml_escape(_('Ideas in Action'))}</title>\n"
        f'  <link href="{xml_escape(base)}/ideas/"/>\n'
        f'  <link rel="self" href="{xml_escape(base)}/feed.xml"/>\n'
        f"  <id>{xml_escape(base)}/generated/feed.xml</id>\n"  # the feed's id never changes
        f"  <updated>{updated}T00:00:00Z</updated>\n" + "".join(entries) + "</feed>\n"
    )


def _json(data: SiteData) -> str:
    """testimonials.json, for embedding on another site: only what the page shows."""
    items = [
        {
            "id": t.id,
            "quote": t.quote,
            "rating": t.rating,
            "credit": {"name": t.name, "role": t.role, "company": t.company},
            "disclosure": disclosure(t),
            "photo": photo_name(t),
            "tags": list(t.tags),
            "featured": t.featured,
            "date": t.date.isoformat(),
        }
        for t in data.testimonials
    ]
    # orjson: thousands of testimonials, where the standard library's indenting encoder,
    # which runs in Python, took half a second.
    document = {"version": 1, "testimonials": items}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def _redirect(to: str) -> str:
    """A page at an old address that sends the reader (and search engines, through the
    canonical link) to `to`, a path relative to the old page."""
    target = html.escape(to, quote=True)
    moved = html.escape(_("This page has moved."))
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8">\n'
        f"<title>{moved}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{target}">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f'</head><body><p><a href="{target}">{moved}</a></p></body></html>\n'
    )


def _old_addresses(data: SiteData, feed: str, json_file: str) -> dict[str, str]:
    """The site's first addresses, under /generated/, kept working: pages redirect to where
    they are now; the feed and testimonials.json stay as copies (feed readers and scripts on
    other sites do not follow an HTML redirect)."""
    files = {
        "generated/testimonials/index.html": _redirect("../../testimonials/"),
        "generated/ideas/index.html": _redirect("../../ideas/"),
        "generated/feed.xml": feed,
        "generated/testimonials.json": json_file,
    }
    for idea in data.ideas:
        files[f"generated/ideas/{idea.id}/index.html"] = _redirect(f"../../../ideas/{idea.slug}/")
    return files


def wall_testimonials(items: Sequence[PublishedTestimonial]) -> list[PublishedTestimonial]:
    """What the wall of love shows: the featured testimonials (the first WALL_SIZE), or the
    newest three while none is featured, as the home page does. wall.js picks the same from
    testimonials.json, whose order (featured first) it keeps."""
    featured = [t for t in items if t.featured][:WALL_SIZE]
    return featured or list(items[:3])


def _wall_item(t: PublishedTestimonial) -> str:
    esc = html.escape
    credit = ", ".join([t.name or _("A customer"), *(p for p in (t.role, t.company) if p)])
    label = esc(_("%(n)s out of 5 stars", n=t.rating))
    lines = [
        '<li class="vb-wall__item">',
        f'<blockquote class="vb-wall__quote"><p>“{esc(" ".join(t.quote.split()))}”</p>'
        "</blockquote>",
        f'<p class="vb-wall__stars" role="img" aria-label="{label}">'
        f"{'★' * t.rating}{'☆' * (5 - t.rating)}</p>",
        f'<p class="vb-wall__credit">{esc(credit)}</p>',
    ]
    if disclosure(t):
        lines.append(f'<p class="vb-wall__disclosure">{esc(disclosure(t))}</p>')
    lines += [
        f'<p class="vb-wall__date"><time datetime="{t.date.isoformat()}">'
        f"{esc(fmt_date(t.date))}</time></p>",
        "</li>",
    ]
    return "\n".join(lines)


def _wall_page(data: SiteData) -> str:
    """The wall of love for an `<iframe>` on another site (wall/index.html).

    Plain HTML, not a MkDocs page: no Material chrome, no script, one small stylesheet (the
    theme's stylesheets/wall.css); every text escaped here. Its own policy forbids everything
    but that stylesheet; the header files let other sites frame this page, and only this one
    (site_src/hooks/csp.py). Links open in a new tab, not inside the host's frame. Search
    engines are asked to skip it: the testimonials page is the one to find.
    """
    items = wall_testimonials(data.testimonials)
    title = html.escape(_("What our customers say"))
    body = "\n".join(_wall_item(t) for t in items) or html.escape(_("No testimonials yet."))
    more = html.escape(_("All testimonials"))
    return (
        f'<!doctype html>\n<html lang="{html.escape(current_locale())}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'self'; base-uri 'none'; form-action 'none'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{title}</title>\n"
        '<link rel="stylesheet" href="../stylesheets/wall.css">\n'
        f'</head>\n<body>\n<ul class="vb-wall" aria-label="{title}">\n{body}\n</ul>\n'
        '<p class="vb-wall__more"><a href="../testimonials/" target="_blank" rel="noopener">'
        f"{more}</a></p>\n</body>\n</html>\n"
    )


def _wall_script() -> str:
    """wall.js, the wall of love for pasting into another site: generator/wall.js with the
    site's words in the site's language.

    Why generated, and not a theme asset copied verbatim from site_src/overrides/ like the
    stylesheets: the script runs on pages this site does not control, where it cannot ask
    the theme for translations, so its few words (the stars' label, "A customer", the link)
    are written into it at publish time through gettext, like every other word of the site;
    and it is published with the testimonials.json it reads, so the two never disagree. The
    logic stays a hand-written JavaScript file (generator/wall.js), reviewed as JavaScript.
    The words are ASCII-escaped JSON: a host page in another encoding reads them right.
    """
    words = {
        "lang": current_locale(),
        "stars": [_("%(n)s out of 5 stars", n=n) for n in range(1, 6)],
        "anonymous": _("A customer"),
        "more": _("All testimonials"),
        "title": _("What our customers say"),
        "size": WALL_SIZE,
    }
    return _WALL_JS.replace("/*WORDS*/{}", json.dumps(words, sort_keys=True), 1)


def _brand_css(brand: Brand) -> str:
    """Material's `primary: custom` colours: the header and main buttons in the business's
    colour, their text readable on it. Links take the colour only where it reads on white."""
    link = brand.color if contrast(brand.color, "#ffffff") >= 4.5 else "#111111"
    return (
        "/* The business's colour (VOICEBOX_BRAND_COLOR), written by `voicebox publish`. */\n"
        ":root > * {\n"
        f"  --md-primary-fg-color: {brand.color};\n"
        f"  --md-primary-fg-color--light: {brand.color};\n"
        f"  --md-primary-fg-color--dark: {brand.color};\n"
        f"  --md-primary-bg-color: {brand.text_color};\n"
        f"  --md-primary-bg-color--light: {brand.text_color};\n"
        f"  --md-typeset-a-color: {link};\n"
        "}\n"
    )


def brand_files(brand: Brand) -> dict[str, str | bytes]:
    """The brand's files in the docs folder: its stylesheet, logo and favicon (as bytes)."""
    files: dict[str, str | bytes] = {BRAND_CSS: _brand_css(brand)}
    for kind, image in (("logo", brand.logo), ("favicon", brand.icon)):
        if image is not None:
            files[f"brand/{kind}-{image.file_name}"] = image.content
    return files


def site_env(brand: Brand, board_url: str) -> dict[str, str]:
    """The VOICEBOX_* variables mkdocs.yml reads: the name, logo and favicon (paths in the
    docs folder), the footer saying who runs the site, and the board's address for the nav."""
    name = html.escape(brand.name, quote=False)
    footer = _("© %(name)s · This site is run by %(name)s. The testimonials are chosen by "
               "%(name)s from what its customers sent.", name=name)  # fmt: skip
    env = {
        "VOICEBOX_SITE_NAME": page_title(brand.name),
        "VOICEBOX_COPYRIGHT": footer,
        "VOICEBOX_BOARD_URL": board_url.rstrip("/") + "/",
    }
    if brand.logo is not None:
        env["VOICEBOX_LOGO"] = f"brand/logo-{brand.logo.file_name}"
    if brand.icon is not None:
        env["VOICEBOX_FAVICON"] = f"brand/favicon-{brand.icon.file_name}"
    return env


def render_site(data: SiteData, site_url: str) -> dict[str, str | bytes]:
    """Every file of the site's docs folder, by its path there (photos as bytes).

    A testimonial with no words left once forbidden characters are gone is not published.
    """
    testimonials = (_xml_safe_fields(t) for t in data.testimonials)
    data = dataclasses.replace(
        data,
        testimonials=tuple(t for t in testimonials if t.quote.strip()),
        ideas=tuple(_xml_safe_fields(i) for i in data.ideas),
    )
    files: dict[str, str | bytes] = {"index.md": _home(data)}
    files.update(_testimonial_pages(data))
    files.update(_idea_pages(data))
    files["feed.xml"] = _feed(data, site_url)
    files["testimonials.json"] = _json(data)
    files.update(_old_addresses(data, files["feed.xml"], files["testimonials.json"]))
    files["wall/index.html"] = _wall_page(data)
    files["wall.js"] = _wall_script()
    files.update({photo_name(t): t.photo for t in data.testimonials if t.photo})
    files.update(brand_files(data.brand))
    return files
