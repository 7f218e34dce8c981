"""Ideas: creating, reading, changing status, and the ranked listings of the board."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from ..errors import Conflict, NotFound
from ..models import BoardQuery, Idea, IdeaStatus, IdeaSummary, Page, utcnow
from ..models.ideas import TRENDING_REFRESH_S, trending_at
from ..search import index_terms, similarity, terms
from .collection import Collection
from .comments import Comments
from .follows import Follows
from .merged import MergedMap
from .ranking import Entry, Ranking
from .votes import Votes

__all__ = ["Ideas"]

_MAX_RANKINGS = 64


class Ideas:
    def __init__(
        self, collection: Collection, votes: Votes, comments: Comments, follows: Follows
    ) -> None:
        self._c = collection
        self._votes = votes
        self._comments = comments
        self._follows = follows
        self._haystacks: tuple[int, dict[int, frozenset[str]]] = (-1, {})
        self._ideas: MergedMap[int, Idea] = MergedMap(collection, "ideas", _decode_all)
        self._rankings: dict[tuple[Any, ...], Ranking] = {}
        self._lock = threading.Lock()

    # -- single ideas ------------------------------------------------------------------------
    def add(self, idea: Idea) -> Idea:
        idea.id = self._c.insert(idea.to_doc())
        return idea

    def add_many(self, ideas: Iterable[Idea]) -> list[int]:
        return self._c.insert_many([i.to_doc() for i in ideas])

    def get(self, idea_id: int) -> Idea:
        doc = self._c.get(idea_id)
        if doc is None:
            raise NotFound(f"idea {idea_id}")
        return Idea.from_doc(doc, idea_id)

    def summary(self, idea_id: int) -> IdeaSummary:
        idea = self.get(idea_id)
        up, down = self._votes.tally(idea_id)
        return IdeaSummary(idea, up, down, len(self._comments.for_idea(idea_id)))

    def set_status(
        self,
        idea_id: int,
        status: IdeaStatus,
        response: str,
        by: int,
        changed_note: str = "",
        changed_on: date | None = None,
    ) -> Idea:
        """Record a status change with its official response in the idea's history."""

        def change(doc: dict[str, Any]) -> dict[str, Any]:
            idea = Idea.from_doc(doc)
            idea.record_status(status, response, by, changed_note, changed_on)
            return idea.to_doc()

        return self._update(idea_id, change)

    def edit(self, idea_id: int, **fields: Any) -> Idea:
        """Change plain fields (title, description, category, tags, merged_into)."""

        def change(doc: dict[str, Any]) -> dict[str, Any]:
            idea = Idea.from_doc(doc)
            for name, value in fields.items():
                setattr(idea, name, value)
            return idea.to_doc()

        return self._update(idea_id, change)

    def merge(self, duplicate_id: int, original_id: int, by: int, response: str) -> Idea:
        """Fold a duplicate into its original: votes, followers and a pointer move over.

        A person who voted on both keeps their vote on the original, so nobody counts twice.
        The duplicate stays readable, with its comments, and points to the original. It is
        marked first, so it takes no more votes; votes being written at that moment are
        waited for (`Votes.settle`), then every vote it holds moves. Each step is safe to
        repeat, so a merge interrupted by a crash can simply be run again.
        """
        if duplicate_id == original_id:
            raise Conflict("an idea cannot be merged into itself")
        duplicate, original = self.get(duplicate_id), self.get(original_id)
        if original.status.is_closed:
            raise Conflict("the original is itself closed")
        if duplicate.merged_into not in (None, original_id):
            raise Conflict("already merged into another idea")

        def change(doc: dict[str, Any]) -> dict[str, Any]:
            idea = Idea.from_doc(doc)
            if idea.merged_into not in (None, original_id):  # by another merge meanwhile
                raise Conflict("already merged into another idea")
            idea.mark_duplicate_of(original_id, response, by)
            return idea.to_doc()

        merged = self._update(duplicate_id, change)
        self._votes.settle(duplicate_id)
        for user, value in self._votes.voters(duplicate_id).items():
            if not self._votes.value(original_id, user):
                self._votes.cast(original_id, user, value, even_closed=True)
            self._votes.cast(duplicate_id, user, 0, even_closed=True)
        for user, following in self._follows.choices(duplicate_id).items():
            if following:
                self._follows.set(original_id, user, True)
        self._follows.set(original_id, duplicate.author_id, True)
        return merged

    def followers(self, idea_id: int) -> set[int]:
        """Author, voters and explicit followers, minus those who unfollowed."""
        idea = self.get(idea_id)
        automatic = {idea.author_id, *self._votes.voters(idea_id)}
        return self._follows.followers(idea_id, automatic)

    def is_following(self, idea_id: int, user_id: int) -> bool:
        return user_id in self.followers(idea_id)

    # -- search ------------------------------------------------------------------------------
    def matching(self, query: str) -> set[int]:
        """Ideas whose title or description holds every term of `query` (see search.py)."""
        wanted = terms(query)
        haystacks = self._haystack_index()
        return {i for i, indexed in haystacks.items() if all(t in indexed for t in wanted)}

    def similar(self, title: str, limit: int = 5, exclude: int | None = None) -> list[Idea]:
        """Open ideas that look like `title`: the best matches first, at most `limit`."""
        wanted = terms(title, min_length=3)
        if not wanted:
            return []
        ideas = self._ideas.current()
        scored = []
        for idea_id, text in self._haystack_index().items():
            idea = ideas.get(idea_id)
            if idea is None or idea.status.is_closed or idea_id == exclude:
                continue
            score = similarity(wanted, text)
            if score >= 0.5:
                scored.append((score, idea.created_at, -idea_id, idea))
        # Best match first, then the newest, then the lower id (as every listing breaks ties).
        scored.sort(key=lambda item: item[:3], reverse=True)
        return [item[3] for item in scored[:limit]]

    def _haystack_index(self) -> dict[int, frozenset[str]]:
        ideas = self._ideas.current()
        version, cached = self._haystacks
        if version != self._ideas.version:
            cached = {i: index_terms(f"{x.title}\n{x.description}") for i, x in ideas.items()}
            self._haystacks = (self._ideas.version, cached)
        return cached

    # -- listings ----------------------------------------------------------------------------
    def all(self) -> list[Idea]:
        """Every idea, newest first."""
        ideas = self._ideas.current().values()
        return sorted(ideas, key=lambda i: (i.created_at, i.id), reverse=True)

    def count(self) -> int:
        return len(self._ideas.current())

    def list(self, query: BoardQuery, now: datetime | None = None) -> Page[IdeaSummary]:
        """One page of the ideas `query` asks for, in its order, with their live figures.

        Rankings of the filters that depend only on the ideas' own fields (category, status,
        tag) are kept, one per sort and filter, and updated in place: a kept ranking moves
        only the ideas whose votes, comments or fields changed since it was last used.
        Text, author and voter filters, which are personal or follow every edit, are ranked
        afresh on each call. `now` is the clock trending ages ideas by.
        """
        now_ts = (now or utcnow()).timestamp()
        sources = (self._ideas, self._votes.tally_map, self._comments.count_map)
        with self._lock:
            ideas, tallies, counts = (source.current() for source in sources)
            versions = tuple(source.version for source in sources)
            keep = self._filter(query, ideas)
            kept = not (query.text or query.author_id is not None or query.voted_by is not None)
            minute = int(now_ts // TRENDING_REFRESH_S) if query.sort == "trending" else 0
            cache_key = (query.sort, (query.category, query.statuses, query.tag), minute)
            ranking = self._rankings.get(cache_key) if kept else None
            if ranking is not None:
                seen = zip(sources, ranking.versions, strict=True)
                changed = [source.changed_since(version) for source, version in seen]
                if any(c is None for c in changed):
                    ranking = None
                else:
                    ranking.move(set().union(*changed), keep)  # type: ignore[arg-type]
            if ranking is None:
                clock = minute * TRENDING_REFRESH_S or now_ts
                key = _sort_key(query.sort, ideas, tallies, counts, clock)
                ranking = Ranking(filter(keep, ideas), key)
                if kept:
                    self._remember(cache_key, ranking)
            ranking.versions = versions
            chosen = ranking.page(query.offset, query.offset + query.per_page)
            items = [
                IdeaSummary(ideas[i], *tallies.get(i, (0, 0)), counts.get(i, 0)) for i in chosen
            ]
            return query.page_of(items, len(ranking))

    def _filter(self, query: BoardQuery, ideas: dict[int, Idea]) -> Callable[[int], bool]:
        """Whether an idea id is one `query` lets through (an idea since deleted is not)."""
        checks: list[Callable[[Idea], bool]] = []
        if query.category:
            checks.append(lambda i: i.category == query.category)
        if query.statuses:
            checks.append(lambda i: i.status in query.statuses)
        if query.tag:
            checks.append(lambda i: query.tag in i.tags)
        if query.author_id is not None:
            checks.append(lambda i: i.author_id == query.author_id)
        if query.voted_by is not None:
            voted = self._votes.ideas_voted_by(query.voted_by)
            checks.append(lambda i: i.id in voted)
        if query.text:
            found = self.matching(query.text)
            checks.append(lambda i: i.id in found)

        if not checks:  # the whole board: the cheapest test, run once per idea when ranking
            return ideas.__contains__

        def keep(idea_id: int) -> bool:
            idea = ideas.get(idea_id)
            return idea is not None and all(check(idea) for check in checks)

        return keep

    def _remember(self, cache_key: tuple[Any, ...], ranking: Ranking) -> None:
        sort, _, minute = cache_key
        if sort == "trending":  # an older minute's trending order is never used again
            for old in [k for k in self._rankings if k[0] == "trending" and k[2] != minute]:
                del self._rankings[old]
        if len(self._rankings) >= _MAX_RANKINGS:
            del self._rankings[next(iter(self._rankings))]
        self._rankings[cache_key] = ranking

    def _update(self, idea_id: int, change: Callable[[dict[str, Any]], dict[str, Any]]) -> Idea:
        doc = self._c.update(idea_id, change)
        if doc is None:
            raise NotFound(f"idea {idea_id}")
        return Idea.from_doc(doc, idea_id)


def _decode_all(records: dict[int, dict[str, Any]]) -> dict[int, Idea]:
    return {idea_id: Idea.from_doc(doc, idea_id) for idea_id, doc in records.items()}


def _sort_key(
    sort: str,
    ideas: dict[int, Idea],
    tallies: dict[int, tuple[int, int]],
    counts: dict[int, int],
    now_ts: float,
) -> Callable[[int], Entry]:
    """The entry an idea sorts by; negated so that ascending order is the order shown."""

    def score(idea_id: int) -> int:
        up, down = tallies.get(idea_id, (0, 0))
        return up - down

    def created(idea_id: int) -> float:
        return ideas[idea_id].created_at.timestamp()

    keys: dict[str, Callable[[int], Entry]] = {
        "trending": lambda i: (-trending_at(score(i), created(i), now_ts), -created(i), i),
        "top": lambda i: (-score(i), -created(i), i),
        "new": lambda i: (-created(i), -i, i),
        "discussed": lambda i: (-counts.get(i, 0), -created(i), i),
    }
    return keys[sort]
