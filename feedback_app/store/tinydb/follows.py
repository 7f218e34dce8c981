"""Who follows an idea. Authors and voters follow automatically; anyone may follow or stop.

Only explicit choices are stored (follow / unfollow); `followers()` combines them with the
automatic followers, so an unfollow also silences an author or a voter.
"""

from __future__ import annotations

from typing import Any

from ..models import follower_set
from .collection import Collection

__all__ = ["Follows"]

FOLLOW, UNFOLLOW = "follow", "unfollow"


class Follows:
    def __init__(self, collection: Collection) -> None:
        self._c = collection

    def set(self, idea_id: int, user_id: int, following: bool) -> None:
        choice = FOLLOW if following else UNFOLLOW
        with self._c.shard_writing(idea_id) as db:
            table = db.table(self._c.name)
            found = self._index(idea_id).get(idea_id, {}).get(user_id)
            if found is None:
                table.insert({"idea_id": idea_id, "user_id": user_id, "choice": choice})
            else:
                table.update({"choice": choice}, doc_ids=[found[0]])

    def choices(self, idea_id: int) -> dict[int, bool]:
        """Explicit choices on an idea: user id -> following."""
        chosen = self._index(idea_id).get(idea_id, {})
        return {user: choice == FOLLOW for user, (_, choice) in chosen.items()}

    def followers(self, idea_id: int, automatic: set[int]) -> set[int]:
        """Everyone who should hear about the idea: `automatic` followers plus explicit follows,
        minus explicit unfollows."""
        return follower_set(automatic, self.choices(idea_id))

    def _index(self, idea_id: int) -> dict[int, dict[int, tuple[int, str]]]:
        return self._c.shard_view(idea_id, "index", _by_idea, raw=True)


def _by_idea(table: dict[str, dict[str, Any]]) -> dict[int, dict[int, tuple[int, str]]]:
    """Idea -> person -> (TinyDB document id, their choice), for one file."""
    index: dict[int, dict[int, tuple[int, str]]] = {}
    for doc_id, doc in table.items():
        index.setdefault(doc["idea_id"], {})[doc["user_id"]] = (int(doc_id), doc["choice"])
    return index
