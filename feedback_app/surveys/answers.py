"""What one customer told us in surveys, for staff deciding about them (a testimonial to
approve, a follow-up to call): the answer that led there first, then the address's others.

No Flask: a store in, answers out.
"""

from __future__ import annotations

import contextlib

from ..store import NotFound, Store, SurveyResponse
from ..store.models import normalise_email

__all__ = ["customer_answers"]


def customer_answers(
    store: Store, email: str, survey_id: int | None = None, limit: int = 10
) -> list[SurveyResponse]:
    """The answer `survey_id` (when it still exists: it may have been erased), then the other
    answers from `email`, newest first; at most `limit`."""
    found: list[SurveyResponse] = []
    if survey_id is not None:
        with contextlib.suppress(NotFound):
            found.append(store.surveys.get(survey_id))
    if email:
        found += [a for a in store.surveys.find(email=normalise_email(email))
                  if a.id != survey_id]  # fmt: skip
    return found[:limit]
