"""Promote (+1) and demote (-1) votes: one per person per idea, changeable and retractable.

Votes are split over many files by idea. A vote is one line appended to its file (see
`journal.py`), and each file's index (who voted what, and the tallies) follows the changed
votes rather than being rebuilt, in the process that voted and in every process that reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import IdeaClosed
from ..models import CLOSED_STATUSES, Vote, utcnow
from .collection import Collection
from .merged import MergedMap

__all__ = ["Votes"]

Key = tuple[int, int]


class Votes:
    def __init__(self, collection: Collection, ideas: Collection) -> None:
        self._c = collection
        self._ideas = ideas
        self.tally_map: MergedMap[int, tuple[int, int]] = MergedMap(
            collection, "index", _build_index, lambda view: view["tallies"], raw=True,
            update=_update_index,
        )  # fmt: skip

    def cast(self, idea_id: int, user_id: int, value: int, even_closed: bool = False) -> int:
        """Set a person's vote on an idea: +1, -1, or 0 to retract. Returns the vote now held.

        IdeaClosed when the idea was merged away or archived (merges move votes `even_closed`).
        The idea is read inside the lock of the votes' file, after a merge may have marked
        it: a merge marks the duplicate first, then waits for that lock (`settle`), so every
        vote let through is written before the merge looks for the votes to move."""
        if value not in (-1, 0, 1):
            raise ValueError("a vote is +1, -1 or 0")
        shard, name = self._c.shard_for(idea_id), self._c.name
        with shard.writing():
            if not even_closed and self._closed(idea_id):
                raise IdeaClosed(idea_id)
            doc_id = self._index(idea_id)["by_key"].get((idea_id, user_id))
            if doc_id is None:
                if value:
                    shard.add(name, Vote(idea_id, user_id, value).to_doc())
                return value
            if value == 0:
                shard.put(name, {doc_id: None})
                return value
            current = shard.doc(name, doc_id)
            if current is not None and current["value"] != value:
                shard.put(name, {doc_id: {**current, "value": value, "at": utcnow().isoformat()}})
        return value

    def settle(self, idea_id: int) -> None:
        """Return once no process is writing a vote on the idea (its file's lock taken and
        given back): after the idea closed, the votes it holds then are all it will hold."""
        with self._c.shard_for(idea_id).locked():
            return

    def _closed(self, idea_id: int) -> bool:
        doc = self._ideas.peek(idea_id)
        return doc is not None and doc.get("status") in CLOSED_STATUSES

    def cast_many(self, votes: Iterable[Vote]) -> int:
        """Store many new votes, each file written once (demo data, imports, benchmarks).

        For one person and idea the last vote given wins; votes already stored are replaced.
        """
        latest: dict[Key, Vote] = {(v.idea_id, v.user_id): v for v in votes if v.value}
        by_shard: dict[int, list[Vote]] = {}
        for vote in latest.values():
            by_shard.setdefault(self._c.shard_index_for(vote.idea_id), []).append(vote)
        for index, group in sorted(by_shard.items()):
            with self._c.shards[index].writing() as db:
                table = db.table(self._c.name)
                known = self._c.shard_view(index, "index", _build_index, True, _update_index)[
                    "by_key"
                ]
                keys = [(v.idea_id, v.user_id) for v in group]
                stale = [known[k] for k in keys if k in known]
                if stale:
                    table.remove(doc_ids=stale)
                table.insert_multiple(v.to_doc() for v in group)
        return len(latest)

    def value(self, idea_id: int, user_id: int) -> int:
        """The vote a person holds on an idea (0 when none)."""
        return self.voters(idea_id).get(user_id, 0)

    def voters(self, idea_id: int) -> dict[int, int]:
        """Everyone who voted on an idea, with their vote."""
        return self._index(idea_id)["by_idea"].get(idea_id, {})

    def tally(self, idea_id: int) -> tuple[int, int]:
        """(promotes, demotes) of one idea."""
        return self._index(idea_id)["tallies"].get(idea_id, (0, 0))

    def tallies(self) -> dict[int, tuple[int, int]]:
        """(promotes, demotes) of every idea with a vote."""
        return dict(self.tally_map.current())

    def ideas_voted_by(self, user_id: int) -> dict[int, int]:
        """Idea id -> the person's vote, over all ideas."""
        found: dict[int, int] = {}
        for part in self._c.view("by_user", _build_by_user, raw=True):
            found.update(part.get(user_id, {}))
        return found

    def count(self) -> int:
        parts = self._c.view("index", _build_index, raw=True, update=_update_index)
        return sum(len(part["by_key"]) for part in parts)

    def _index(self, idea_id: int) -> dict[str, Any]:
        return self._c.shard_view(idea_id, "index", _build_index, True, _update_index)


def _build_index(table: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One shard's votes by (idea, person) -> TinyDB document id, by idea, and tallied."""
    by_key: dict[Key, int] = {}
    by_idea: dict[int, dict[int, int]] = {}
    for doc_id, doc in table.items():
        idea, user = doc["idea_id"], doc["user_id"]
        by_key[(idea, user)] = int(doc_id)
        voters = by_idea.get(idea)
        if voters is None:
            voters = by_idea[idea] = {}
        voters[user] = doc["value"]
    tallies = {}
    for idea, voters in by_idea.items():
        up = sum(1 for v in voters.values() if v > 0)
        tallies[idea] = (up, len(voters) - up)
    return {"by_key": by_key, "by_idea": by_idea, "tallies": tallies}


def _update_index(index: dict[str, Any], changes: list[tuple[str, Any, Any]]) -> dict[str, Any]:
    """`index` moved along by changed votes: what `_build_index` would build now.

    The old index's `by_key` and `by_idea` are reused, but each idea's voters and the tallies
    are new objects: callers may still hold the old ones (copy on write).
    """
    by_key, by_idea = index["by_key"], index["by_idea"]
    tallies = dict(index["tallies"])
    touched = set()
    for doc_id, old, new in changes:
        if old is not None:
            idea, user = old["idea_id"], old["user_id"]
            by_key.pop((idea, user), None)
            voters = dict(by_idea.get(idea, {}))
            voters.pop(user, None)
            by_idea[idea] = voters
            touched.add(idea)
        if new is not None:
            idea, user = new["idea_id"], new["user_id"]
            by_key[(idea, user)] = int(doc_id)
            by_idea[idea] = {**by_idea.get(idea, {}), user: new["value"]}
            touched.add(idea)
    for idea in touched:
        voters = by_idea[idea]
        if voters:
            up = sum(1 for v in voters.values() if v > 0)
            tallies[idea] = (up, len(voters) - up)
        else:
            del by_idea[idea]
            tallies.pop(idea, None)
    return {"by_key": by_key, "by_idea": by_idea, "tallies": tallies}


def _build_by_user(table: dict[str, dict[str, Any]]) -> dict[int, dict[int, int]]:
    """One shard's votes by person: built only when someone's own votes are asked for."""
    by_user: dict[int, dict[int, int]] = {}
    for doc in table.values():
        by_user.setdefault(doc["user_id"], {})[doc["idea_id"]] = doc["value"]
    return by_user
