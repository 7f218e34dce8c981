"""Mail outbox benchmark: batched claims and pruning against the per-message way, same run.

    python -m benchmarks.mail [--json FILE] [--kept 40000] [--repeat 5]

Measures one claim of 250 and of 1,000 due messages (one write per file), beside the reference
that the outbox used before: one rewrite of the file per claimed message, on the same data in
the same run. Then queuing one message with `--kept` sent messages kept in the outbox, beside
the same after pruning them (VOICEBOX_MAIL_KEEP_DAYS). Prints a Markdown table; `--json`
writes it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.common import Target, peak_rss_mb, report, timed
from feedback_app.store import Message, MessageState, Store, TinyStore, utcnow

LEASE = timedelta(seconds=60)


def _seed_queued(store: Store, count: int) -> None:
    now = utcnow() - timedelta(minutes=1)
    docs = [Message(f"p{n}@example.com", "Привіт", "Body " * 40, next_attempt_at=now).to_doc()
            for n in range(count)]  # fmt: skip
    store.collections["messages"].insert_many(docs)


def _claim_per_message(store: Store, now: datetime) -> int:
    """The outbox's claim before batching: the whole file rewritten once per message."""
    collection = store.collections["messages"]
    claimed = 0
    for index, shard in enumerate(collection.shards):
        with shard.writing() as db:
            table = db.table(collection.name)
            for doc in table.all():
                message = Message.from_doc(dict(doc), collection.join_id(index, doc.doc_id))
                lease = message.lease_until
                if message.state is MessageState.QUEUED and (lease is None or lease <= now):
                    until = (now + LEASE).isoformat()
                    table.update({"lease_until": until}, doc_ids=[doc.doc_id])
                    claimed += 1
    return claimed


def _claims(root: Path, count: int, repeat: int) -> tuple[list[float], list[float]]:
    """Milliseconds per claim of `count` due messages: batched, then per message."""
    store = TinyStore(root / f"claim-{count}")
    _seed_queued(store, count)
    batched, reference = [], []
    moment = utcnow()
    for _ in range(repeat):
        moment += 2 * LEASE  # every lease of the previous round has run out
        start = time.perf_counter()
        assert len(store.messages.claim_due(LEASE, moment)) == count
        batched.append((time.perf_counter() - start) * 1000)
        moment += 2 * LEASE
        start = time.perf_counter()
        assert _claim_per_message(store, moment) == count
        reference.append((time.perf_counter() - start) * 1000)
    return batched, reference


def _enqueues(root: Path, kept: int, repeat: int) -> tuple[list[float], list[float]]:
    """Milliseconds to queue one message with `kept` sent messages kept, then after pruning."""
    store = TinyStore(root / "enqueue")
    sent_at = (utcnow() - timedelta(days=60)).isoformat()
    docs = [{**Message(f"s{n}@example.com", "Hi", "Body " * 40).to_doc(),
             "state": MessageState.SENT.value, "sent_at": sent_at, "attempts": 1}
            for n in range(kept)]  # fmt: skip
    store.collections["messages"].insert_many(docs)

    def enqueue() -> None:
        store.messages.enqueue(Message("new@example.com", "Hi", "Body"))

    with_kept = timed(enqueue, repeat)
    pruned = store.messages.prune(utcnow() - timedelta(days=30))
    assert pruned == kept, pruned
    return with_kept, timed(enqueue, repeat)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--kept", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        c250, r250 = _claims(root, 250, args.repeat)
        c1000, r1000 = _claims(root, 1000, args.repeat)
        kept, pruned = _enqueues(root, args.kept, args.repeat * 4)
    med = statistics.median
    rows = {
        "claim_250_ms": Target(med(c250), 100),
        "claim_250_reference_ms": Target(med(r250)),
        "claim_1000_ms": Target(med(c1000), 300),
        "claim_1000_reference_ms": Target(med(r1000)),
        "claim_1000_speedup": Target(med(r1000) / med(c1000), 5, at_least=True),
        f"enqueue_with_{args.kept}_sent_kept_ms": Target(med(kept)),
        "enqueue_after_pruning_ms": Target(med(pruned), 10),
        "peak_rss_mb": Target(peak_rss_mb()),
    }
    ok = report(
        f"Mail outbox benchmark: claims of 250 and 1,000 due messages, and queuing one message "
        f"with {args.kept:,} sent messages kept (medians of {args.repeat} runs; the references "
        "are measured in this run)",
        rows,
        args.json,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
