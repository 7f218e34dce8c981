"""The personal links of testimonials (see signed_links.py): the invitation a promoter gets,
and the links in the emails about a testimonial (confirm the address, approve an edit,
withdraw it)."""

from __future__ import annotations

import hashlib

from ..links import public_url
from ..signed_links import make_token
from ..store.models import SurveyResponse, Testimonial

__all__ = [
    "CONFIRM",
    "EDIT",
    "INVITE",
    "WITHDRAW",
    "confirm_url",
    "edit_url",
    "invite_url",
    "withdraw_url",
    "wording_digest",
]

INVITE = "testimonial-invite"
CONFIRM = "testimonial-confirm"
EDIT = "testimonial-edit"
WITHDRAW = "testimonial-withdraw"


def invite_url(survey: SurveyResponse, name: str = "") -> str:
    """The prefilled testimonial form for the customer who gave `survey` a 9 or 10. The
    link's id becomes the testimonial's `invite`: one testimonial per invitation."""
    token = make_token(INVITE, email=survey.email, name=name, survey=survey.id)
    return public_url("testimonials.new", invite=token)


def confirm_url(testimonial: Testimonial) -> str:
    """Confirms the address the testimonial was sent from (and only that address)."""
    token = make_token(CONFIRM, testimonial=testimonial.id, email=testimonial.email)
    return public_url("testimonials.confirm", token=token)


def withdraw_url(testimonial: Testimonial) -> str:
    """Takes the testimonial off the site, at any time (it never expires)."""
    token = make_token(WITHDRAW, testimonial=testimonial.id)
    return public_url("testimonials.withdraw", token=token)


def wording_digest(text: str) -> str:
    """Names one wording of an edit: a link sent for it cannot approve a later edit."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def edit_url(testimonial: Testimonial) -> str:
    """Lets the customer approve the staff's edit of their words, this wording only."""
    token = make_token(EDIT, testimonial=testimonial.id,
                       wording=wording_digest(testimonial.approved_text))  # fmt: skip
    return public_url("testimonials.review_edit", token=token)
