"""The personal links follow-up emails carry to the survey pages (see signed_links.py).

Each token names the sale and the address it was sent to; the pages read it back with the same
purpose. The score of a survey link and the answer of an arrival link are plain query values:
they only preselect a choice on the page, which records nothing until "Send" is pressed.
"""

from __future__ import annotations

from ..links import public_url
from ..signed_links import make_token
from ..store.models import Sale

__all__ = [
    "ARRIVAL", "LOST", "SURVEY", "arrival_urls", "lost_url", "personal_url", "survey_token",
    "survey_urls",
]  # fmt: skip

SURVEY = "survey"
ARRIVAL = "arrival"
LOST = "lost"


def survey_token(sale: Sale, touch: str = "survey") -> str:
    """One survey link's token; `touch` is "survey" after a sale or "checkin" later on."""
    return make_token(SURVEY, sale=sale.id, email=sale.email, touch=touch)


def survey_urls(sale: Sale, touch: str = "survey") -> list[str]:
    """The eleven links of the 0-10 question, one token shared by all of them."""
    token = survey_token(sale, touch)
    return [public_url("surveys.personal", token=token, score=score) for score in range(11)]


def personal_url(sale: Sale) -> str:
    """The survey link without a score chosen: the one staff hand out themselves."""
    return public_url("surveys.personal", token=survey_token(sale))


def arrival_urls(sale: Sale) -> dict[str, str]:
    """ "Did everything arrive as promised?": the yes link and the no link."""
    token = make_token(ARRIVAL, sale=sale.id, email=sale.email)
    return {
        answer: public_url("surveys.arrival", token=token, answer=answer)
        for answer in ("yes", "no")
    }


def lost_url(sale: Sale) -> str:
    """ "What made you decide?" after a lost sale."""
    return public_url("surveys.lost", token=make_token(LOST, sale=sale.id, email=sale.email))
