"""Shared form pieces: cleaned, length-limited text fields and the honeypot for bots."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from .text import clean_text

__all__ = ["ActionForm", "HoneypotForm", "email_field", "text_area", "text_field"]


def text_field(label: Any, max_length: int, required: bool = True, **kw: Any) -> StringField:
    """A one-line text field: control characters stripped, every other character kept."""
    return StringField(label, filters=[clean_text], validators=_checks(max_length, required), **kw)


def text_area(label: Any, max_length: int, required: bool = True, **kw: Any) -> TextAreaField:
    return TextAreaField(
        label, filters=[clean_text], validators=_checks(max_length, required), **kw
    )


def email_field(label: Any, **kw: Any) -> EmailField:
    return EmailField(
        label,
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Please enter your email address.")),
            Length(max=254, message=_l("An email address is at most 254 characters.")),
            Email(
                message=_l("This does not look like an email address."), check_deliverability=False
            ),
        ],
        **kw,
    )


def _checks(max_length: int, required: bool) -> list[Any]:
    first = DataRequired(message=_l("Please fill this in.")) if required else Optional()
    return [first, Length(max=max_length, message=_l("At most %(max)d characters, please."))]


class HoneypotForm(FlaskForm):
    """A form anyone may post: carries a field people never see and bots fill in."""

    website = StringField(
        _l("Leave this empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.website.data)


class ActionForm(FlaskForm):
    """A button that changes something: it carries only the CSRF token."""
