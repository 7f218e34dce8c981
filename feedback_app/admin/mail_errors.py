"""A failed email's error in plain words, for the emails page (the technical text stays
beside it). Kept apart from outbox.py, which reports and commands use without the web app."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

__all__ = ["plain_error"]

# What the mailer's error texts mean, for a reader who does not run the mail server. The
# mailer writes "ExceptionName: details" for a failure it retried, "550 details" for a
# refusal for good, and the privacy module's reasons for an address it may not mail.
_EXCEPTION_WORDS = {
    "SMTPServerDisconnected": _l("The mail server hung up before the email was sent."),
    "SMTPConnectError": _l("The mail server could not be reached."),
    "ConnectionRefusedError": _l("The mail server could not be reached."),
    "gaierror": _l("The mail server's name could not be found: check the mail settings."),
    "TimeoutError": _l("The mail server did not answer in time."),
    "timeout": _l("The mail server did not answer in time."),
    "SMTPAuthenticationError": _l("The mail server refused our sign-in: check the mail settings."),
    "SSLError": _l("A secure connection to the mail server could not be made."),
    "SMTPSenderRefused": _l("The mail server refused our sender address: check the mail settings."),
    "SMTPRecipientsRefused": _l("The receiving server refused the address for now."),
    "SMTPDataError": _l("The receiving server refused the email for now."),
}
_REASON_WORDS = {
    "undeliverable address": _l("The address cannot receive email (erased, or not valid)."),
    "address suppressed": _l("Mail to this address is stopped after a permanent failure."),
}
_PERMANENT = re.compile(r"5\d\d\b")


def plain_error(error: str) -> str:
    """What went wrong, in plain words ("" for an error not recognised: the technical text
    is then all there is to show)."""
    head = error.split(":", 1)[0].strip()
    if head in _EXCEPTION_WORDS:
        return str(_EXCEPTION_WORDS[head])
    if head in _REASON_WORDS:
        return str(_REASON_WORDS[head])
    if _PERMANENT.match(error):
        return str(_l("The receiving server refused this address or email for good."))
    return ""
