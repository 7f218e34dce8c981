"""The SQL of a board listing (`PgIdeas.list`): one page of ideas, and how many match.

A page is ranked on `idea_ranks` alone (see migrations.py): a WHERE from the query's filters,
an ORDER BY from its sort, LIMIT and OFFSET from its page; only the page's ideas' documents
are read. What keeps that fast on a large board:

- Trending has no index: its order changes with the clock. Ranking the whole board or a
  search by it computes every match's trending, and a search's matches are known only by
  looking each idea's terms up in `ideas`. `_TRENDING_NEWEST` ranks the newest matches, and
  proves that no older idea can reach the page (or, when it cannot, ranks every match).
- Counting a search's matches looks each of them up too: a search counts them up to
  `BoardQuery.count_limit` (the contract says so; TinyDB reports the same figures).
- A tag's ideas are listed and counted off `idea_tags`, which no vote rewrites.

A search's statements are never prepared (`prepare`): its best plan depends on how common
its words are (a word most ideas hold: walk the ranking and look each idea's terms up; a rare
word: ask the search index first), and a prepared statement's generic plan would choose once
for every word. Other listings are prepared as psycopg does by default, which spares planning
the trending statement (near a millisecond) on every call.
"""

from __future__ import annotations

from typing import Any

from ..models import (
    TRENDING_GRAVITY,
    TRENDING_OFFSET_HOURS,
    TRENDING_REFRESH_S,
    BoardQuery,
)
from ..search import terms

__all__ = ["count_statement", "page_statement", "prepare"]

Statement = tuple[str, dict[str, Any]]

# How aged an idea created at `created_ts` is at the clock: trending = score / this.
_AGED = (
    f"power(greatest(0, (%(clock)s - {{created_ts}}) / 3600) + {TRENDING_OFFSET_HOURS}, "
    f"{TRENDING_GRAVITY})"
)
# In float8 throughout, as `trending_at` computes it in Python: the same operations on the same
# doubles give the same order (numeric arithmetic was 50 times slower, and rounds otherwise).
_TRENDING = f"score / {_AGED.format(created_ts='created_ts')}"
_ORDER = {
    "trending": f"{_TRENDING} DESC, created_at DESC, id",
    "top": "score DESC, created_at DESC, id",
    "new": "created_at DESC, id DESC",
    "discussed": "comments DESC, created_at DESC, id",
}
# How many of the newest matches trending ranks first: a quarter as many again as the page
# needs, and at least this many; and how many older ideas may reach the page before it ranks
# every match instead (`scan`: four times as many). At IdeaStorm's scale 3 older ideas
# reached page 50 (94 at the default scale), and none page 1.
_MIN_WINDOW = 100

_COLUMNS = "id, created_at, created_ts, score, promotes, demotes, comments"
_PAGE = (
    "SELECT id, (SELECT doc FROM ideas WHERE ideas.id = r.id), promotes, demotes, comments "
    "FROM ({ranked} ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s) r ORDER BY {order}"
)

# Trending, from the newest matches. Every idea older than the `window` newest matches
# (`recent`) has aged at least as much as the oldest of them (`edge`), so it can only reach
# the `need`-th best trending of `recent` (`bar`) with a score of at least bar times the
# edge's age factor (`reach`). The top index holds those scores first, with each idea's
# age: `best` is read off it, the ideas whose own trending reaches `bar`. The page is then
# ranked among `recent` and those of `best` that match. When `recent` holds every match,
# nothing older is looked at; when `reach` is negative (older ideas with negative scores
# rise as they age) or more than `scan` older ideas reach `bar`, every match is ranked
# instead (`proven` says which). `bar` is lowered by a billionth, far more than the rounding
# of the float operations that compare it: an idea it leaves out cannot even tie.
_TRENDING_NEWEST = f"""
WITH recent AS MATERIALIZED (
    SELECT {_COLUMNS} FROM idea_ranks WHERE {{where}}
    ORDER BY created_at DESC, id DESC LIMIT %(window)s
), edge AS (
    SELECT at, id, whole, bar, bar * {_AGED.format(created_ts="ts")} AS reach FROM (
        SELECT created_at AS at, id, created_ts AS ts,
            (SELECT count(*) FROM recent) < %(window)s AS whole,
            (SELECT {_TRENDING} * (1 - 1e-9) FROM recent ORDER BY {_ORDER["trending"]}
                OFFSET %(need)s - 1 LIMIT 1) AS bar
        FROM recent ORDER BY created_at, id LIMIT 1) oldest
), best AS MATERIALIZED (
    SELECT id AS best_id FROM idea_ranks
    WHERE score >= (SELECT ceil(least(greatest(1, reach), 2147483647))::integer
                    FROM edge WHERE reach >= 0)
      AND (created_at, id) < (SELECT at, id FROM edge) AND NOT (SELECT whole FROM edge)
      AND score / {_AGED.format(created_ts="date_part('epoch', created_at)")}
          >= (SELECT bar FROM edge)
    LIMIT %(scan)s
), proven AS (
    SELECT CASE WHEN whole THEN TRUE WHEN reach IS NULL OR reach < 0 THEN FALSE
           ELSE (SELECT count(*) FROM best) < %(scan)s END AS yes FROM edge
)
SELECT * FROM recent WHERE (SELECT yes FROM proven)
UNION ALL
SELECT {_COLUMNS} FROM best, LATERAL (SELECT * FROM idea_ranks WHERE id = best_id OFFSET 0) r
    WHERE (SELECT yes FROM proven) AND {{probed}}
UNION ALL
SELECT {_COLUMNS} FROM idea_ranks WHERE NOT coalesce((SELECT yes FROM proven), TRUE) AND {{where}}
"""


def page_statement(query: BoardQuery, now_ts: float) -> Statement:
    """The SQL and parameters of `query`'s page: (id, document, promotes, demotes, comments)
    per idea, in order. `now_ts` is the clock trending ages ideas by."""
    where, params = _where(query)
    params["clock"] = int(now_ts // TRENDING_REFRESH_S) * TRENDING_REFRESH_S
    params["limit"], params["offset"] = query.per_page, query.offset
    if query.sort == "trending" and _walks(query):
        need = query.offset + query.per_page
        window = max(_MIN_WINDOW, need + need // 4)
        params["need"], params["window"], params["scan"] = need, window, 4 * window
        probed = _where(query, probe=True)[0]
        ranked = f"SELECT * FROM ({_TRENDING_NEWEST.format(where=where, probed=probed)}) ranked"
    else:
        ranked = f"SELECT * FROM idea_ranks WHERE {where}"
    return _PAGE.format(ranked=ranked, order=_ORDER[query.sort]), params


def prepare(query: BoardQuery) -> bool | None:
    """psycopg's `prepare` for `query`'s statements: never for a search, else as it sees fit."""
    return False if query.text else None


def count_statement(query: BoardQuery) -> Statement:
    """The SQL and parameters that count `query`'s matches, up to `count_limit` + 1. A tag's
    own page (the link on every card that carries it) counts off the tag's table alone, and
    a search alone off `ideas`, where the terms are: neither needs the ranking rows."""
    where, params = _where(query)
    table, filters = "idea_ranks", _filters(query)
    if filters == {"tag"}:
        return "SELECT count(*) FROM idea_tags WHERE tag = %(tag)s", params
    if filters == {"text"}:
        table, where = "ideas", "search_terms @> %(terms)s::text[]"
    if query.count_limit is None:
        return f"SELECT count(*) FROM {table} WHERE {where}", params
    params["count_to"] = query.count_limit + 1
    counted = f"SELECT 1 FROM {table} WHERE {where} LIMIT %(count_to)s"
    return f"SELECT count(*) FROM ({counted}) m", params


def _walks(query: BoardQuery) -> bool:
    """Whether trending is best ranked from the newest ideas: for the whole board, where most
    ideas match, and for a search, whose matches are known only by looking each idea's terms
    up. The board's own filters (category, status, tag, a person's ideas or votes) are
    answered by one scan of the narrow ranking rows, which costs less than walking past the
    ideas they leave out (a tag is on a sixth of the ideas, a category on a quarter)."""
    found = _filters(query)
    return not found or "text" in found


def _filters(query: BoardQuery) -> set[str]:
    """The names of the filters `query` sets."""
    values = {
        "category": query.category,
        "statuses": query.statuses,
        "tag": query.tag,
        "author_id": query.author_id is not None,
        "voted_by": query.voted_by is not None,
        "text": query.text,
    }
    return {name for name, value in values.items() if value}


def _where(query: BoardQuery, probe: bool = False) -> Statement:
    """The SQL condition on `idea_ranks` for the filters of `query` (fixed text, values as
    parameters). Words are looked up in `ideas`: as the planner sees fit, or, with `probe`,
    idea by idea for the row named `r`, for a few rows that the planner cannot count in
    advance (it would otherwise read every idea to build a hash of the matches)."""
    checks = ["TRUE"]
    params: dict[str, Any] = {}
    if query.category:
        checks.append("category = %(category)s")
        params["category"] = query.category
    if query.statuses:
        checks.append("status = ANY(%(statuses)s)")
        params["statuses"] = sorted(s.value for s in query.statuses)
    if query.tag:
        checks.append("id IN (SELECT idea_id FROM idea_tags WHERE tag = %(tag)s)")
        params["tag"] = query.tag
    if query.author_id is not None:
        checks.append("author_id = %(author)s")
        params["author"] = query.author_id
    if query.voted_by is not None:
        checks.append("id IN (SELECT idea_id FROM votes WHERE user_id = %(voter)s)")
        params["voter"] = query.voted_by
    if query.text:
        matches = "id IN (SELECT id FROM ideas WHERE search_terms @> %(terms)s::text[])"
        if probe:
            matches = "(SELECT i.search_terms FROM ideas i WHERE i.id = r.id) @> %(terms)s::text[]"
        checks.append(matches)
        params["terms"] = terms(query.text)
    return " AND ".join(checks), params
