"""Rules both backends keep alike, checked against the documented rule itself rather than
against one backend: ties in every order, trending over a board larger than one ranking
pass, text round trips, NotFound, whole-term search and its capped count, trending that
ages by the minute, and due work claimed oldest first."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from feedback_app.store import (
    SEARCH_COUNT_LIMIT,
    SORTS,
    BoardQuery,
    Comment,
    Idea,
    IdeaStatus,
    Job,
    Message,
    NotFound,
    Outcome,
    Role,
    Store,
    Vote,
    trending_score,
)
from feedback_app.store.search import index_terms, terms

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _ids(store: Store, query: BoardQuery, now: datetime = NOW) -> list[int]:
    return [s.idea.id for s in store.ideas.list(query, now=now).items]


def _expected(ideas: list[Idea], sort: str, tallies: dict[int, int], counts: dict[int, int],
              now: datetime) -> list[int]:  # fmt: skip
    """The order each sort documents (see `contract.Ideas.list`), ties included."""
    minute = now.replace(second=0, microsecond=0)

    def key(idea: Idea) -> tuple[float, ...]:
        created = idea.created_at.timestamp()
        score = tallies.get(idea.id, 0)
        return {
            "trending": (-trending_score(score, idea.created_at, minute), -created, idea.id),
            "top": (-score, -created, idea.id),
            "new": (-created, -idea.id),
            "discussed": (-counts.get(idea.id, 0), -created, idea.id),
        }[sort]

    return [i.id for i in sorted(ideas, key=key)]


@pytest.fixture
def crowded(store: Store) -> tuple[list[Idea], dict[int, int], dict[int, int]]:
    """60 ideas with many ties: a dozen share one instant, scores and comment counts repeat,
    and ages are drawn so trending values come close to one another."""
    rng = random.Random(9)
    stamps = [NOW - timedelta(hours=rng.choice([0, 1, 2, 3, 30])) for _ in range(48)]
    stamps += [NOW - timedelta(minutes=90)] * 12
    ideas = [Idea(f"Idea {n}", "d", "Food", 1, created_at=at) for n, at in enumerate(stamps)]
    for idea, idea_id in zip(ideas, store.ideas.add_many(ideas), strict=True):
        idea.id = idea_id
    votes = [
        Vote(i.id, voter, rng.choice([1, 1, -1]))
        for i in ideas
        for voter in range(rng.randrange(4))
    ]
    store.votes.cast_many(votes)
    tallies = {i.id: sum(v.value for v in votes if v.idea_id == i.id) for i in ideas}
    counts: dict[int, int] = {}
    for idea in ideas[::3]:
        for n in range(rng.randrange(3)):
            store.comments.add(idea.id, 1, f"comment {n}")
            counts[idea.id] = counts.get(idea.id, 0) + 1
    return ideas, tallies, counts


@pytest.mark.parametrize("sort", SORTS)
def test_every_order_breaks_ties_as_documented(
    store: Store, crowded: tuple[list[Idea], dict[int, int], dict[int, int]], sort: str
) -> None:
    ideas, tallies, counts = crowded
    assert _ids(store, BoardQuery(sort=sort, per_page=100)) == _expected(
        ideas, sort, tallies, counts, NOW
    )
    pages = [_ids(store, BoardQuery(sort=sort, page=n, per_page=7)) for n in range(1, 10)]
    joined = [idea_id for page in pages for idea_id in page]
    assert joined == _expected(ideas, sort, tallies, counts, NOW), "pages never overlap"


def test_trending_ages_by_the_minute(
    store: Store, crowded: tuple[list[Idea], dict[int, int], dict[int, int]]
) -> None:
    ideas, tallies, counts = crowded
    query = BoardQuery(sort="trending", per_page=100)
    for seconds in (0, 1, 30, 59.999):
        assert _ids(store, query, NOW + timedelta(seconds=seconds)) == _ids(store, query, NOW)
    for later in (NOW + timedelta(minutes=1), NOW + timedelta(hours=5, seconds=17)):
        assert _ids(store, query, later) == _expected(ideas, "trending", tallies, counts, later)


# Boards of 600 ideas, one every half hour back from NOW, each with a score by its age in
# hours: the shapes that decide how a backend may shortcut trending on a large board (see
# store/postgres/listing.py): new ideas draw the votes; one old idea drew so many that it
# still trends; the newest ideas are voted down, so older ones rise as they age; and so many
# older ideas score well that none can be ruled out.
BOARDS = {
    "new ideas lead": lambda age: 12 - age // 20,
    "an old favourite": lambda age: 600 if age == 199 else 12 - age // 20,
    "newest voted down": lambda age: -1 if age < 60 else 3,
    "a strong back catalogue": lambda age: 0 if age < 60 else 11 + age % 3,
}


@pytest.mark.parametrize("shape", BOARDS)
def test_trending_over_a_large_board_is_the_documented_order(store: Store, shape: str) -> None:
    score = BOARDS[shape]
    ideas = [
        Idea(f"Idea {n}", "oat milk" if n % 2 else "rare oat", "Food", 1,
             created_at=NOW - timedelta(minutes=30 * n))
        for n in range(600)
    ]  # fmt: skip
    for idea, idea_id in zip(ideas, store.ideas.add_many(ideas), strict=True):
        idea.id = idea_id
    tallies = {i.id: score(int((NOW - i.created_at).total_seconds()) // 3600) for i in ideas}
    store.votes.cast_many(
        Vote(idea_id, voter, 1 if total > 0 else -1)
        for idea_id, total in tallies.items()
        for voter in range(abs(total))
    )
    searches = (("", ideas), ("milk", ideas[1::2]), ("rare", ideas[::2]), ("7", [ideas[7]]))
    for text, holders in searches:
        expected = _expected(holders, "trending", tallies, {}, NOW)
        for page, per_page in ((1, 20), (3, 20), (2, 50), (1, 150)):
            query = BoardQuery(sort="trending", text=text, page=page, per_page=per_page)
            start = (page - 1) * per_page
            assert _ids(store, query) == expected[start : start + per_page], (text, page)


def test_a_search_counts_its_matches_up_to_a_limit(store: Store) -> None:
    """Past SEARCH_COUNT_LIMIT matches a search says "more than" instead of counting them
    all, on every backend alike, and still knows whether each page exists and has a next."""
    extra = 10
    ideas = [Idea(f"Oat idea {n}", "oat", "Food", 1) for n in range(SEARCH_COUNT_LIMIT + extra)]
    store.ideas.add_many(ideas)
    per_page = 20
    last = -(-(SEARCH_COUNT_LIMIT + extra) // per_page)
    first = store.ideas.list(BoardQuery(sort="new", text="oat", per_page=per_page))
    assert (first.total, first.more, first.pages, first.has_next) == (
        SEARCH_COUNT_LIMIT, True, SEARCH_COUNT_LIMIT // per_page, True
    )  # fmt: skip
    deepest = SEARCH_COUNT_LIMIT // per_page
    edge = store.ideas.list(BoardQuery(sort="new", text="oat", page=deepest, per_page=per_page))
    assert (len(edge.items), edge.more, edge.has_next) == (per_page, True, True)
    end = store.ideas.list(BoardQuery(sort="new", text="oat", page=last, per_page=per_page))
    assert (len(end.items), end.total, end.more, end.pages, end.has_next) == (
        (SEARCH_COUNT_LIMIT + extra) % per_page, SEARCH_COUNT_LIMIT + extra, False, last, False
    )  # fmt: skip
    beyond = store.ideas.list(BoardQuery(sort="new", text="oat", page=last + 1))
    assert (beyond.items, beyond.more, beyond.pages) == ([], False, last)
    board = store.ideas.list(BoardQuery(sort="new"))
    assert (board.total, board.more) == (SEARCH_COUNT_LIMIT + extra, False), "the board counts all"


WORDS = [
    "Більше безлактозних десертів", "Сделайте карту лояльности", "Mas maraming upuan sa labas",
    "Cornetti vegani al mattino", "增加无糖饮品选项", "无糖燕麦拿铁", "Caffè decaffeinato",
    "ÉTÉ glacé", "ＯＡＴ milk", "oat-milk latte", "Tè verde", "饮品", "десерт", "café",
]  # fmt: skip
QUERIES = [
    "десерт", "десертів", "ДЕСЕРТІВ", "карту", "upuan labas", "vegani", "无糖", "糖", "饮品",
    "燕麦拿铁", "caffè", "été", "oat", "OAT milk", "milk latte", "tè", "te", "cafe", "café",
    "!!!", "a", "无", "oat pizza",
]  # fmt: skip


def test_search_finds_exactly_the_ideas_holding_every_term(store: Store) -> None:
    texts = {store.ideas.add(Idea(w, f"— {w[::-1]}", "Food", 1)).id: w for w in WORDS}
    for query in QUERIES:
        wanted = set(terms(query))
        expected = {i for i, w in texts.items() if wanted <= index_terms(f"{w}\n— {w[::-1]}")}
        assert store.ideas.matching(query) == expected, query
        listed = store.ideas.list(BoardQuery(sort="new", text=query, per_page=50))
        assert {s.idea.id for s in listed.items} == expected and listed.total == len(expected)


def test_similar_ideas_are_ranked_alike(store: Store) -> None:
    at = NOW - timedelta(days=1)
    same = [Idea(f"Free oat milk {n}", "d", "Drinks", 1, created_at=at) for n in range(4)]
    ids = store.ideas.add_many(same)
    store.ideas.add(Idea("Oat milk at no extra charge", "d", "Drinks", 1, created_at=NOW))
    found = [i.id for i in store.ideas.similar("free oat milk", limit=3)]
    assert found == sorted(ids)[:3], "equally similar and as old: the lower id first"


TEXTS = [
    "Більше безлактозних десертів", "Сделайте карту лояльности", "Mas maraming upuan sa labas",
    "Cornetti vegani al mattino", "增加无糖饮品选项", "👩‍👩‍👧‍👦 👍🏽 🏳️‍🌈", "مرحبا \u200f",
    "e\u0301 vs é", "ﬁ ＡＢＣ", "\U0010fffd", "a\tb",
]  # fmt: skip


def test_text_outside_the_text_rules_round_trips_exactly(store: Store) -> None:
    """Fields without a text rule (an email's body, a job's payload, a status record) come
    back byte for byte, never normalised."""
    for text in TEXTS:
        message = store.messages.enqueue(Message("a@example.com", "s", f"{text}\n{text}"))
        got = store.messages.get(message.id)
        assert got is not None and got.text.encode() == f"{text}\n{text}".encode()
        job = store.jobs.add(Job("follower_news", {"headline": text, "list": [text]}))
        kept = store.jobs.get(job.id)
        assert kept is not None and kept.payload == {"headline": text, "list": [text]}
        store.status.put("publish", {"message": text})
        assert store.status.get("publish") == {"message": text}


def test_no_backend_keeps_a_nul_character(store: Store) -> None:
    """U+0000 is not text anyone types, and PostgreSQL cannot store it; an error message from
    a mail server or a build might still carry one: it is dropped, alike on every backend."""
    message = store.messages.enqueue(Message("a@example.com", "s", "before\x00after"))
    got = store.messages.get(message.id)
    assert got is not None and got.text == "beforeafter"
    store.messages.claim_due(timedelta(minutes=1))
    store.messages.settle({message.id: Outcome(error="451 \x00 busy", retry_at=NOW)})
    settled = store.messages.get(message.id)
    assert settled is not None and settled.last_error == "451  busy"
    job = store.jobs.add(Job("follower_news", {"headline": "a\x00b", "n\x00": ["\x00"]}))
    kept = store.jobs.get(job.id)
    assert kept is not None and kept.payload == {"headline": "ab", "n": [""]}
    store.jobs.retry(job.id, "broke \x00", None)
    assert store.jobs.all()[0].last_error == "broke "
    store.status.put("publish", {"message": "MkDocs said \x00!"})
    assert store.status.get("publish") == {"message": "MkDocs said !"}


@pytest.mark.parametrize("missing", [0, -1, 999_999, 2**63, 2**70])
def test_a_missing_record_is_not_found_everywhere(store: Store, missing: int) -> None:
    user = store.users.add("a@example.com")
    idea = store.ideas.add(Idea("t", "d", "c", user.id))
    calls = [
        lambda: store.ideas.get(missing),
        lambda: store.ideas.summary(missing),
        lambda: store.ideas.edit(missing, title="x"),
        lambda: store.ideas.set_status(missing, IdeaStatus.PLANNED, "r", by=user.id),
        lambda: store.ideas.merge(missing, idea.id, by=user.id, response=""),
        lambda: store.ideas.merge(idea.id, missing, by=user.id, response=""),
        lambda: store.ideas.followers(missing),
        lambda: store.users.get(missing),
        lambda: store.users.set_role(missing, Role.ADMIN),
        lambda: store.users.rename(missing, "x"),
        lambda: store.users.end_sessions(missing),
        lambda: store.comments.get(missing),
        lambda: store.comments.edit(missing, "x"),
        lambda: store.comments.set_hidden(missing, True),
        lambda: store.surveys.get(missing),
        lambda: store.testimonials.update(missing, lambda t: None),
    ]
    for n, call in enumerate(calls):
        with pytest.raises(NotFound):
            call()
            pytest.fail(f"call {n} found record {missing}")
    assert store.messages.get(missing) is None and store.jobs.get(missing) is None
    assert store.comments.for_idea(missing) == [] and store.votes.voters(missing) == {}
    assert store.check() == 2, "nothing was written on the way"


def test_the_text_rules_apply_on_every_write(store: Store) -> None:
    spoof = "\u202e"
    idea = store.ideas.add(Idea(f"a\nb{spoof}", f"x\r\ny{spoof}", "Food\n", 1, tags=["t\n1"]))
    assert (idea.title, idea.description, idea.category, idea.tags) == (
        "a b",
        "x\ny",
        "Food",
        ["t 1"],
    )
    got = store.ideas.get(idea.id)
    assert (got.title, got.description, got.category, got.tags) == ("a b", "x\ny", "Food", ["t 1"])
    listed = store.ideas.list(BoardQuery(category="Food")).items
    assert [s.idea.title for s in listed] == ["a b"]
    comment = store.comments.add(idea.id, 1, f"c\r\n{spoof}d")
    assert store.comments.get(comment.id).body == "c\nd"
    assert store.comments.for_idea(idea.id) == [Comment(idea.id, 1, "c\nd", id=comment.id,
                                                        created_at=comment.created_at)]  # fmt: skip
    user = store.users.add(f"Li@Example.com{spoof}", name=f"Li\nWei{spoof}")
    assert (store.users.get(user.id).name, user.email) == ("Li Wei", "li@example.com")


def test_claims_take_the_oldest_due_work_first(store: Store) -> None:
    base = NOW - timedelta(hours=1)
    messages = []
    for n in range(12):
        message = Message(f"p{n}@example.com", "Hi", "Body")
        message.created_at = message.next_attempt_at = base + timedelta(seconds=(n * 7) % 12)
        messages.append(store.messages.enqueue(message))
    order = sorted(messages, key=lambda m: (m.next_attempt_at, m.id))
    first = store.messages.claim_due(timedelta(minutes=5), NOW, limit=5)
    assert [m.id for m in first] == [m.id for m in order[:5]]
    rest = store.messages.claim_due(timedelta(minutes=5), NOW)
    assert [m.id for m in rest] == [m.id for m in order[5:]]
