"""The demo's follow-up loop: a few dozen sales over the last months, replayed day by day.

Nothing here writes a survey answer, a follow-up or a testimonial by hand: each sale is
recorded by `record_sale` at the moment it was made, the mailer runs the jobs due on each
past day (`run_jobs(now)`), and the customers in the script below answer the emails they
got, by the links in them, through the same services the pages call. So the demo shows what
the loop really produces: invitations sent, answers in, testimonials waiting for a decision,
follow-ups with owners (some overdue), and every email in /dev/outbox.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask_babel import force_locale

from .app import create_app
from .data import use_store
from .followups.service import move
from .mail import mailer
from .sales.cadence import Cadence
from .sales.service import record_sale
from .store import FollowUp, Message, Store, User, utcnow
from .store.models import CreditStyle, FollowUpState, Sale, SaleOutcome
from .surveys.links import ARRIVAL, LOST, SURVEY
from .surveys.service import Answer, answer_link, open_link
from .testimonials.service import Submission, confirm, read_invitation, submit

__all__ = ["LANGUAGES", "STORIES", "Story", "replay_sales"]

# The language each demo customer writes in (see demo.CUSTOMERS, same order).
LANGUAGES = ("uk", "uk", "ru", "ru", "tl", "tl", "it", "it", "zh", "zh",
             "en", "en", "en", "en", "en", "en")  # fmt: skip


@dataclass(frozen=True)
class Story:
    """One sale and what its customer does with our emails. `customer` indexes
    demo.CUSTOMERS; `days_ago` is when the sale was made; `arrived` answers the thank-you
    (None: no answer); `score` answers the survey (None: no answer); a promoter with a
    `testimonial` writes it when invited and confirms it; `call` is how far the marketer got
    with the follow-up an unhappy answer opens (empty: not yet)."""

    customer: int
    days_ago: float
    outcome: SaleOutcome = SaleOutcome.WON
    arrived: bool | None = None
    score: int | None = None
    effort: int | None = None
    comment: str = ""
    testimonial: str = ""
    rating: int = 5
    credit: CreditStyle = CreditStyle.FULL
    call: tuple[str, ...] = ()


_W, _L = SaleOutcome.WON, SaleOutcome.LOST
STORIES: list[Story] = [
    Story(0, 100, arrived=True, score=10, effort=7, comment="Усе прийшло вчасно, дякую!",
          testimonial="Замовляю зерно вже втретє: доставка за два дні, а обсмаження завжди "
                      "свіже. Найкраща кава в місті!", credit=CreditStyle.FIRST_INITIAL),
    Story(10, 92, score=9, effort=6),
    Story(1, 75, score=3, effort=2, comment="Кава приїхала холодною, а пакет був розірваний.",
          call=("contacted", "resolved")),
    Story(13, 70, arrived=True),
    Story(2, 60, score=9, effort=7, comment="Всё понравилось.",
          testimonial="Заказ пришёл на следующий день, а на вопрос о помоле ответили за час. "
                      "Теперь беру кофе только здесь.", credit=CreditStyle.INITIALS),
    Story(11, 50, score=7, effort=5),
    Story(15, 60, score=8, effort=5),
    Story(8, 45, score=6, effort=4, comment="外卖包装不太好，咖啡洒了一点。", call=("contacted",)),
    Story(4, 40, score=8, effort=6, comment="Masarap, pero medyo matagal ang delivery."),
    Story(14, 35, _L, comment="Went with a subscription elsewhere: yours has no monthly plan."),
    Story(6, 30, arrived=True, score=10, effort=7,
          testimonial="Cornetti e caffè arrivati caldi e puntuali. Il servizio clienti è "
                      "gentilissimo: lo consiglio a tutti!"),
    Story(12, 25),
    Story(0, 20, score=9, effort=7, comment="Знову все чудово."),
    Story(13, 15, score=2, effort=1, comment="Wrong beans in the box: I ordered decaf."),
    Story(3, 12, _L, comment="Нашёл дешевле у конкурента, но ваш сервис понравился."),
    Story(9, 11, arrived=True, score=10, effort=7, comment="很好！",
          testimonial="咖啡豆非常新鲜，包装也很精美。客服回复很快，下次还会再买。",
          rating=5, credit=CreditStyle.FIRST_INITIAL),
    Story(5, 9, score=10, effort=6,
          testimonial="Ang bilis ng delivery at ang sarap ng kape! Siguradong oorder ulit ako.",
          rating=5),
    Story(15, 8, score=4, effort=3, comment="The grind was too fine for my moka pot."),
    Story(7, 5, arrived=False,
          comment="Il pacco non è ancora arrivato: il tracciamento è fermo da tre giorni."),
    Story(10, 4),
    Story(2, 3, arrived=True),
    Story(6, 1),
    # Customers who did not answer, or bought without being asked yet.
    *(Story(n, days) for n, days in ((4, 110), (9, 81), (1, 38), (11, 6))),
]  # fmt: skip

# Where each demo sale was made (in turn): the dashboard's charts compare them.
TOUCHPOINTS = ("Online shop", "Podil café", "Phone order", "Market stall")

# What the marketer writes at each step of a follow-up, a day apart.
_CALL_NOTES = {
    "contacted": "Called, apologised and sent a fresh bag today.",
    "resolved": "The new bag arrived fine; they ordered again.",
}
_CUSTOMER_NOTE = "Вибачте за холодну каву! Нова пачка вже у вас: смачного."

_LINKS = {
    SURVEY: re.compile(r"/survey/([\w.-]+)\?score="),
    ARRIVAL: re.compile(r"/arrival/([\w.-]+)\?answer="),
    LOST: re.compile(r"/lost/([\w.-]+)"),
}
_INVITE = re.compile(r"/testimonials/new\?invite=([\w.-]+)")
_CONFIRM = re.compile(r"/testimonials/confirm/([\w.-]+)")


def replay_sales(
    store: Store,
    customers: list[tuple[str, str]],
    marketer: int,
    settings: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Record the STORIES' sales and replay the days since the first of them, in order.
    The services run in an app built from `settings` (its BASE_URL is in every emailed
    link), working on `store`, which stays the caller's to close."""
    app = create_app({**(settings or {}), "SECRET_KEY": store.secret_key(),
                      "MAIL_IN_BACKGROUND": False, "AUTO_PUBLISH": False})  # fmt: skip
    use_store(app, store)
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        _Replay(app, store, customers, marketer, now or utcnow()).run()


class _Replay:
    """One pass over the past days: sales recorded, jobs run, emails answered."""

    def __init__(self, app: Flask, store: Store, customers: list[tuple[str, str]],
                 marketer: int, now: datetime) -> None:  # fmt: skip
        self.store, self.customers, self.marketer, self.now = store, customers, marketer, now
        self.cadence = Cadence.from_config(app.config)
        self.rng = random.Random(10)
        self.seen: set[int] = set()
        self.answered = False  # since the outbox was last read: answers queue emails too
        self.stories: dict[str, Story] = {}
        self.sales: list[Sale] = []
        for n, story in enumerate(STORIES):
            email, name = customers[story.customer]
            sold_at = now - timedelta(days=story.days_ago, hours=self.rng.randint(1, 9))
            ref = f"BR-{2400 + n}"
            self.stories[ref] = story
            self.sales.append(Sale(email, ref, sold_at, story.outcome, name=name,
                                   language=LANGUAGES[story.customer], source="demo",
                                   touchpoint=TOUCHPOINTS[n % len(TOUCHPOINTS)]))  # fmt: skip
        self.sales.sort(key=lambda s: s.sold_at)

    def run(self) -> None:
        """Each past day at nine: the sales made since are recorded (each at its own time),
        the mailer runs what is due, and the customers answer a few hours later."""
        day = self.sales[0].sold_at.replace(hour=9, minute=0, second=0, microsecond=0)
        pending = list(self.sales)
        while day < self.now:
            while pending and pending[0].sold_at <= day:
                sale = pending.pop(0)
                record_sale(self.store, sale, self.cadence, sale.sold_at)
            if mailer().run_jobs(day) or self.answered:
                self._answer(day)
            day += timedelta(days=1)
        mailer().run_jobs(self.now)

    def _answer(self, day: datetime) -> None:
        fresh = [m for m in self.store.messages.all() if m.id not in self.seen]
        self.seen.update(m.id for m in fresh)
        self.answered = False
        for message in sorted(fresh, key=lambda m: m.id):
            at = day + timedelta(hours=self.rng.randint(1, 8), minutes=self.rng.randint(0, 59))
            if at < self.now:
                self._react(message, at)

    def _react(self, message: Message, at: datetime) -> None:
        """What the customer does with one email, as their story says."""
        for purpose, pattern in _LINKS.items():
            found = pattern.search(message.text)
            if found:
                link = open_link(purpose, found.group(1), at)
                answer = _answer_to(purpose, link.question, self.stories[link.sale.order_ref])
                if answer is not None:
                    answer.touchpoint = link.sale.touchpoint  # as the survey form offers it
                    recorded = answer_link(link, answer, at)
                    self.answered = True
                    if recorded.followup:
                        self._call(recorded.response.id, link.sale.order_ref, at)
                return
        invite, confirmation = _INVITE.search(message.text), _CONFIRM.search(message.text)
        if invite:
            self.answered = self._write_testimonial(invite.group(1), at) or self.answered
        elif confirmation:
            confirm(confirmation.group(1), at)

    def _write_testimonial(self, token: str, at: datetime) -> bool:
        """A promoter whose story has words for us writes them through the invitation;
        returns whether they did."""
        invitation = read_invitation(token)
        answer = self.store.surveys.get(invitation.survey_id or 0)
        story = self.stories[answer.order_ref]
        if story.testimonial:
            entry = Submission(
                story.testimonial,
                story.rating,
                invitation.name,
                invitation.email,
                True,
                credit_style=story.credit,
            )
            with force_locale(LANGUAGES[story.customer]):
                submit(entry, token, at)
        return bool(story.testimonial)

    def _call(self, survey_id: int, ref: str, at: datetime) -> None:
        """The marketer's steps on the follow-up, one a day after the answer."""
        (followup,) = self.store.followups.find(origin=f"survey:{survey_id}")
        for n, step in enumerate(self.stories[ref].call, start=1):
            when = at + timedelta(days=n, hours=-3)
            if when >= self.now:
                return
            followup = _step(followup, self.store.users.get(self.marketer), step, when)


def _step(followup: FollowUp, by: User, step: str, when: datetime) -> FollowUp:
    state = FollowUpState(step)
    resolving = state is FollowUpState.RESOLVED
    return move(followup.id, by, len(followup.events), state, note=_CALL_NOTES[step],
                outcome="Kept: ordered again" if resolving else "",
                customer_note=_CUSTOMER_NOTE if resolving else "", now=when)  # fmt: skip


def _answer_to(purpose: str, question: str, story: Story) -> Answer | None:
    """The story's answer to the question a link asks, if it answers it at all (nobody in
    the demo answers a check-in: their sale's story is about that sale)."""
    if purpose == ARRIVAL and story.arrived is not None:
        comment = "" if story.arrived else story.comment
        return Answer(arrived=story.arrived, comment=comment, may_contact=True)
    if purpose == SURVEY and question == "survey" and story.score is not None:
        return Answer(score=story.score, effort=story.effort, comment=story.comment,
                      may_contact=story.score <= 6)  # fmt: skip
    if purpose == LOST and story.comment:
        return Answer(comment=story.comment)
    return None
