"""Forms of testimonials: the customer's form, the answer to an edit, and staff decisions."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, ValidationError

from ..forms import HoneypotForm, VoiceboxForm, email_field, text_area, text_field
from ..store.models import QUOTE_LENGTH, ConnectionKind, CreditStyle
from ..textrules import multi_line

__all__ = [
    "EditForm", "RejectForm", "ReviewEditForm", "TagsForm", "TestimonialForm", "photo_limit",
]  # fmt: skip

CREDIT_LABELS = {
    CreditStyle.FULL: _l("My full name"),
    CreditStyle.FIRST_INITIAL: _l("First name and initial (Olena K.)"),
    CreditStyle.INITIALS: _l("Initials only (O. K.)"),
    CreditStyle.ANONYMOUS: _l("Anonymous (no name, role or company)"),
}
CONNECTION_LABELS = {
    ConnectionKind.NONE: _l("None"),
    ConnectionKind.EMPLOYEE: _l("I work for the business, or a relative does"),
    ConnectionKind.INCENTIVE: _l("I received something in return (a discount, a gift, a fee)"),
    ConnectionKind.OTHER: _l("Other"),
}
RATING_MESSAGE = _l("Choose a rating from 1 to 5 stars.")
MB = 1024 * 1024


def photo_limit() -> int:
    """The largest photo the form takes, in bytes (VOICEBOX_PHOTO_MAX_MB)."""
    return int(current_app.config["PHOTO_MAX_MB"]) * MB


def _quote_length(form: Any, field: Any) -> None:
    size = len(field.data or "")
    if size < QUOTE_LENGTH.start:
        raise ValidationError(
            _l("A little more, please: at least 20 characters (you wrote %(n)d).", n=size)
        )
    if size >= QUOTE_LENGTH.stop:
        raise ValidationError(
            _l("At most 1,000 characters, please (you wrote %(n)d).", n=size)
        )


def quote_area(label: Any) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[multi_line],
        validators=[DataRequired(_l("Please write a few words about us.")), _quote_length],
        render_kw={"dir": "auto", "maxlength": QUOTE_LENGTH.stop - 1},
    )


class TestimonialForm(HoneypotForm):
    quote = quote_area(_l("Your testimonial"))
    rating = RadioField(
        _l("Your rating"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validate_choice=False,  # said in words below, not as "Not a valid choice"
        validators=[
            InputRequired(RATING_MESSAGE),
            AnyOf([str(n) for n in range(1, 6)], message=RATING_MESSAGE),
        ],
    )
    name = text_field(_l("Your name"), max_length=120)
    role = text_field(_l("Your role (optional)"), max_length=120, required=False)
    company = text_field(_l("Your company (optional)"), max_length=120, required=False)
    email = email_field(_l("Your email (never published)"))
    credit_style = RadioField(
        _l("How should we credit you?"),
        choices=[SelectChoice(s.value, label) for s, label in CREDIT_LABELS.items()],
        default=CreditStyle.FULL.value,
    )
    connection_kind = RadioField(
        _l("Any connection to us that readers should know about?"),
        choices=[SelectChoice(k.value, label) for k, label in CONNECTION_LABELS.items()],
        default=ConnectionKind.NONE.value,
    )
    connection = text_field(_l("The connection, in a few words"), max_length=300, required=False)
    photo = FileField(
        _l("A photo of you (optional)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"},
    )
    consent = BooleanField(
        validators=[DataRequired(_l("Please tick the consent box: we publish nothing without it."))]
    )
    invite = HiddenField(default="")
    submission = HiddenField(default="")

    def validate(self, extra_validators: Any = None) -> bool:
        """The connection's words are optional unless it is an incentive or "other": said
        beside the field (a field-level check would be cut short by Optional)."""
        valid = super().validate(extra_validators)
        kind = self.connection_kind.data
        if kind in (ConnectionKind.INCENTIVE, ConnectionKind.OTHER) and not self.connection.data:
            self.connection.errors = [
                *self.connection.errors,
                _l("Say in a few words what the connection is: readers see it."),
            ]
            return False
        return valid

    def validate_photo(self, field: Any) -> None:
        self.photo_data = None
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        data = upload.read(photo_limit() + 1)
        if len(data) > photo_limit():
            raise ValidationError(
                _l("This photo is larger than %(mb)d MB; a smaller one, please.",
                   mb=current_app.config["PHOTO_MAX_MB"])
            )  # fmt: skip
        self.photo_data = data or None

    def choose_photo_again(self) -> None:
        """A form shown again cannot keep a chosen file (browsers refuse): say so."""
        if getattr(self, "photo_data", None) and not self.photo.errors:
            self.photo.errors = [_l("Please choose your photo again.")]


class ReviewEditForm(VoiceboxForm):
    """The customer's answer to a staff edit: which button was pressed says it."""

    answer = HiddenField(validators=[AnyOf(["accept", "keep"])])


class EditForm(VoiceboxForm):
    text = quote_area(_l("Edited wording"))


class RejectForm(VoiceboxForm):
    reason = text_area(_l("Why it is rejected (kept with it)"), max_length=1000)


class TagsForm(VoiceboxForm):
    tags = text_field(_l("Tags (separated by commas)"), max_length=160, required=False)
