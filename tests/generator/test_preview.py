"""What the next publish would add, change and remove, compared with a publish's own writing."""

from __future__ import annotations

from pathlib import Path

from feedback_app.store import Idea, IdeaStatus, Role, Store, Testimonial, utcnow
from feedback_app.store.models import TestimonialState
from generator.preview import PagePreview, page_title_of, preview
from generator.publish import GENERATED, write_pages
from generator.slugs import idea_slug

BOARD, SITE = "http://board.example", "http://site.example/"


def _publish_pages(store: Store, project: Path) -> None:
    """What a publish writes into the generated folder (the MkDocs build is not the point)."""
    write_pages(store, project, BOARD, SITE)


def _next(store: Store, project: Path) -> tuple[list[str], list[str], list[str]]:
    found = preview(store, project, BOARD, SITE)
    return ([p.path for p in found.added], [p.path for p in found.changed],
            [p.path for p in found.removed])  # fmt: skip


def _implemented(store: Store, title: str, by: int) -> Idea:
    idea = store.ideas.add(Idea(title, "Please", "Drinks", by))
    return store.ideas.set_status(idea.id, IdeaStatus.IMPLEMENTED, "Done", by, "Now on the menu")


def test_nothing_published_yet_everything_is_added(store: Store, site_project: Path) -> None:
    marketer = store.users.add("m@example.com", Role.MARKETER)
    idea = _implemented(store, "Овсяне молоко 燕麦奶", marketer.id)
    found = preview(store, site_project, BOARD, SITE)
    assert not found.changed and not found.removed
    page = f"ideas/{idea_slug(idea.id, idea.title)}.md"
    assert PagePreview(page, "Овсяне молоко 燕麦奶") in found.added
    assert PagePreview("feed.xml", "News feed of Ideas in Action") in found.added
    assert PagePreview("wall.js", "Wall of love for other sites (script)") in found.added
    assert all(p.title for p in found.added), "every file says what it is"


def test_implement_edit_and_withdraw_show_as_add_change_remove(
    store: Store, site_project: Path
) -> None:
    marketer = store.users.add("m@example.com", Role.MARKETER)
    kept = _implemented(store, "Oat milk", marketer.id)
    quote = store.testimonials.add(Testimonial(
        "Great coffee", 5, "Ana", state=TestimonialState.APPROVED, consented_at=utcnow(),
        consent_text="ok", consent_version="1", email_confirmed_at=utcnow()))  # fmt: skip
    _publish_pages(store, site_project)
    assert preview(store, site_project, BOARD, SITE).any is False, "the site is up to date"

    new = _implemented(store, "Decaf all day", marketer.id)
    added, changed, removed = _next(store, site_project)
    assert f"ideas/{idea_slug(new.id, new.title)}.md" in added and not removed
    assert "ideas/index.md" in changed, "the list of Ideas in Action gains it"

    _publish_pages(store, site_project)
    store.ideas.edit(kept.id, title="Oat milk, at no extra charge")
    added, changed, removed = _next(store, site_project)
    assert f"ideas/{idea_slug(kept.id, kept.title)}.md" in changed and not added and not removed

    _publish_pages(store, site_project)
    store.ideas.set_status(new.id, IdeaStatus.PLANNED, "Back to planning", marketer.id)
    store.testimonials.update(quote.id, lambda t: setattr(t, "withdrawn_at", utcnow()))
    found = preview(store, site_project, BOARD, SITE)
    page = f"ideas/{idea_slug(new.id, new.title)}.md"
    assert PagePreview(page, "Decaf all day") in found.removed, (
        "a removed page is named from the file still on the site"
    )
    assert "testimonials.json" in [p.path for p in found.changed]
    assert not found.added


def test_the_preview_writes_nothing(store: Store, site_project: Path) -> None:
    marketer = store.users.add("m@example.com", Role.MARKETER)
    _implemented(store, "Oat milk", marketer.id)
    preview(store, site_project, BOARD, SITE)
    assert not (site_project / GENERATED).exists()


def test_titles_are_read_back_as_plain_text() -> None:
    from generator.render import _page

    assert page_title_of(_page('Кава "<b>" & co', "body")) == 'Кава "<b>" & co'
    assert page_title_of("no front matter") == ""
    assert page_title_of(b"\xff\xfe") == ""
