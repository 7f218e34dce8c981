"""The single-use invitation a promoter gets to write a testimonial (see signed_links.py)."""

from __future__ import annotations

from ..links import public_url
from ..signed_links import make_token
from ..store.models import SurveyResponse

__all__ = ["INVITE", "invite_url"]

INVITE = "testimonial-invite"


def invite_url(survey: SurveyResponse, name: str = "") -> str:
    """The prefilled testimonial form for the customer who gave `survey` a 9 or 10. The
    link's id becomes the testimonial's `invite`: one testimonial per invitation."""
    token = make_token(INVITE, email=survey.email, name=name, survey=survey.id)
    return public_url("testimonials.new", invite=token)
