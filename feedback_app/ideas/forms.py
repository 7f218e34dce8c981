"""Forms of the idea board."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional, StopValidation

from ..forms import PlainSelect, VoiceboxForm, text_area, text_field
from ..store import SORTS, IdeaStatus, Stance
from ..store.models import ResponseTemplate
from ..templating import STATUS_LABELS, status_label

__all__ = [
    "CommentForm",
    "EditCommentForm",
    "EditIdeaForm",
    "FilterForm",
    "IdeaForm",
    "MergeForm",
    "PageForm",
    "StatusForm",
    "VoteForm",
    "WholeNumberField",
]

# The largest id or page number any form accepts: every real one is far below it, and it keeps
# numbers within what every store backend (a PostgreSQL bigint, say) can hold.
MAX_NUMBER = 2**63 - 1
_WHOLE_NUMBER = re.compile(r"\s*([+-]?)(\d+)\s*")
_BEYOND_ANY_RANGE = 10**19


class WholeNumberField(IntegerField):
    """An integer field that reads any whole number, however long, without failing.

    WTForms' NumberRange calls `math.isnan`, which overflows above about 10**308, and `int()`
    refuses more than 4300 digits: either would answer 500. A number of twenty digits or more
    is read as 10**19 (with its sign), beyond every range, so the field's range check answers
    with its own message. Text that is no number gets `invalid`, and only that message.
    """

    def __init__(self, *args: Any, invalid: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or valuelist[0] == "":
            return  # InputRequired or Optional decides about an empty field
        found = _WHOLE_NUMBER.fullmatch(str(valuelist[0]))
        if found is None:
            raise ValueError(self.invalid or self.gettext("Not a valid integer value."))
        sign, digits = found.groups()
        size = int(digits) if len(digits) < 20 else _BEYOND_ANY_RANGE
        self.data = -size if sign == "-" else size

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:  # not a number: no range message on top of saying so
            raise StopValidation()


def _categories() -> list[SelectChoice]:
    return [SelectChoice(c, c) for c in current_app.config["CATEGORIES"]]


class IdeaForm(VoiceboxForm):
    title = text_field(_l("Your idea in one line"), max_length=120)
    description = text_area(_l("Tell us more"), max_length=5000)
    category = SelectField(_l("Category"))
    tags = text_field(_l("Tags (optional, separated by commas)"), max_length=160, required=False)
    confirmed = HiddenField(default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = _categories()


class VoteForm(VoiceboxForm):
    value = StringField(validators=[AnyOf(["1", "-1", "0"], message=_l("Unknown vote."))])


STANCE_LABELS = {Stance.PRO: _l("Pro"), Stance.CON: _l("Con"), Stance.NEUTRAL: _l("Comment")}


class CommentForm(VoiceboxForm):
    body = text_area(_l("Your comment"), max_length=2000)
    stance = RadioField(
        _l("Your comment is"),
        choices=[SelectChoice(s.value, label) for s, label in STANCE_LABELS.items()],
        default=Stance.NEUTRAL.value,
    )


class EditCommentForm(VoiceboxForm):
    body = text_area(_l("Your comment"), max_length=2000)


STATUS_CHOICES = [
    SelectChoice(s.value, STATUS_LABELS[s]) for s in IdeaStatus if s is not IdeaStatus.DUPLICATE
]
NOTIFY_LABEL = _l("Email the voters and followers about this change")


class StatusForm(VoiceboxForm):
    """A status with its official response. `replies` (id, name) offers the saved responses:
    "Use this response" (`use_reply`) puts the chosen one into the response box, without
    JavaScript; nothing is saved until the status button is pressed."""

    status = SelectField(_l("New status"), choices=STATUS_CHOICES)
    reply = SelectField(_l("Saved response"), choices=[], validate_choice=False)
    use_reply = SubmitField(_l("Use this response"))
    response = text_area(_l("Official response (Markdown)"), max_length=5000)
    # One line: it is shown inline ("What changed: …") in the app, on the site and in the feed.
    changed_note = text_field(
        _l("What changed (needed for implemented)"), max_length=300, required=False
    )
    changed_on = DateField(_l("Changed on"), validators=[Optional()])
    notify = BooleanField(NOTIFY_LABEL, default=True)

    def __init__(self, *args: Any, replies: Sequence[ResponseTemplate] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each option carries its words and status: board.js fills the form when one is chosen.
        self.reply.choices = [SelectChoice("", gettext("Choose a saved response"))] + [
            SelectChoice(str(r.id), f"{STATUS_LABELS[r.status]}: {r.name}",
                         render_kw={"data-body": r.body, "data-status": r.status.value})
            for r in replies
        ]  # fmt: skip

    def validate(self, extra_validators: Any = None) -> bool:
        """The note is optional except for implemented ideas; said beside the note itself (the
        service enforces the same rule). A field-level check would be cut short by Optional."""
        valid = super().validate(extra_validators)
        done = {s.value for s in IdeaStatus if s.is_done}
        if self.status.data in done and not self.changed_note.data:
            self.changed_note.errors = [
                *self.changed_note.errors,
                _l("Say what changed: customers and the published site show it."),
            ]
            return False
        return valid


class MergeForm(VoiceboxForm):
    """Merge into the idea whose "Merge into this" button was pressed (its id is the button's
    value), with the official response the duplicate's followers read."""

    original = WholeNumberField(
        _l("The original idea"),
        validators=[
            InputRequired(_l("Find the original idea and press “Merge into this”.")),
            NumberRange(min=1, max=MAX_NUMBER, message=_l("No idea has that number.")),
        ],
        invalid=_l("Find the original idea and press “Merge into this”."),
    )
    # Named apart from the status form's response, which is on the same page.
    response = text_area(_l("Official response on the duplicate (Markdown)"), max_length=5000)
    notify = BooleanField(NOTIFY_LABEL, default=True)


class EditIdeaForm(VoiceboxForm):
    """Staff correct an idea's words (a typo, a title that says nothing); the audit log keeps
    what it said before."""

    title = text_field(_l("Title"), max_length=120)
    description = text_area(_l("Description"), max_length=5000)


class PageForm(VoiceboxForm):
    """Which page of a list, read from the query string (no CSRF: it only reads)."""

    class Meta:
        csrf = False

    page = WholeNumberField(default=1, validators=[Optional(), NumberRange(min=1, max=100_000)])

    @property
    def number(self) -> int:
        """The page to show: the one asked for, or the first when none or no number was given."""
        return self.page.data if self.page.data and not self.page.errors else 1

    @property
    def out_of_range(self) -> bool:
        """A page number was asked for that no list has (`?page=abc` just means the first)."""
        return bool(self.page.errors) and not self.page.process_errors


class FilterForm(PageForm):
    """The board's search and filters, read from the query string."""

    q = StringField(_l("Search ideas"))
    sort = SelectField(choices=[SelectChoice(s, s) for s in SORTS], default="trending")
    category = SelectField(_l("Category"), widget=PlainSelect())
    status = SelectField(_l("Status"), widget=PlainSelect())
    tag = StringField()
    mine = StringField()
    voted = StringField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Translated now, once: every list page renders these options.
        self.category.choices = [SelectChoice("", gettext("All categories")), *_categories()]
        self.status.choices = [SelectChoice("", gettext("Any status"))] + [
            SelectChoice(s.value, status_label(s)) for s in IdeaStatus
        ]
