"""Read what may be published, and nothing else, from the store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from feedback_app.brand import Brand
from feedback_app.nps import SCORED_QUESTIONS, NpsGroups
from feedback_app.store import IdeaStatus, NotFound, Store, Testimonial, utcnow
from feedback_app.store.models import ConnectionKind, CreditStyle, SaleOutcome
from feedback_app.store.models.people import normalise_email

from .language import language_of
from .paging import Assignments, assign, known_pages
from .slugs import known_slugs, slug_for

__all__ = [
    "SURVEY_DAYS", "PublishedIdea", "PublishedTestimonial", "SiteData", "SurveyScore", "collect",
    "listings", "paged",
]  # fmt: skip

# The survey score on the home page counts the answers of the last year.
SURVEY_DAYS = 365


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
    # Its email was confirmed and is the address of a won sale: a customer, not a passer-by.
    verified: bool = False
    language: str = ""  # of the quote ("": unknown, the page's applies)


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
    language: str = ""  # of what the customer wrote, detected (ideas store none)


@dataclass(frozen=True)
class SurveyScore:
    """The Net Promoter Score of every scored survey answer of the last SURVEY_DAYS: not
    chosen by anyone, unlike the testimonials, so the home page shows it beside them."""

    groups: NpsGroups = field(default_factory=lambda: NpsGroups(0, 0, 0))
    days: int = SURVEY_DAYS


@dataclass(frozen=True)
class SiteData:
    testimonials: tuple[PublishedTestimonial, ...]
    ideas: tuple[PublishedIdea, ...]
    board_url: str
    brand: Brand = field(default_factory=Brand)
    survey: SurveyScore = field(default_factory=SurveyScore)
    # Each listing's page numbers (generator/paging.py); a listing missing here is paged
    # from scratch, as on a first publish.
    pages: Assignments = field(default_factory=dict)


def listings(
    testimonials: Sequence[PublishedTestimonial], ideas: Sequence[PublishedIdea]
) -> dict[str, list[int]]:
    """Every paginated listing of the site, by name, its items' ids oldest first."""
    by_age = sorted(testimonials, key=lambda t: (t.date, t.id))
    found = {
        "testimonials": [t.id for t in by_age],
        "ideas": [i.id for i in sorted(ideas, key=lambda i: (i.changed_on, i.id))],
    }
    for tag in sorted({tag for t in testimonials for tag in t.tags}):
        found[f"tag:{tag}"] = [t.id for t in by_age if tag in t.tags]
    return found


def paged(data: SiteData, known: Assignments) -> SiteData:
    """`data` with the page of every item in every listing, kept from `known` where it can."""
    pages = {name: assign(known.get(name, {}), ids)
             for name, ids in listings(data.testimonials, data.ideas).items()}  # fmt: skip
    return replace(data, pages=pages)


def collect(
    store: Store, board_url: str, brand: Brand | None = None, now: datetime | None = None
) -> SiteData:
    """Publishable testimonials (approved, consented, not withdrawn, in the approved wording)
    and implemented ideas, in a stable order so the same data always renders the same; the
    survey score of the year before `now`. Sales are read once, whatever the testimonials."""
    sales = _sale_languages(store)
    testimonials = [_published(store, t, sales) for t in store.testimonials.all()
                    if t.publishable]  # fmt: skip
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
                language=language_of(f"{idea.title}\n{idea.description}"),
            )
        )
    ideas.sort(key=lambda i: (-i.changed_on.toordinal(), i.id))
    data = SiteData(tuple(testimonials), tuple(ideas), board_url.rstrip("/"),
                    brand or Brand(), _survey(store, now or utcnow()))  # fmt: skip
    return paged(data, known_pages(store))


def _sale_languages(store: Store) -> dict[str, str]:
    """Each address with a won sale, and the language of its latest one."""
    found: dict[str, str] = {}
    for sale in sorted(store.sales.all(), key=lambda s: s.sold_at):
        if sale.outcome is SaleOutcome.WON and sale.email:
            found[normalise_email(sale.email)] = sale.language
    return found


def _survey(store: Store, now: datetime) -> SurveyScore:
    since = now - timedelta(days=SURVEY_DAYS)
    groups: Counter[str] = Counter(
        a.category for a in store.surveys.all()
        if a.score is not None and a.question in SCORED_QUESTIONS and since <= a.created_at <= now
    )  # fmt: skip
    return SurveyScore(NpsGroups.counted(groups))


def _published(store: Store, t: Testimonial, sales: dict[str, str]) -> PublishedTestimonial:
    """What the site shows of a testimonial: the name as the customer chose to be credited
    (anonymous: no name, role, company or photo: a face names someone as well as a name
    does), any material connection, and the photo."""
    anonymous = t.credit_style is CreditStyle.ANONYMOUS
    sale_language = sales.get(normalise_email(t.email)) if t.email else None
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
        verified=sale_language is not None,  # publishable: its email is confirmed
        language=language_of(t.published_text, t.language, sale_language or ""),
    )


def _photo(store: Store, photo_id: int | None) -> bytes:
    if photo_id is None:
        return b""
    try:
        return store.photos.get(photo_id).content
    except NotFound:  # removed since: the testimonial shows without it
        return b""
