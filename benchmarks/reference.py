"""The references a store's concurrent votes are measured against, in the same run.

- PostgreSQL: the same vote as plain SQL through psycopg, the least any store could do for
  it: one transaction of two statements (store the vote, bump the idea's tally), committed
  durably, with no pool, no checks and no retry.
- TinyDB: the machine's ceiling for what every TinyDB write is, a durable atomic replace of a
  small file (write a temporary file, fsync it, rename it over the old one, fsync the folder).

Each runs in its own process, like the store's voters; `votes` says how many to do.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

__all__ = ["FILE_BYTES", "replace_files", "sql_votes"]

FILE_BYTES = 4096


def sql_votes(url: str, ideas: list[int], first_user: int, votes: int, seed: int) -> list[float]:
    """Cast `votes` new votes as plain SQL; return each one's milliseconds."""
    import psycopg

    rng = random.Random(seed)
    latencies = []
    with psycopg.connect(url) as conn:
        for n in range(votes):
            idea = rng.choice(ideas)
            start = time.perf_counter()
            conn.execute(
                "INSERT INTO votes (idea_id, user_id, value, at) VALUES (%s, %s, 1, now())",
                (idea, first_user + n),
            )
            conn.execute("UPDATE idea_ranks SET promotes = promotes + 1 WHERE id = %s", (idea,))
            conn.commit()
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def replace_files(folder: Path, votes: int, seed: int) -> list[float]:
    """Replace a 4 KB file durably and atomically `votes` times; return the milliseconds."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    target, scratch = folder / f"{seed}.json", folder / f"{seed}.json.tmp"
    directory = os.open(folder, os.O_RDONLY)
    latencies = []
    try:
        for _ in range(votes):
            data = rng.randbytes(FILE_BYTES)
            start = time.perf_counter()
            fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(scratch, target)
            os.fsync(directory)
            latencies.append((time.perf_counter() - start) * 1000)
    finally:
        os.close(directory)
    return latencies
