"""A large synthetic board: ideas, votes and comments, written through the store in bulk."""

from __future__ import annotations

import argparse
import random
from datetime import timedelta
from pathlib import Path

from feedback_app.store import Comment, Idea, Stance, Store, Vote, utcnow

__all__ = ["FIRST_SEEDED_USER", "USERS", "board_arguments", "seed_board"]

USERS = 20_000
# Seeded voters and authors get ids far above those of real accounts, so a person who signs
# up during a benchmark can never find a vote already cast in their name.
FIRST_SEEDED_USER = 1_000_000
WORDS = ["oat", "milk", "cup", "decaf", "tea", "app", "rewards", "store", "vegan", "pastry",
         "кава", "чай", "咖啡", "caffè", "kape"]  # fmt: skip


def board_arguments(description: str) -> argparse.ArgumentParser:
    """The options every board benchmark takes: the output file and the data's size."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=20_000)
    return parser


def seed_board(store: Store, ideas: int, votes: int, comments: int, seed: int = 1) -> list[int]:
    """Fill `store`; returns the idea ids. Each (idea, person) pair votes at most once."""
    rng = random.Random(seed)
    now = utcnow()
    batch = []
    for n in range(ideas):
        idea = Idea(
            " ".join(rng.choices(WORDS, k=5)) + f" #{n}",
            " ".join(rng.choices(WORDS, k=40)),
            rng.choice(["Drinks", "Food", "Stores", "App & ordering"]),
            author_id=FIRST_SEEDED_USER + rng.randrange(USERS),
        )
        idea.created_at = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        batch.append(idea)
    ids = store.ideas.add_many(batch)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < votes:
        pairs.add((rng.choice(ids), FIRST_SEEDED_USER + rng.randrange(USERS)))
    store.votes.cast_many(Vote(i, u, 1 if rng.random() < 0.8 else -1) for i, u in pairs)
    store.comments.add_many(
        Comment(rng.choice(ids), FIRST_SEEDED_USER + rng.randrange(USERS),
                " ".join(rng.choices(WORDS, k=20)), rng.choice(list(Stance)))
        for _ in range(comments)
    )  # fmt: skip
    return ids
