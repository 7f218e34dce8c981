"""Settings: safe defaults that run on a laptop, each overridable by a VOICEBOX_* variable.

`SETTINGS` is the single list of every setting; the README's table is written from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .brand import DEFAULT_COLOR, parse_color

__all__ = ["SETTINGS", "ConfigError", "Setting", "load_config"]


class ConfigError(ValueError):
    """A VOICEBOX_* variable holds a value that cannot be used."""


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError("expected a positive whole number")
    return value


def _count(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError("expected 0 or more")
    return value


def _seconds(raw: str) -> float:
    value = float(raw)
    if not 0 <= value < 86400:  # also refuses nan
        raise ValueError("expected seconds, 0 or more (0: no limit)")
    return value


def _list(raw: str) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not items:
        raise ValueError("expected at least one comma-separated value")
    return items


_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def _rate(raw: str) -> tuple[int, int]:
    """'5/hour' -> (5, 3600): how many, per how many seconds."""
    count, _, period = raw.partition("/")
    if period.strip() not in _PERIODS or not count.strip().isdigit() or int(count) < 1:
        raise ValueError("expected N/second, N/minute, N/hour or N/day")
    return int(count), _PERIODS[period.strip()]


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str

    @property
    def env(self) -> str:
        return f"VOICEBOX_{self.name}"


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "data", str, "Folder holding all data, the secret key and the outbox."),
    Setting(
        "DATABASE_URL",
        "",
        str,
        "PostgreSQL database shared by every app host (postgresql://user:pass@host/db); "
        "unset: the data lives in VOICEBOX_DATA_DIR.",
    ),
    Setting(
        "DB_POOL",
        10,
        _positive_int,
        "Most database connections each app process keeps (with VOICEBOX_DATABASE_URL).",
    ),
    Setting(
        "DB_LOCK_TIMEOUT_S",
        5,
        _seconds,
        "Seconds a request waits for a row another transaction holds before it answers 503 "
        "(0: no limit). Migrations, backups, restores and bulk loads never time out.",
    ),
    Setting(
        "DB_STATEMENT_TIMEOUT_S",
        30,
        _seconds,
        "Seconds one database statement of a request may run before it answers 503 "
        "(0: no limit). Migrations, backups, restores and bulk loads never time out.",
    ),
    Setting(
        "SECRET_KEY",
        "",
        str,
        "Session signing key; if unset, generated once and kept in the database or data folder.",
    ),
    Setting(
        "SITE_NAME",
        "Voicebox",
        str,
        "The business's name: the board's header, the published site, the emails' signature "
        "and sender name.",
    ),
    Setting(
        "LOGO",
        "",
        str,
        "The business's logo (SVG, PNG, JPEG, GIF or WebP file, at most 512 KiB), shown on the "
        "board and the published site; unset: the name alone.",
    ),
    Setting(
        "FAVICON",
        "",
        str,
        "The browser tab's icon for the board and the site (an image file); unset: the logo.",
    ),
    Setting(
        "BRAND_COLOR",
        DEFAULT_COLOR,
        parse_color,  # a BrandError is a ValueError: load_config names the variable
        "The business's colour (hex, #2b59c3) for headers and main buttons; the text on it is "
        "white or near-black, whichever is readable (4.5:1), and a colour where neither is, is "
        "refused.",
    ),
    Setting(
        "BASE_URL",
        "http://127.0.0.1:8000",
        str,
        "Public address of the idea board, used in emailed links and the site's links back.",
    ),
    Setting("DEMO", False, _bool, "Demo mode: shows the demo banner and the /dev/outbox page."),
    Setting("LOCALE", "en", str, "Default language for dates, numbers and text."),
    Setting("TIMEZONE", "UTC", str, "Time zone for dates shown to people."),
    Setting("MAX_UPLOAD_KB", 256, _positive_int, "Largest request body accepted, in KiB."),
    Setting(
        "SMTP_URL",
        "",
        str,
        "smtp://user:pass@host:587 (STARTTLS) or smtps://…; unset: .eml files in data/outbox/.",
    ),
    Setting(
        "MAIL_FROM",
        "voicebox@localhost",
        str,
        "Sender of every email; without a display name (Name <address>), the business's name.",
    ),
    Setting(
        "MAIL_IN_BACKGROUND",
        True,
        _bool,
        "Deliver mail from a background thread in each app process.",
    ),
    Setting(
        "MAIL_KEEP_DAYS",
        30,
        _positive_int,
        "Days sent mail is kept in the outbox before it is pruned (failed mail is kept).",
    ),
    Setting("POST_LIMIT", "60/minute", _rate, "Form posts allowed per client address."),
    Setting("SIGNIN_LIMIT", "5/hour", _rate, "Sign-in links one email address may ask for."),
    Setting(
        "TRUSTED_PROXIES",
        0,
        _count,
        "Reverse proxies in front of the app whose X-Forwarded-For is trusted.",
    ),
    Setting(
        "CATEGORIES",
        "Drinks,Food,App & ordering,Stores,Rewards,Sustainability",
        _list,
        "Comma-separated idea categories.",
    ),
    Setting("ALLOW_DEMOTE", True, _bool, "Let people demote (vote down) ideas, not only promote."),
    Setting("IDEAS_PER_PAGE", 20, _positive_int, "Ideas per page on the board."),
    Setting(
        "SITE_PROJECT", ".", str, "Folder holding mkdocs.yml and site_src/ for the published site."
    ),
    Setting("SITE_DIR", "site", str, "Where the published site is built."),
    Setting(
        "SITE_URL",
        "http://127.0.0.1:8000/dev/site/",
        str,
        "Public address of the published site (feed, sitemap); unset: where the demo serves it.",
    ),
    Setting("AUTO_PUBLISH", True, _bool, "Publish in the background after published data changes."),
    Setting(
        "PUBLISH_DELAY_S",
        5,
        _count,
        "Seconds to wait for more changes before an automatic publish.",
    ),
    Setting("THANKS_AFTER_DAYS", 2, _count, "Days after a sale its thank-you email is sent."),
    Setting("SURVEY_AFTER_DAYS", 7, _count, "Days after a sale the survey invitation is sent."),
    Setting("LOST_AFTER_DAYS", 2, _count, "Days after a lost sale its one question is sent."),
    Setting(
        "CHECKIN_EVERY_DAYS",
        90,
        _positive_int,
        "Days between relationship check-ins with a repeat customer.",
    ),
    Setting(
        "ASK_GAP_DAYS",
        30,
        _count,
        "Nobody is asked to answer anything more than once in this many days.",
    ),
    Setting(
        "INVITE_GAP_DAYS",
        90,
        _count,
        "Nobody is invited to write a testimonial more than once in this many days.",
    ),
    Setting("LINK_DAYS", 30, _positive_int, "Days a personal survey or testimonial link works."),
    Setting(
        "RESCUE_HOURS", 48, _positive_int, "Hours within which an unhappy customer is called back."
    ),
    Setting(
        "FOLLOWUP_OWNER",
        "",
        str,
        "Email of the staff member who gets follow-ups when no marketer can (unset: an admin).",
    ),
    Setting(
        "CONSENT_VERSION",
        "1",
        str,
        "Version of the testimonial consent text; change it whenever the text changes.",
    ),
    Setting(
        "CONSENT_TEXT",
        "I agree that this testimonial, my rating and my name as I chose to be credited may be "
        "published on this business's website and in its marketing. I can withdraw it at any "
        "time with the link in my confirmation email.",
        str,
        "The testimonial consent a customer ticks (kept with each testimonial and its version).",
    ),
    Setting(
        "PHOTO_MAX_MB", 10, _positive_int, "Largest photo accepted on the testimonial form, in MB."
    ),
    Setting(
        "SALES_KEEP_DAYS",
        730,
        _positive_int,
        "Days an imported sale keeps the customer's address and name before it is anonymised.",
    ),
    Setting("HOST", "127.0.0.1", str, "Address `voicebox serve` listens on."),
    Setting("PORT", 8000, _positive_int, "Port `voicebox serve` listens on."),
    Setting("WORKERS", 2, _positive_int, "Worker processes of `voicebox serve`."),
    Setting("THREADS", 4, _positive_int, "Threads per worker process."),
)


def load_config(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every setting, from `environ` where present, else its default."""
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None:
            default = setting.default
            parsed_default = setting.parse in (_rate, _list)
            config[setting.name] = setting.parse(default) if parsed_default else default
            continue
        try:
            config[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.env}={raw!r}: {exc}") from exc
    return config
