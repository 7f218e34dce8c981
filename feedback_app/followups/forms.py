"""The staff forms of a follow-up: record a step, give it to someone else."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired

from ..forms import VoiceboxForm, text_area
from ..store.models import FollowUpState

__all__ = ["STATE_FILTER_LABELS", "STATE_LABELS", "MoveForm", "OwnerForm"]

STATE_LABELS = {
    FollowUpState.OPEN: _l("Open"),
    FollowUpState.CONTACTED: _l("Contacted"),
    FollowUpState.RESOLVED: _l("Resolved"),
}
# The list's state filter (see queue.STATE_FILTERS), in the order offered.
STATE_FILTER_LABELS = {
    "active": _l("Not resolved yet"),
    "overdue": _l("Overdue"),
    "open": _l("Open"),
    "contacted": _l("Contacted"),
    "resolved": _l("Resolved"),
    "all": _l("All"),
}


class _Step(VoiceboxForm):
    # How many steps the follow-up had when the page was shown: a form sent twice records once
    # (anything else is a step nobody saw, refused by the service as such).
    seen = HiddenField()


class MoveForm(_Step):
    state = SelectField(
        _l("State"), choices=[SelectChoice(s.value, label) for s, label in STATE_LABELS.items()]
    )
    note = text_area(_l("Note (for the team)"), max_length=4000, required=False)
    outcome = text_area(_l("Outcome (needed to resolve)"), max_length=2000, required=False)
    customer_note = text_area(
        _l("Personal note emailed to the customer on resolving (optional)"),
        max_length=4000, required=False,
    )  # fmt: skip


class OwnerForm(_Step):
    # Empty at first (see routes._owner_choices): the current owner is not offered, so pressing
    # "Reassign" straight away asks for someone instead of refusing the one already chosen.
    owner = SelectField(
        _l("New owner"), choices=[], validators=[InputRequired(_l("Choose who takes it over."))]
    )
