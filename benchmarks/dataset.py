"""A large synthetic board: ideas, votes and comments, written through the store in bulk."""

from __future__ import annotations

import argparse
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

from feedback_app.store import Comment, Idea, IdeaStatus, Stance, Store, Vote, utcnow

__all__ = [
    "FIRST_SEEDED_USER", "SCALES", "TAGS", "USERS", "board_arguments", "parse_board_arguments",
    "seed_board",
]  # fmt: skip

USERS = 20_000
# Seeded voters and authors get ids far above those of real accounts, so a person who signs
# up during a benchmark can never find a vote already cast in their name.
FIRST_SEEDED_USER = 1_000_000
WORDS = ["oat", "milk", "cup", "decaf", "tea", "app", "rewards", "store", "vegan", "pastry",
         "кава", "чай", "咖啡", "caffè", "kape"]  # fmt: skip
TAGS = ["seasonal", "loyalty", "packaging", "accessibility", "vegan"]
# Most ideas stay new; the rest spread over the statuses a moderated board shows, all still
# open to votes.
STATUS_WEIGHTS = {
    IdeaStatus.NEW: 70, IdeaStatus.UNDER_REVIEW: 10, IdeaStatus.PLANNED: 5,
    IdeaStatus.IN_PROGRESS: 3, IdeaStatus.IMPLEMENTED: 5, IdeaStatus.NOT_PLANNED: 7,
}  # fmt: skip

# (ideas, votes, comments): today's size, and IdeaStorm's numbers rounded up (16,000 ideas,
# 662,000 promotions, 92,000 comments).
SCALES = {
    "default": (10_000, 100_000, 20_000),
    "ideastorm": (20_000, 1_000_000, 100_000),
}


def board_arguments(description: str) -> argparse.ArgumentParser:
    """The options every board benchmark takes: the backend, the data's size, the output."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument(
        "--backend",
        choices=["tinydb", "postgresql"],
        default="tinydb",
        help="postgresql: VOICEBOX_DATABASE_URL, or a throwaway server",
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="default")
    parser.add_argument("--ideas", type=int, help="override the scale's number of ideas")
    parser.add_argument("--votes", type=int, help="... of votes")
    parser.add_argument("--comments", type=int, help="... of comments")
    return parser


def parse_board_arguments(parser: argparse.ArgumentParser, argv: list[str] | None) -> Any:
    """The parsed options, with the sizes the scale gives where none was given."""
    args = parser.parse_args(argv)
    ideas, votes, comments = SCALES[args.scale]
    args.ideas = args.ideas or ideas
    args.votes = args.votes or votes
    args.comments = args.comments if args.comments is not None else comments
    return args


def seed_board(store: Store, ideas: int, votes: int, comments: int, seed: int = 1) -> list[int]:
    """Fill `store`; returns the idea ids. Each (idea, person) pair votes at most once. The
    same seed gives the same board on every backend (only the ids differ)."""
    rng = random.Random(seed)
    now = utcnow()
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    batch = []
    for n in range(ideas):
        idea = Idea(
            " ".join(rng.choices(WORDS, k=5)) + f" #{n}",
            " ".join(rng.choices(WORDS, k=40)),
            rng.choice(["Drinks", "Food", "Stores", "App & ordering"]),
            author_id=FIRST_SEEDED_USER + rng.randrange(USERS),
            tags=sorted(set(rng.sample(TAGS, k=rng.choice([0, 0, 1, 1, 2])))),
            status=rng.choices(statuses, weights)[0],
        )
        idea.created_at = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        batch.append(idea)
    ids = store.ideas.add_many(batch)
    pairs: set[tuple[int, int]] = set()  # (idea's index, person): the same on every backend
    while len(pairs) < votes:
        pairs.add((rng.randrange(len(ids)), FIRST_SEEDED_USER + rng.randrange(USERS)))
    store.votes.cast_many(
        Vote(ids[i], u, 1 if rng.random() < 0.8 else -1) for i, u in sorted(pairs)
    )
    store.comments.add_many(
        Comment(rng.choice(ids), FIRST_SEEDED_USER + rng.randrange(USERS),
                " ".join(rng.choices(WORDS, k=20)), rng.choice(list(Stance)))
        for _ in range(comments)
    )  # fmt: skip
    return ids
