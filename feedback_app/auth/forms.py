"""Forms of the sign-in flow."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField

from ..forms import ActionForm, HoneypotForm, VoiceboxForm, email_field, text_field

__all__ = ["ConfirmForm", "NameForm", "SignInForm"]


class SignInForm(HoneypotForm):
    email = email_field(_l("Your email address"))
    next = HiddenField()


class ConfirmForm(ActionForm):
    """The button on the link's page: a link scanner that only GETs cannot use the token up."""


class NameForm(VoiceboxForm):
    name = text_field(_l("Your name, as others will see it"), max_length=80)
    next = HiddenField()
