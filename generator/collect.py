"""Read what may be published, and nothing else, from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from feedback_app.store import IdeaStatus, NotFound, Store, Testimonial
from feedback_app.store.models import ConnectionKind, CreditStyle

from .slugs import known_slugs, slug_for

__all__ = ["PublishedIdea", "PublishedTestimonial", "SiteData", "collect"]


@dataclass(frozen=True)
class PublishedTestimonial:
    id: int
    quote: str
    rating: int
    name: str
    role: str
    company: str
    disclosure: str  # the customer's words about a material connection
    tags: tuple[str, ...]
    featured: bool
    date: date
    connection_kind: ConnectionKind = ConnectionKind.NONE
    photo: bytes = b""  # the stored JPEG, already stripped of metadata (none: b"")


@dataclass(frozen=True)
class PublishedIdea:
    id: int
    title: str
    asked: str
    category: str
    status: IdeaStatus
    what_changed: str
    response: str
    changed_on: date
    supporters: int
    slug: str  # its address on the site, /ideas/<slug>/ (see generator/slugs.py)


@dataclass(frozen=True)
class SiteData:
    testimonials: tuple[PublishedTestimonial, ...]
    ideas: tuple[PublishedIdea, ...]
    board_url: str


def collect(store: Store, board_url: str) -> SiteData:
    """Publishable testimonials (approved, consented, not withdrawn, in the approved wording)
    and implemented ideas, in a stable order so the same data always renders the same."""
    testimonials = [_published(store, t) for t in store.testimonials.all() if t.publishable]
    testimonials.sort(key=lambda t: (not t.featured, -t.date.toordinal(), t.id))
    ideas = []
    slugs = known_slugs(store)
    for idea in store.ideas.all():
        if not idea.status.is_done:
            continue
        official = idea.official_response
        promotes, _ = store.votes.tally(idea.id)
        ideas.append(
            PublishedIdea(
                id=idea.id,
                title=idea.title,
                asked=idea.description,
                category=idea.category,
                status=idea.status,
                what_changed=idea.changed_note,
                response=official.response if official else "",
                changed_on=idea.changed_on or idea.created_at.date(),
                supporters=promotes,
                slug=slug_for(slugs, idea.id, idea.title),
            )
        )
    ideas.sort(key=lambda i: (-i.changed_on.toordinal(), i.id))
    return SiteData(tuple(testimonials), tuple(ideas), board_url.rstrip("/"))


def _published(store: Store, t: Testimonial) -> PublishedTestimonial:
    """What the site shows of a testimonial: the name as the customer chose to be credited
    (anonymous: no name, role, company or photo: a face names someone as well as a name
    does), any material connection, and the photo."""
    anonymous = t.credit_style is CreditStyle.ANONYMOUS
    return PublishedTestimonial(
        id=t.id,
        quote=t.published_text,
        rating=max(1, min(5, t.rating)),
        name=t.credit,
        role="" if anonymous else t.credit_role,
        company="" if anonymous else t.credit_company,
        disclosure=t.connection,
        tags=tuple(sorted(t.tags)),
        featured=t.featured,
        date=(t.decided_at or t.created_at).date(),
        connection_kind=t.connection_kind,
        photo=b"" if anonymous else _photo(store, t.photo_id),
    )


def _photo(store: Store, photo_id: int | None) -> bytes:
    if photo_id is None:
        return b""
    try:
        return store.photos.get(photo_id).content
    except NotFound:  # removed since: the testimonial shows without it
        return b""
