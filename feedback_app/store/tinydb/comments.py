"""Comments on ideas, each with a stance (pro, con, neutral); staff comments are official.

Comments are filed by their idea, so an idea's page reads one file; comments imported with
ids that name other files are found through that file's stray pointers (strays.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...textrules import multi_line
from ..errors import NotFound
from ..models import Comment, Stance, utcnow
from .collection import Collection
from .merged import MergedMap
from .strays import stray_shards

__all__ = ["Comments"]


class Comments:
    def __init__(self, collection: Collection) -> None:
        self._c = collection
        # An imported idea's comments may sit in several files: their counts add up.
        self.count_map: MergedMap[int, int] = MergedMap(
            collection, "counts", _counts, combine=sum
        )

    def add(
        self,
        idea_id: int,
        author_id: int,
        body: str,
        stance: Stance = Stance.NEUTRAL,
        official: bool = False,
    ) -> Comment:
        comment = Comment(idea_id, author_id, body, stance, official)
        # Routed by idea, so an idea's comments live in one file and its page reads one file.
        comment.id = self._c.insert(comment.to_doc(), route_key=idea_id)
        return comment

    def add_many(self, comments: Iterable[Comment]) -> list[int]:
        return self._c.insert_many([c.to_doc() for c in comments], route=lambda d: d["idea_id"])

    def get(self, comment_id: int) -> Comment:
        doc = self._c.get(comment_id)
        if doc is None:
            raise NotFound(f"comment {comment_id}")
        return Comment.from_doc(doc, comment_id)

    def for_idea(self, idea_id: int, include_hidden: bool = False) -> list[Comment]:
        """An idea's comments, oldest first."""
        found = self._c.shard_view(idea_id, "by_idea", _by_idea).get(idea_id, [])
        elsewhere = stray_shards(self._c, idea_id, idea_id)
        if elsewhere:  # a shard's own index routes to it
            for index in elsewhere:
                found = found + self._c.shard_view(index, "by_idea", _by_idea).get(idea_id, [])
            found = sorted(found, key=lambda c: (c.created_at, c.id))
        return [c for c in found if include_hidden or not c.hidden]

    def edit(self, comment_id: int, body: str) -> Comment:
        """Replace the text (a multi-line field: this write skips `Comment.to_doc`)."""
        fields = {"body": multi_line(body), "edited_at": utcnow().isoformat()}
        return self._change(comment_id, fields)

    def set_hidden(self, comment_id: int, hidden: bool) -> Comment:
        return self._change(comment_id, {"hidden": hidden})

    def counts(self) -> dict[int, int]:
        """Visible comments per idea."""
        return dict(self.count_map.current())

    def count(self) -> int:
        return sum(sum(part.values()) for part in self._c.view("counts", _counts))

    def _change(self, comment_id: int, fields: dict[str, Any]) -> Comment:
        doc = self._c.update(comment_id, lambda d: {**d, **fields})
        if doc is None:
            raise NotFound(f"comment {comment_id}")
        return Comment.from_doc(doc, comment_id)


def _by_idea(records: dict[int, dict[str, Any]]) -> dict[int, list[Comment]]:
    found: dict[int, list[Comment]] = {}
    for comment_id, doc in sorted(records.items(), key=lambda item: item[1]["created_at"]):
        found.setdefault(doc["idea_id"], []).append(Comment.from_doc(doc, comment_id))
    return found


def _counts(records: dict[int, dict[str, Any]]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for doc in records.values():
        if not doc.get("hidden"):
            counts[doc["idea_id"]] = counts.get(doc["idea_id"], 0) + 1
    return counts
