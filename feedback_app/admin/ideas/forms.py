"""The idea queue's forms: which ideas to list, a decision for several at once, and a saved
response."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired

from ...forms import PlainSelect, VoiceboxForm, text_area, text_field
from ...ideas.forms import NOTIFY_LABEL, STATUS_CHOICES, PageForm
from ...ideas.moderation import Show
from ...store import IdeaStatus
from ...templating import status_label

__all__ = ["SPAM", "BulkForm", "QueueFilter", "ReplyForm"]

SHOW_LABELS = {
    Show.UNANSWERED: _l("Without an official response"),
    Show.NEW: _l("New"),
    Show.ALL: _l("All ideas"),
}
SPAM = "spam"


class QueueFilter(PageForm):
    """Which ideas the queue lists, read from the query string."""

    show = SelectField(_l("Show"), choices=[SelectChoice(s.value, label)
                                            for s, label in SHOW_LABELS.items()],
                       default=Show.UNANSWERED.value, widget=PlainSelect())  # fmt: skip
    status = SelectField(_l("Status"), widget=PlainSelect())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [SelectChoice("", gettext("Any status"))] + [
            SelectChoice(s.value, status_label(s)) for s in IdeaStatus
        ]

    @property
    def chosen_show(self) -> Show:
        return (
            Show(self.show.data)
            if self.show.data in set(Show) and not self.show.errors
            else Show.UNANSWERED
        )

    @property
    def chosen_status(self) -> IdeaStatus | None:
        ok = self.status.data and not self.status.errors
        return IdeaStatus(self.status.data) if ok else None


class BulkForm(VoiceboxForm):
    """One decision for the ideas ticked in the list: a status (with one response for all) or
    archiving them as spam."""

    ids = SelectMultipleField(
        coerce=int, validate_choice=False, validators=[InputRequired(_l("Tick at least one idea."))]
    )
    action = SelectField(
        _l("With the ticked ideas"),
        choices=[SelectChoice(SPAM, _l("Archive as spam (nobody is emailed)")), *STATUS_CHOICES],
    )
    response = text_area(_l("Official response (Markdown)"), max_length=5000, required=False)
    notify = BooleanField(NOTIFY_LABEL, default=True)


class ReplyForm(VoiceboxForm):
    name = text_field(_l("Name (staff see it when they choose)"), max_length=80)
    status = SelectField(_l("Offered for the status"), choices=STATUS_CHOICES)
    body = text_area(_l("Response (Markdown)"), max_length=5000)
