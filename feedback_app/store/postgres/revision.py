"""The board's revision on PostgreSQL: a sequence that every write to the board advances.

Triggers on `ideas` and `idea_ranks` (schema version 2, see migrations.py) cover every
writer, whatever its code: a vote or a comment moves the idea's ranking row, an edit, a
status change or a merge writes the idea, a restore truncates both. Each such statement takes
the board's advisory lock in shared mode, kept until its transaction ends, and then advances
the sequence. The sequence is not transactional: its new value is visible at once, before the
change that advanced it is committed. A reader that took the value and read the data straight
after could read the data without that change and keep it under the new value, stale for as
long as nothing else changed. So a value is settled only when, after it was read, nobody held
the lock: every writer counted in it had ended (committed, rolled back, or its session died),
and the data read from then on holds all that was committed.

Nothing here puts writers in a line: shared holders of the lock never wait for one another,
and a sequence is advanced without waiting for any transaction. Only the settled read (made
when a page is about to be kept, not on every request) tries the lock exclusively, for the
length of one statement, and gives up at once when a writer holds it.

Against the other way round (advancing the sequence after the commit, from the app): a
process that died between its commit and the advance would leave its change uncounted, and
every writer would have to remember to advance it; here the database does both.
"""

from __future__ import annotations

from .database import Database

__all__ = ["BOARD_LOCK_KEY", "PgBoardRevision"]

# An advisory lock key of the board's own: outside the range of `hashtext` (the named locks'
# keys, see store.py) and different from the migrations' lock.
BOARD_LOCK_KEY = 0x566F_6963_426F_6172  # "VoicBoar"

_VALUE = "SELECT last_value FROM board_revision"
# Sent alone (`Database.read_alone`), the statement is its own transaction: the lock, when
# taken, is given back as it ends, whatever happens to it; writers wait no longer than that.
_NO_WRITER = f"SELECT pg_try_advisory_xact_lock({BOARD_LOCK_KEY})"


class PgBoardRevision:
    def __init__(self, db: Database) -> None:
        self._db = db

    def read(self, settled: bool = False) -> int | None:
        """The sequence's value; with `settled`, None while a writer counted in it may still
        be committing. The value is read first, then the lock tried: a writer that advanced
        the sequence before the value was read took the lock before advancing it, so it is
        either seen holding the lock or has ended."""
        value = int(self._db.read_alone(_VALUE) or 0)
        if settled and self._db.read_alone(_NO_WRITER) != "t":
            return None
        return value
