"""Words and numbers on the published site, through gettext and Babel like the app's.

The site is built outside any request, so this uses the standard library's gettext with the
same `voicebox` domain; `set_locale()` picks the catalogue and Babel's formats.
"""

from __future__ import annotations

import gettext as _gettext
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

__all__ = ["_", "current_locale", "fmt_date", "fmt_number", "ngettext", "set_locale"]

_LOCALES = Path(__file__).resolve().parents[1] / "feedback_app" / "translations"
_state: dict[str, object] = {"locale": "en", "babel": Locale.parse("en"),
                             "t": _gettext.NullTranslations()}  # fmt: skip


def set_locale(locale: str) -> None:
    _state["locale"] = locale
    # Parsed once: a site formats thousands of dates and numbers, and Babel would parse the
    # locale's name again for each of them.
    _state["babel"] = Locale.parse(locale)
    _state["t"] = _gettext.translation("messages", _LOCALES, [locale], fallback=True)


def current_locale() -> str:
    """The site's language, for `lang` attributes and scripts that format dates themselves."""
    return str(_state["locale"])


def _(message: str, **values: object) -> str:
    text = _state["t"].gettext(message)  # type: ignore[attr-defined]
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    text = _state["t"].ngettext(singular, plural, n)  # type: ignore[attr-defined]
    return text % {"num": fmt_number(n), **values}


def fmt_number(n: float) -> str:
    return format_decimal(n, locale=_state["babel"])  # type: ignore[arg-type]


def fmt_date(d: date) -> str:
    return _long_date(d, str(_state["locale"]))


@lru_cache(maxsize=4096)
def _long_date(d: date, locale: str) -> str:
    """A site shows the same few hundred days thousands of times (each card has its date)."""
    return format_date(d, "long", locale=Locale.parse(locale))
