"""What the theme override (site_src/overrides/main.html) needs for link previews and
discovery, worked out once per build from the configuration:

- `extra.og_locale`: OpenGraph wants a language with its territory (`uk_UA`), while the theme
  names only the language (`uk`); Babel's likely subtags supply the usual territory.
- `extra.og_image`: the logo as an absolute address (a preview is fetched from elsewhere),
  or nothing when the site has no logo, or only an SVG one: the sites that draw link
  previews do not draw SVG, so pages then share without a picture rather than with a broken
  one.

A hook (mkdocs.yml `hooks:`), not content: without it pages share without locale or picture.
"""

from __future__ import annotations

from urllib.parse import urljoin

from babel.core import Locale, UnknownLocaleError, get_global
from mkdocs.config.defaults import MkDocsConfig


def og_locale(language: str) -> str:
    """`language_TERRITORY` for a theme language such as "en", "uk", "zh" or "pt-BR"."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
        if locale.territory is None:
            likely = get_global("likely_subtags").get(str(locale)) or ""
            locale = Locale.parse(likely) if likely else locale
    except (ValueError, UnknownLocaleError):
        return ""
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.extra["og_locale"] = og_locale(str(config.theme.get("language") or "en"))
    logo = str(config.theme.get("logo") or "")
    shareable = logo and not logo.casefold().endswith(".svg")
    config.extra["og_image"] = urljoin(config.site_url or "", logo) if shareable else ""
    return config
