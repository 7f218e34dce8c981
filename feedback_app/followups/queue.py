"""Which follow-ups a list shows: by state (with "overdue", the dashboard's link, and "active",
everything not resolved yet) and by owner. No Flask: a store in, follow-ups out.
"""

from __future__ import annotations

from datetime import datetime

from ..store import FollowUp, Store
from ..store.models import FollowUpState

__all__ = ["NOBODY", "STATE_FILTERS", "followups_for"]

# "active": open or contacted; "overdue": open and past its due time (`FollowUp.overdue`).
STATE_FILTERS = ("active", "overdue", "open", "contacted", "resolved", "all")
NOBODY = "none"  # the owner filter's value for follow-ups nobody owns


def _state_matches(followup: FollowUp, state: str, now: datetime) -> bool:
    if state == "all":
        return True
    if state == "active":
        return followup.state is not FollowUpState.RESOLVED
    if state == "overdue":
        return followup.overdue(now)
    return followup.state.value == state


def followups_for(store: Store, state: str, owner: str, now: datetime) -> list[FollowUp]:
    """The follow-ups in `state` (one of STATE_FILTERS; anything else is "active") owned by
    `owner` (a user id, NOBODY, or "" for anyone): overdue ones first, then by due time,
    resolved ones last."""
    state = state if state in STATE_FILTERS else "active"
    found = [
        f for f in store.followups.all()
        if _state_matches(f, state, now)
        and (not owner or str(f.owner_id) == owner or (owner == NOBODY and f.owner_id is None))
    ]  # fmt: skip
    return sorted(found, key=lambda f: (f.state is FollowUpState.RESOLVED, not f.overdue(now),
                                        f.due_at))  # fmt: skip
