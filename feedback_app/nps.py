"""Net Promoter Score maths, without Flask: the console's charts and the published site's
figure count the same answers the same way."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["SCORED_QUESTIONS", "NpsGroups", "percent"]

# The answers that carry the 0-10 "would you recommend us?" score.
SCORED_QUESTIONS = ("survey", "checkin")


def percent(part: int, whole: int) -> int | None:
    """`part` of `whole` in whole percent, halves rounded away from zero; None of nothing."""
    if not whole:
        return None
    exact = Decimal(100 * part) / Decimal(whole)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class NpsGroups:
    """Scored answers by Net Promoter group, and the score they make: promoters (9-10) minus
    detractors (0-6), as a share of every answer."""

    promoters: int
    passives: int
    detractors: int

    @classmethod
    def counted(cls, categories: Counter[str]) -> NpsGroups:
        return cls(categories["promoter"], categories["passive"], categories["detractor"])

    @property
    def answers(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def nps(self) -> int | None:
        """-100 to 100; None without answers (no score, not a score of 0)."""
        if not self.answers:
            return None
        return percent(self.promoters - self.detractors, self.answers)
