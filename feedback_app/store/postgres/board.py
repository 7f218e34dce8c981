"""The idea board on PostgreSQL: ideas with their tallies, votes, comments and follows.

Each idea's narrow `idea_ranks` row (kept by triggers on `ideas`, see migrations.py) carries
the fields listings sort and filter on and its promotes, demotes and visible-comment count; a
vote or a comment changes them in the same transaction as the row it writes, so a listing
ranks one small table and never reads a stale figure, and a vote never rewrites the idea's
document or its search index. The orders and filters mean
exactly what they mean in `store/tinydb/ideas.py` (the conformance suite runs both backends).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import psycopg

from ...textrules import multi_line
from ..errors import Conflict, IdeaClosed, NotFound
from ..models import (
    CLOSED_STATUSES,
    BoardQuery,
    Comment,
    Idea,
    IdeaStatus,
    IdeaSummary,
    Page,
    Stance,
    Vote,
    follower_set,
    utcnow,
)
from ..search import index_terms, similarity, terms
from .database import Database
from .doctable import ANALYZE_AFTER, Doc, DocTable
from .listing import count_statement, page_statement, prepare

__all__ = ["PgComments", "PgFollows", "PgIdeas", "PgVotes"]

Conn = psycopg.Connection[Any]

FOLLOW, UNFOLLOW = "follow", "unfollow"


def _idea_columns(doc: Doc) -> dict[str, Any]:
    return {
        "status": doc["status"],
        "category": doc["category"],
        "author_id": doc["author_id"],
        "created_at": datetime.fromisoformat(doc["created_at"]),
        "tags": list(doc.get("tags") or []),
        "search_terms": sorted(index_terms(f"{doc['title']}\n{doc['description']}")),
    }


def _comment_columns(doc: Doc) -> dict[str, Any]:
    return {
        "idea_id": doc["idea_id"],
        "hidden": bool(doc.get("hidden")),
        "created_at": datetime.fromisoformat(doc["created_at"]),
    }


# A vote's change, in one statement (see `PgVotes.cast_in`): the vote held (0 for none), the
# row removed or written, and the idea's tallies moved from the old vote to the new one.
_CAST = """
WITH old AS (
    SELECT coalesce(
        (SELECT value FROM votes WHERE idea_id = %(i)s AND user_id = %(u)s), 0) AS v
), gone AS (
    DELETE FROM votes WHERE idea_id = %(i)s AND user_id = %(u)s AND %(v)s = 0
), put AS (
    INSERT INTO votes (idea_id, user_id, value, at)
    SELECT %(i)s, %(u)s, %(v)s, now() FROM old WHERE %(v)s <> 0 AND old.v <> %(v)s
    ON CONFLICT (idea_id, user_id) DO UPDATE SET value = EXCLUDED.value, at = EXCLUDED.at
)
UPDATE idea_ranks SET
    promotes = promotes + (%(v)s > 0)::int - (old.v > 0)::int,
    demotes = demotes + (%(v)s < 0)::int - (old.v < 0)::int
FROM old WHERE idea_ranks.id = %(i)s AND old.v <> %(v)s
"""


class PgVotes:
    def __init__(self, db: Database) -> None:
        self._db = db

    def cast(self, idea_id: int, user_id: int, value: int) -> int:
        """Set a person's vote on an idea: +1, -1, or 0 to retract. Returns the vote now held;
        IdeaClosed when the idea was merged away or archived.

        The vote and the idea's tallies change in one transaction of two statements (see
        `cast_in`)."""
        if value not in (-1, 0, 1):
            raise ValueError("a vote is +1, -1 or 0")
        self._db.run(lambda conn: self.cast_in(conn, idea_id, user_id, value))
        return value

    def cast_in(
        self, conn: Conn, idea_id: int, user_id: int, value: int, even_closed: bool = False
    ) -> None:
        """`cast` inside the caller's transaction (merges move votes in theirs, `even_closed`).

        The first statement locks the idea's ranking row (the narrow row a vote writes,
        never the idea's document): the idea before its votes, as a merge locks its ideas
        before moving their votes, so a vote and a merge of the same idea wait for each
        other instead of deadlocking, and no other vote on the idea changes anything until
        this one commits. The row it returns is the newest, read once the lock is held: a
        merge or an archive that committed while this vote waited is seen, and the vote is
        refused (IdeaClosed) rather than left on an idea nobody counts. The second
        statement, whose snapshot is taken once the lock is held, reads the vote held,
        changes it, and moves the tallies by the difference. A vote on an idea that does
        not exist is kept alone (no tallies), as on TinyDB."""
        params = {"i": idea_id, "u": user_id, "v": value}
        row = conn.execute(
            "SELECT status FROM idea_ranks WHERE id = %(i)s FOR UPDATE", params
        ).fetchone()
        if row is not None and not even_closed and row[0] in CLOSED_STATUSES:
            raise IdeaClosed(idea_id)
        conn.execute(_CAST, params)

    @staticmethod
    def _held(conn: Conn, idea_id: int, user_id: int) -> int:
        row = conn.execute(
            "SELECT value FROM votes WHERE idea_id = %s AND user_id = %s", (idea_id, user_id)
        ).fetchone()
        return row[0] if row else 0

    def cast_many(self, votes: Iterable[Vote]) -> int:
        """Store many votes at once, then recount the ideas they touch (demo data, imports,
        benchmarks). For one person and idea the last vote given wins. The ideas are locked
        first (`lock_ranks`), so a vote cast meanwhile is in the recount or comes after it."""
        latest = {(v.idea_id, v.user_id): v for v in votes if v.value}
        if not latest:
            return 0

        def load(conn: Conn) -> None:
            conn.execute(
                "CREATE TEMPORARY TABLE votes_in (idea_id bigint, user_id bigint, "
                "value smallint, at timestamptz) ON COMMIT DROP"
            )
            with conn.cursor().copy(
                "COPY votes_in (idea_id, user_id, value, at) FROM STDIN"
            ) as copy:
                for v in latest.values():
                    copy.write_row((v.idea_id, v.user_id, v.value, v.at))
            lock_ranks(conn, "SELECT idea_id FROM votes_in")
            conn.execute(
                "INSERT INTO votes SELECT * FROM votes_in ON CONFLICT (idea_id, user_id) "
                "DO UPDATE SET value = EXCLUDED.value, at = EXCLUDED.at"
            )
            recount_votes(conn, "SELECT DISTINCT idea_id FROM votes_in")
            if len(latest) >= ANALYZE_AFTER:
                conn.execute("ANALYZE votes, idea_ranks")

        self._db.run(load, bulk=True)
        return len(latest)

    def value(self, idea_id: int, user_id: int) -> int:
        with self._db.connection() as conn:
            return self._held(conn, idea_id, user_id)

    def voters(self, idea_id: int) -> dict[int, int]:
        with self._db.connection() as conn:
            rows = conn.execute(
                "SELECT user_id, value FROM votes WHERE idea_id = %s", (idea_id,)
            ).fetchall()
        return dict(rows)

    def tally(self, idea_id: int) -> tuple[int, int]:
        with self._db.connection() as conn:
            row = conn.execute(
                "SELECT count(*) FILTER (WHERE value > 0), count(*) FILTER (WHERE value < 0) "
                "FROM votes WHERE idea_id = %s",
                (idea_id,),
            ).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def tallies(self) -> dict[int, tuple[int, int]]:
        with self._db.connection() as conn:
            rows = conn.execute(
                "SELECT idea_id, count(*) FILTER (WHERE value > 0), "
                "count(*) FILTER (WHERE value < 0) FROM votes GROUP BY idea_id"
            ).fetchall()
        return {idea: (int(up), int(down)) for idea, up, down in rows}

    def ideas_voted_by(self, user_id: int) -> dict[int, int]:
        with self._db.connection() as conn:
            rows = conn.execute(
                "SELECT idea_id, value FROM votes WHERE user_id = %s", (user_id,)
            ).fetchall()
        return dict(rows)

    def count(self) -> int:
        with self._db.connection() as conn:
            row = conn.execute("SELECT count(*) FROM votes").fetchone()
        return int(row[0]) if row else 0


def lock_ranks(conn: Conn, ideas: str, params: Iterable[Any] = ()) -> None:
    """Lock the ranking rows of the ideas the query `ideas` names, in id order (as merges
    lock them), before a bulk load writes to them and recounts them.

    A recount counts what its snapshot shows: a vote or a comment committed between that
    snapshot and the recount's lock on the row would be overwritten, lost from the figures.
    With the rows locked first, every write on them has either committed (and the recount,
    a later statement, sees it) or waits for this transaction (and moves the recounted
    figure). Taken before the load's own rows, the locks cannot deadlock with a vote, which
    locks the idea before its vote row."""
    conn.execute(
        f"SELECT 1 FROM idea_ranks WHERE id IN ({ideas}) ORDER BY id FOR UPDATE", tuple(params)
    )


def recount_votes(conn: Conn, ideas: str, params: Iterable[Any] = ()) -> None:
    """Set the tallies of the ideas the query `ideas` names from their votes."""
    conn.execute(
        "UPDATE idea_ranks SET promotes = t.up, demotes = t.down FROM ("
        "  SELECT i.id, count(v.value) FILTER (WHERE v.value > 0) AS up,"
        "         count(v.value) FILTER (WHERE v.value < 0) AS down"
        f"  FROM idea_ranks i LEFT JOIN votes v ON v.idea_id = i.id WHERE i.id IN ({ideas})"
        "  GROUP BY i.id) t WHERE idea_ranks.id = t.id",
        tuple(params),
    )


def recount_comments(conn: Conn, ideas: str, params: Iterable[Any] = ()) -> None:
    """Set the visible-comment counts of the ideas the query `ideas` names."""
    conn.execute(
        "UPDATE idea_ranks SET comments = t.n FROM ("
        "  SELECT i.id, count(c.id) FILTER (WHERE NOT c.hidden) AS n"
        f"  FROM idea_ranks i LEFT JOIN comments c ON c.idea_id = i.id WHERE i.id IN ({ideas})"
        "  GROUP BY i.id) t WHERE idea_ranks.id = t.id",
        tuple(params),
    )


class PgComments:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.table = DocTable(db, "comments", Comment, _comment_columns)

    def add(
        self,
        idea_id: int,
        author_id: int,
        body: str,
        stance: Stance = Stance.NEUTRAL,
        official: bool = False,
    ) -> Comment:
        comment = Comment(idea_id, author_id, body, stance, official)

        def add(conn: Conn) -> int:
            added = self.table.insert(comment.to_doc(), conn)
            conn.execute(
                "UPDATE idea_ranks SET comments = comments + 1 WHERE id = %s", (idea_id,)
            )
            return added

        comment.id = self._db.run(add)
        return comment

    def add_many(self, comments: Iterable[Comment]) -> list[int]:
        docs = [c.to_doc() for c in comments]
        ideas = [list({d["idea_id"] for d in docs})]

        def load(conn: Conn) -> list[int]:
            lock_ranks(conn, "SELECT unnest(%s::bigint[])", ideas)  # see `lock_ranks`
            ids = self.table.insert_many(docs, conn)
            recount_comments(conn, "SELECT unnest(%s::bigint[])", ideas)
            if len(docs) >= ANALYZE_AFTER:
                conn.execute("ANALYZE idea_ranks")
            return ids

        return self._db.run(load, bulk=True)

    def get(self, comment_id: int) -> Comment:
        doc = self.table.get(comment_id)
        if doc is None:
            raise NotFound(f"comment {comment_id}")
        return Comment.from_doc(doc, comment_id)

    def for_idea(self, idea_id: int, include_hidden: bool = False) -> list[Comment]:
        """An idea's comments, oldest first."""
        where = "idea_id = %s" + ("" if include_hidden else " AND NOT hidden")
        return self.table.select(where, (idea_id,), order="created_at, id")

    def edit(self, comment_id: int, body: str) -> Comment:
        fields = {"body": multi_line(body), "edited_at": utcnow().isoformat()}
        return self._change(comment_id, fields)

    def set_hidden(self, comment_id: int, hidden: bool) -> Comment:
        return self._change(comment_id, {"hidden": hidden})

    def counts(self) -> dict[int, int]:
        with self._db.connection() as conn:
            rows = conn.execute(
                "SELECT idea_id, count(*) FROM comments WHERE NOT hidden GROUP BY idea_id"
            ).fetchall()
        return dict(rows)

    def count(self) -> int:
        return self.table.count("NOT hidden")

    def _change(self, comment_id: int, fields: dict[str, Any]) -> Comment:
        def change(conn: Conn) -> Doc:
            before: list[bool] = []

            def apply(doc: Doc) -> Doc:
                before.append(bool(doc.get("hidden")))
                return {**doc, **fields}

            doc = self.table.update(comment_id, apply, conn)
            if doc is None:
                raise NotFound(f"comment {comment_id}")
            if before and before[0] != bool(doc.get("hidden")):
                step = -1 if doc.get("hidden") else 1
                conn.execute(
                    "UPDATE idea_ranks SET comments = comments + %s WHERE id = %s",
                    (step, doc["idea_id"]),
                )
            return doc

        return Comment.from_doc(self._db.run(change), comment_id)


class PgFollows:
    def __init__(self, db: Database) -> None:
        self._db = db

    def set(self, idea_id: int, user_id: int, following: bool, conn: Conn | None = None) -> None:
        if conn is None:
            with self._db.connection() as own:
                return self.set(idea_id, user_id, following, own)
        conn.execute(
            "INSERT INTO follows (idea_id, user_id, choice) VALUES (%s, %s, %s) "
            "ON CONFLICT (idea_id, user_id) DO UPDATE SET choice = EXCLUDED.choice",
            (idea_id, user_id, FOLLOW if following else UNFOLLOW),
        )
        return None

    def choices(self, idea_id: int) -> dict[int, bool]:
        with self._db.connection() as conn:
            rows = conn.execute(
                "SELECT user_id, choice FROM follows WHERE idea_id = %s", (idea_id,)
            ).fetchall()
        return {user: choice == FOLLOW for user, choice in rows}

    def followers(self, idea_id: int, automatic: set[int]) -> set[int]:
        return follower_set(automatic, self.choices(idea_id))


class PgIdeas:
    def __init__(self, db: Database, votes: PgVotes, follows: PgFollows) -> None:
        self._db = db
        self._votes = votes
        self._follows = follows
        self.table = DocTable(db, "ideas", Idea, _idea_columns)

    # -- single ideas ------------------------------------------------------------------------
    def add(self, idea: Idea) -> Idea:
        idea.id = self.table.insert(idea.to_doc())
        return idea

    def add_many(self, ideas: Iterable[Idea]) -> list[int]:
        docs = [i.to_doc() for i in ideas]
        with self._db.connection(bulk=True) as conn:
            ids = self.table.insert_many(docs, conn)
            if len(docs) >= ANALYZE_AFTER:
                conn.execute("ANALYZE idea_ranks")
        return ids

    def get(self, idea_id: int) -> Idea:
        doc = self.table.get(idea_id)
        if doc is None:
            raise NotFound(f"idea {idea_id}")
        return Idea.from_doc(doc, idea_id)

    def summary(self, idea_id: int) -> IdeaSummary:
        with self._db.connection() as conn:
            row = conn.execute(
                "SELECT i.doc, r.promotes, r.demotes, r.comments "
                "FROM ideas i JOIN idea_ranks r USING (id) WHERE i.id = %s",
                (idea_id,),
            ).fetchone()
        if row is None:
            raise NotFound(f"idea {idea_id}")
        return IdeaSummary(self.table.decode(idea_id, row[0]), row[1], row[2], row[3])

    def set_status(
        self,
        idea_id: int,
        status: IdeaStatus,
        response: str,
        by: int,
        changed_note: str = "",
        changed_on: date | None = None,
    ) -> Idea:
        def change(doc: Doc) -> Doc:
            idea = Idea.from_doc(doc)
            idea.record_status(status, response, by, changed_note, changed_on)
            return idea.to_doc()

        return self._update(idea_id, change)

    def edit(self, idea_id: int, **fields: Any) -> Idea:
        def change(doc: Doc) -> Doc:
            idea = Idea.from_doc(doc)
            for name, value in fields.items():
                setattr(idea, name, value)
            return idea.to_doc()

        return self._update(idea_id, change)

    def merge(self, duplicate_id: int, original_id: int, by: int, response: str) -> Idea:
        """Fold a duplicate into its original in one transaction (see `Ideas.merge`)."""
        if duplicate_id == original_id:
            raise Conflict("an idea cannot be merged into itself")

        def fold(conn: Conn) -> Idea:
            # Both rows locked in id order, so two merges of the same pair cannot deadlock.
            rows = conn.execute(
                "SELECT id, doc FROM ideas WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                ([duplicate_id, original_id],),
            ).fetchall()
            # Then their ranking rows, which votes lock first: no vote on either idea can
            # change anything while the votes move.
            conn.execute(
                "SELECT 1 FROM idea_ranks WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                ([duplicate_id, original_id],),
            )
            docs = dict(rows)
            if duplicate_id not in docs or original_id not in docs:
                missing = duplicate_id if duplicate_id not in docs else original_id
                raise NotFound(f"idea {missing}")
            duplicate = self.table.decode(duplicate_id, docs[duplicate_id])
            original = self.table.decode(original_id, docs[original_id])
            if original.status.is_closed:
                raise Conflict("the original is itself closed")
            if duplicate.merged_into not in (None, original_id):
                raise Conflict("already merged into another idea")
            voters = dict(
                conn.execute(
                    "SELECT user_id, value FROM votes WHERE idea_id = %s", (duplicate_id,)
                ).fetchall()
            )
            for user, value in voters.items():
                if not self._votes._held(conn, original_id, user):
                    self._votes.cast_in(conn, original_id, user, value, even_closed=True)
                self._votes.cast_in(conn, duplicate_id, user, 0, even_closed=True)
            followers = conn.execute(
                "SELECT user_id FROM follows WHERE idea_id = %s AND choice = %s",
                (duplicate_id, FOLLOW),
            ).fetchall()
            for (user,) in followers:
                self._follows.set(original_id, user, True, conn)
            self._follows.set(original_id, duplicate.author_id, True, conn)
            duplicate.mark_duplicate_of(original_id, response, by)
            self.table.write(conn, duplicate_id, duplicate.to_doc())
            return duplicate

        return self._db.run(fold)

    def followers(self, idea_id: int) -> set[int]:
        idea = self.get(idea_id)
        automatic = {idea.author_id, *self._votes.voters(idea_id)}
        return self._follows.followers(idea_id, automatic)

    def is_following(self, idea_id: int, user_id: int) -> bool:
        return user_id in self.followers(idea_id)

    # -- search ------------------------------------------------------------------------------
    def matching(self, query: str) -> set[int]:
        """Ideas whose search terms include every term of `query` (see store/search.py)."""
        wanted = terms(query)
        with self._db.connection() as conn:
            rows = conn.execute(
                "SELECT id FROM ideas WHERE search_terms @> %s::text[]", (wanted,)
            ).fetchall()
        return {row[0] for row in rows}

    def similar(self, title: str, limit: int = 5, exclude: int | None = None) -> list[Idea]:
        wanted = terms(title, min_length=3)
        if not wanted:
            return []
        with self._db.connection() as conn:
            rows = conn.execute(
                "SELECT id, doc, search_terms FROM ideas WHERE search_terms && %s::text[] "
                "AND status <> ALL(%s) AND id IS DISTINCT FROM %s",
                (wanted, [s.value for s in IdeaStatus if s.is_closed], exclude),
            ).fetchall()
        scored = []
        for idea_id, doc, indexed in rows:
            score = similarity(wanted, frozenset(indexed))
            if score >= 0.5:
                idea = self.table.decode(idea_id, doc)
                scored.append((score, idea.created_at, -idea_id, idea))
        # Best match first, then the newest, then the lower id (as every listing breaks ties).
        scored.sort(key=lambda item: item[:3], reverse=True)
        return [item[3] for item in scored[:limit]]

    # -- listings ----------------------------------------------------------------------------
    def all(self) -> list[Idea]:
        """Every idea, newest first."""
        return self.table.select(order="created_at DESC, id DESC")

    def count(self) -> int:
        return self.table.count()

    def list(self, query: BoardQuery, now: datetime | None = None) -> Page[IdeaSummary]:
        """One page of the ideas `query` asks for, and how many match (see listing.py)."""
        page = page_statement(query, (now or utcnow()).timestamp())
        count = count_statement(query)
        planned = prepare(query)
        with self._db.connection() as conn:
            rows = conn.execute(*page, prepare=planned).fetchall()  # type: ignore[arg-type]
            found = conn.execute(*count, prepare=planned).fetchone()  # type: ignore[arg-type]
        items = [
            IdeaSummary(self.table.decode(i, doc), up, down, n) for i, doc, up, down, n in rows
        ]
        return query.page_of(items, int(found[0]) if found else 0)

    def _update(self, idea_id: int, change: Any) -> Idea:
        doc = self.table.update(idea_id, change)
        if doc is None:
            raise NotFound(f"idea {idea_id}")
        return Idea.from_doc(doc, idea_id)
