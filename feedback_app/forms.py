"""Shared form pieces: the base of every form, cleaned, length-limited text fields and the
honeypot for bots.

Every text field applies one of the two rules of `textrules` before it is validated, so the
length checked is the length stored, and the store applies the same rule again on its side.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import Locale, support
from flask import current_app, has_request_context
from flask_babel import get_locale, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import EmailField, StringField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import Select

from .textrules import multi_line, one_line

__all__ = [
    "ActionForm", "HoneypotForm", "PlainSelect", "VoiceboxForm", "email_field", "text_area",
    "text_field",
]  # fmt: skip


class VoiceboxForm(FlaskForm):
    """Every form of the app: Flask-WTF's, with WTForms' own messages ("Not a valid choice")
    in the reader's language read once per locale and process. Flask-WTF reads that catalog
    from disk again in every request that builds a form (0.14 ms here, a third of what a
    bare Flask request costs)."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            if not has_request_context() or not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)  # type: ignore[misc]
            return _wtforms_messages(get_locale())


@lru_cache(maxsize=32)
def _wtforms_messages(locale: Locale | None) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class PlainSelect(Select):
    """WTForms' select, writing a plain option (a text value, no attributes of its own) itself:
    the same HTML without WTForms' general attribute formatting, which cost 15 µs an option
    (the board's filters show seventeen on every list page)."""

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)  # type: ignore[no-any-return]
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')


def text_field(label: Any, max_length: int, required: bool = True, **kw: Any) -> StringField:
    """A one-line text field (a title, a name): line breaks become spaces, controls go."""
    return StringField(
        label, filters=[one_line], validators=_checks(max_length, required), **_isolated(kw)
    )


def text_area(label: Any, max_length: int, required: bool = True, **kw: Any) -> TextAreaField:
    """A multi-line text field (Markdown): line breaks become newlines, controls go."""
    return TextAreaField(
        label, filters=[multi_line], validators=_checks(max_length, required), **_isolated(kw)
    )


def email_field(label: Any, **kw: Any) -> EmailField:
    """An email address: a one-line field, checked for shape but not for deliverability."""
    return EmailField(
        label,
        filters=[one_line],
        validators=[
            DataRequired(message=_l("Please enter your email address.")),
            Length(max=254, message=_l("An email address is at most 254 characters.")),
            Email(
                message=_l("This does not look like an email address."), check_deliverability=False
            ),
        ],
        **kw,
    )


def _isolated(kw: dict[str, Any]) -> dict[str, Any]:
    """`dir="auto"`: right-to-left text typed into the field is shown, and edited, as such."""
    return {**kw, "render_kw": {"dir": "auto", **kw.get("render_kw", {})}}


def _checks(max_length: int, required: bool) -> list[Any]:
    first = DataRequired(message=_l("Please fill this in.")) if required else Optional()
    too_long = lazy_ngettext("At most %(num)d character, please.",
                             "At most %(num)d characters, please.", max_length)  # fmt: skip
    return [first, Length(max=max_length, message=too_long)]


class HoneypotForm(VoiceboxForm):
    """A form anyone may post: carries a field people never see and bots fill in."""

    website = StringField(
        _l("Leave this empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.website.data)


class ActionForm(VoiceboxForm):
    """A button that changes something: it carries only the CSRF token."""
