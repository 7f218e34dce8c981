"""A sale as a shop reports it (a CSV row, an API call), checked field by field.

Both roads in take the same fields with the same rules, so a row the CSV import refuses is
refused by the API with the same words. Every problem is collected, not only the first: the
person fixing a file or an integration sees all of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..store.models import Sale, SaleOutcome, normalise_email
from ..textrules import one_line

__all__ = ["FIELDS", "REQUIRED", "SaleProblems", "business_zone", "read_sale"]

# The fields of a sale, in the order a CSV file lists them.
FIELDS = ("email", "name", "language", "order_ref", "date", "touchpoint", "outcome")
REQUIRED = ("email", "order_ref", "date")
_LONGEST = {"email": 254, "name": 200, "language": 20, "order_ref": 100, "touchpoint": 100}
# A shop's clock may run a little ahead of ours; a sale further in the future is a typo.
_AHEAD = timedelta(days=1)
# A date without a time is taken as midday where the business is, so the emails a sale
# starts arrive in the day, not at midnight.
_MIDDAY = time(12, 0)


class SaleProblems(ValueError):
    """What is wrong with a reported sale: field name -> message for the person."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def read_sale(
    fields: Mapping[str, Any],
    *,
    default_language: str,
    zone: tzinfo,
    now: datetime,
    source: str,
    date_required: bool = True,
) -> Sale:
    """The `Sale` that `fields` describe, or SaleProblems naming every wrong field.

    Values are text (a JSON number or list is refused, not guessed at); an absent optional
    field takes its default: the business's language, a won sale, and (when `date_required`
    is false, for shop systems reporting a sale as it happens) the time of the call."""
    problems: dict[str, str] = {
        str(name): str(_l("Unknown field: the fields are %(fields)s.", fields=", ".join(FIELDS)))
        for name in fields
        if name not in FIELDS
    }
    text: dict[str, str] = {}
    for name in FIELDS:
        value = fields.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems[name] = str(_l("Must be text."))
            continue
        text[name] = one_line(value).strip()
        if len(text[name]) > _LONGEST.get(name, 100):
            most = _LONGEST.get(name, 100)
            problems[name] = ngettext("At most %(num)d character.", "At most %(num)d characters.",
                                      most)  # fmt: skip
    for name in REQUIRED:
        if name not in problems and not text.get(name) and (name != "date" or date_required):
            problems[name] = str(_l("Required."))
    email = _email(text.get("email", ""), problems)
    language = _language(text.get("language", ""), default_language, problems)
    outcome = _outcome(text.get("outcome", ""), problems)
    sold_at = _moment(text.get("date", ""), zone, now, problems)
    if problems:
        raise SaleProblems(problems)
    return Sale(
        email=email, order_ref=text["order_ref"], sold_at=sold_at, outcome=outcome,
        name=text["name"], language=language, touchpoint=text["touchpoint"], source=source,
    )  # fmt: skip


def business_zone(config: Mapping[str, Any]) -> tzinfo:
    """Where dates without a zone are read: VOICEBOX_TIMEZONE."""
    return ZoneInfo(config["TIMEZONE"])


def _email(value: str, problems: dict[str, str]) -> str:
    if not value or "email" in problems:
        return ""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        problems["email"] = str(_l("Not an email address."))
    return normalise_email(value)


def _language(value: str, default: str, problems: dict[str, str]) -> str:
    if not value or "language" in problems:
        return default
    tag = value.replace("-", "_")
    try:
        Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        problems["language"] = str(_l("Not a language code (such as en, uk, zh_Hans)."))
    return tag


def _outcome(value: str, problems: dict[str, str]) -> SaleOutcome:
    if not value or "outcome" in problems:
        return SaleOutcome.WON
    try:
        return SaleOutcome(value.lower())
    except ValueError:
        problems["outcome"] = str(_l("Either won or lost."))
        return SaleOutcome.WON


def _moment(value: str, zone: tzinfo, now: datetime, problems: dict[str, str]) -> datetime:
    """ISO 8601: a date (midday in `zone`) or a date and time (in `zone` unless it says)."""
    if not value or "date" in problems:
        return now
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), _MIDDAY, zone)
        else:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        problems["date"] = str(_l("Not a date: write it as 2025-03-31 or 2025-03-31T14:30."))
        return now
    if moment > now + _AHEAD:
        problems["date"] = str(_l("In the future."))
    return moment
