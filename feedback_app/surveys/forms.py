"""The answer forms: the ten-second survey (by personal link, and the public one), "did
everything arrive?", and "what made you decide?"."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, RadioField
from wtforms.fields import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, StopValidation

from ..form_ids import new_form_id
from ..forms import HoneypotForm, VoiceboxForm, text_area, text_field
from ..store.models import EFFORT_SCALE, SCORE_SCALE
from ..textrules import one_line

__all__ = ["ArrivalForm", "LostForm", "PublicSurveyForm", "SurveyForm"]

COMMENT_MAX = 2000


class SurveyForm(VoiceboxForm):
    score = RadioField(
        _l("How likely are you to recommend us to a friend or colleague?"),
        choices=[SelectChoice(str(n), str(n)) for n in SCORE_SCALE],
        validators=[InputRequired(message=_l("Choose a score from 0 to 10."))],
    )
    effort = RadioField(
        _l("How easy was it to deal with us? (optional)"),
        choices=[SelectChoice(str(n), str(n)) for n in EFFORT_SCALE],
        validators=[Optional()],
    )
    touchpoint = text_field(_l("Where did you deal with us? (optional)"), 80, required=False)
    comment = text_area(_l("Anything you would like to tell us? (optional)"), COMMENT_MAX,
                        required=False)  # fmt: skip
    may_contact = BooleanField(_l("You may contact me about my answer"))


class _RequiredForContact:
    """The email is needed only when the person wants to be contacted."""

    def __call__(self, form: Any, field: Any) -> None:
        if not field.data:
            if form.may_contact.data:
                raise StopValidation(_l("To contact you we need your email address."))
            raise StopValidation()


class PublicSurveyForm(SurveyForm, HoneypotForm):
    """The survey at /survey, for anyone. `answer` names this copy of the form: the same form
    sent twice (a double click, a reload) is one answer, as a personal link is."""

    email = EmailField(
        _l("Your email address (needed only if we may contact you)"),
        filters=[one_line],
        validators=[
            _RequiredForContact(),
            Length(max=254, message=_l("An email address is at most 254 characters.")),
            Email(message=_l("This does not look like an email address."),
                  check_deliverability=False),
        ],
    )  # fmt: skip
    name = text_field(_l("Your name (optional)"), 120, required=False)
    answer = HiddenField(default=new_form_id)


class ArrivalForm(VoiceboxForm):
    arrived = RadioField(
        _l("Did everything arrive as promised?"),
        choices=[SelectChoice("yes", _l("Yes, all as promised")),
                 SelectChoice("no", _l("No, something went wrong"))],
        validators=[InputRequired(message=_l("Choose yes or no."))],
    )
    comment = text_area(_l("What happened? (optional)"), COMMENT_MAX, required=False)


class LostForm(VoiceboxForm):
    comment = text_area(_l("What made you decide?"), COMMENT_MAX)
    may_contact = BooleanField(_l("You may contact me about my answer"))
