"""Copying one store into another, verified: what `voicebox migrate` does.

The copy reads the source at one moment (`exporting`: a TinyDB folder's every lock is held,
so stop the app first or its writes wait for the copy) and appends its records to the target
batch by batch, ids kept. Every batch is its own transaction, and appending skips records
already there, so a copy killed at any point (even with `kill -9`) is simply run again: it
goes on where it stopped. Progress is kept in the target (its status record `migration`:
which source, which collections are done), so running the same copy again needs no `--yes`,
while any other data in the target is never overwritten without it.

Then it verifies: every collection's record count and SHA-256, over the same canonical
encoding snapshots use (`snapshot.Digest`), read back from the target and compared with what
was read from the source. The copy is marked done only when every one matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .contract import COLLECTIONS, Store
from .errors import StoreError
from .models import utcnow
from .snapshot import Digest, canonical_lines

__all__ = ["STATUS", "Migration", "NotEmpty", "migrate"]

# The target's status record holding the copy's progress.
STATUS = "migration"


class NotEmpty(StoreError):
    """The target holds records that are not an unfinished copy of this source."""


@dataclass
class Migration:
    """What a run did: per collection the records read from the source and whether the
    target's count and checksum match them."""

    source: str
    target: str
    resumed: bool = False
    already_done: bool = False
    records: dict[str, int] = field(default_factory=dict)
    matches: dict[str, bool] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return len(self.matches) == len(COLLECTIONS) and all(self.matches.values())


def migrate(
    source: Store,
    target: Store,
    replace_existing: bool = False,
    copied: Callable[[str, int], None] = lambda collection, records: None,
) -> Migration:
    """Copy every record of `source` into `target`, then verify the copy. `copied(collection,
    records)` is called as each collection is done. Raise NotEmpty when the target holds
    other data and `replace_existing` is false."""
    run = Migration(source.location, target.location)
    state: dict[str, Any] = target.status.get(STATUS) or {}
    ours = state.get("source") == source.location
    if ours and state.get("state") == "copying":
        run.resumed = True
    elif not _is_empty(target):
        if not replace_existing and not (ours and state.get("state") == "done"):
            raise NotEmpty(
                f"{target.location} already holds records; run again with --yes to replace "
                f"them with a copy of {source.location}"
            )
        if replace_existing:
            target.clear()
            state = {}
        else:
            run.already_done = True
    if not run.resumed and not run.already_done:
        state = {"source": source.location, "state": "copying", "copied": []}
        state["started_at"] = utcnow().isoformat()
        target.status.put(STATUS, state)
    done = set(COLLECTIONS) if run.already_done else set(state.get("copied", []))
    digests = _copy(source, target, done, state, copied)
    # The signing key moves too: sessions, form tokens and the unsubscribe links already
    # mailed keep working once the app runs on the copy.
    target.adopt_secret_key(source.secret_key())
    theirs = _digests(target)
    for name, digest in digests.items():
        run.records[name] = digest.records
        run.matches[name] = theirs[name].summary() == digest.summary()
    if not run.already_done:
        state["state"] = "done" if run.verified else "differs"
        state["finished_at"] = utcnow().isoformat()
        target.status.put(STATUS, state)
    return run


def _copy(
    source: Store,
    target: Store,
    done: set[str],
    state: dict[str, Any],
    copied: Callable[[str, int], None],
) -> dict[str, Digest]:
    """Append what `done` lacks; return the source's digests (read in the same moment)."""
    digests: dict[str, Digest] = {}
    with source.exporting() as export:
        for name in COLLECTIONS:
            digest = digests[name] = Digest()
            for batch in export(name):
                for line in canonical_lines(source.location, name, [batch]):
                    digest.add(line)
                if name not in done:
                    target.append(name, batch)
            if name not in done:
                state["copied"] = [*state.get("copied", []), name]
                target.status.put(STATUS, state)
            copied(name, digest.records)
    return digests


def _digests(store: Store) -> dict[str, Digest]:
    digests: dict[str, Digest] = {}
    with store.exporting() as export:
        for name in COLLECTIONS:
            digest = digests[name] = Digest()
            for line in canonical_lines(store.location, name, export(name), models=False):
                digest.add(line)
    return digests


def _is_empty(store: Store) -> bool:
    with store.exporting() as export:
        return not any(next(export(name), None) for name in COLLECTIONS)
