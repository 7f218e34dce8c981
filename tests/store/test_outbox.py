"""The outbox and the job queue as the store offers them, on every shard layout."""

from __future__ import annotations

from datetime import timedelta

from feedback_app.store import Job, Message, MessageState, Outcome, Store, utcnow


def test_keyed_messages_are_stored_once(store: Store) -> None:
    batch = [(f"job-1:{n}", Message(f"p{n}@example.com", "Новини", "Текст")) for n in range(12)]
    assert store.messages.enqueue_keyed(batch) == 12
    assert store.messages.enqueue_keyed([*batch[:5], ("job-2:0", batch[0][1])]) == 1
    assert sorted(m.to for m in store.messages.all()).count("p0@example.com") == 2


def test_a_claimed_job_is_not_claimed_again_until_its_lease_runs_out(store: Store) -> None:
    job = store.jobs.add(Job("follower_news", {"idea_id": 3, "headline": "Статус"}))
    now = utcnow()
    lease = timedelta(seconds=60)
    assert [j.id for j in store.jobs.claim(lease, now)] == [job.id]
    assert store.jobs.claim(lease, now + timedelta(seconds=30)) == []
    again = store.jobs.claim(lease, now + timedelta(seconds=61))
    assert [j.payload["headline"] for j in again] == ["Статус"]
    store.jobs.finish([job.id], now)
    assert store.jobs.claim(lease, now + timedelta(hours=1)) == []
    assert store.jobs.prune(now + timedelta(seconds=1)) == 1 and store.jobs.all() == []


def test_outcomes_are_recorded_per_message(store: Store) -> None:
    ids = [store.messages.enqueue(Message(f"p{n}@example.com", "Hi", "Body")).id for n in range(3)]
    now = utcnow()
    assert len(store.messages.claim_due(timedelta(seconds=60), now)) == 3
    retry = now + timedelta(minutes=5)
    store.messages.settle({ids[0]: Outcome(sent=True), ids[1]: Outcome(error="451", retry_at=retry),
                           ids[2]: Outcome(released=True)})  # fmt: skip
    states = {m.id: m for m in store.messages.all()}
    assert states[ids[0]].state is MessageState.SENT and states[ids[0]].attempts == 1
    assert states[ids[1]].state is MessageState.QUEUED and states[ids[1]].last_error == "451"
    assert states[ids[2]].attempts == 0 and states[ids[2]].lease_until is None
    assert [m.id for m in store.messages.claim_due(timedelta(seconds=60), now)] == [ids[2]]
