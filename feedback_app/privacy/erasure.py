"""Forgetting one address (`voicebox person erase`), on either backend.

What happens to each kind of record, and why:

- **Removed**: the contact, testimonials and their photos (a testimonial is the person's own
  words and name: once removed it is no longer publishable, so the next publish takes it off
  the site), follow-ups (a call about them, with their words and staff notes), sign-in
  links, every email to the address (a queued one is then never sent) and the background
  jobs about them (a scheduled survey invitation never runs). The audit log's entries about
  those testimonials and follow-ups keep who did what and when, and lose the values (the
  edited wording, the reason, the notes).
- **Anonymised**: sales lose the address and name, as after the retention period (the
  order reference stays, so re-importing the shop's CSV does not add the sale again and
  start the emails over); survey answers lose the address, the comment, the account and the
  order, and keep the scores, which count in the figures and name nobody.
- **Kept under an account that names nobody**: the board account stays, with its id, under
  an address that reaches nobody and no name (`Users.erase`); its ideas, comments and votes
  stay and show "a former member". They are a public conversation others answered, voted
  on and merged into: removing them would rewrite other people's threads and the figures
  of ideas staff acted on, and an id kept is an id never given to someone else. The account
  stops following every idea, and its sessions end. Text someone wrote about themselves in
  an idea or comment is not rewritten: staff can hide such a comment.
- Rate-limit counters naming the address expire by themselves within their window (at most
  a day) and are not touched.

Backups made before the erasure still hold the data until they are rotated away.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime

from ..store.contract import Store
from ..store.errors import NotFound
from ..store.models import AuditEntry, SurveyResponse, Testimonial
from .dossier import Dossier, find_person
from .retention import anonymise_sale

__all__ = ["Erasure", "erase_person", "planned_erasure"]

# What `erase_person` does with each collection (see the module docstring).
REMOVED = ("testimonials", "photos", "followups", "contacts", "messages", "jobs", "tokens")
ANONYMISED = ("sales", "surveys", "users")
KEPT = ("ideas", "comments", "votes")


@dataclass
class Erasure:
    """What an erasure did: {collection: count} for each way a record was treated."""

    email: str
    removed: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    published_testimonials: int = 0

    @property
    def nothing(self) -> bool:
        return not (self.removed or self.anonymised or self.kept)


def erase_person(store: Store, email: str, now: datetime) -> Erasure:
    """Forget `email` (see the module docstring); safe to run again after an interruption."""
    dossier = find_person(store, email)
    done = Erasure(dossier.email)
    _remove(store, dossier, done)
    _anonymise(store, dossier, done, now)
    _keep_board(store, dossier, done)
    return done


def planned_erasure(dossier: Dossier) -> Erasure:
    """What erasing the person of `dossier` would do, counted before anything is done, so
    staff read what goes and what stays before they confirm."""
    plan = Erasure(dossier.email)
    for into, names in ((plan.removed, REMOVED), (plan.anonymised, ANONYMISED),
                        (plan.kept, KEPT)):  # fmt: skip
        for name in names:
            _count(into, name, len(dossier.found.get(name, [])))
    plan.published_testimonials = _published(dossier)
    return plan


def _published(dossier: Dossier) -> int:
    return sum(1 for doc in dossier.docs("testimonials") if Testimonial.from_doc(doc).publishable)


def _remove(store: Store, dossier: Dossier, done: Erasure) -> None:
    done.published_testimonials = _published(dossier)
    for name in ("testimonials", "photos", "followups", "contacts"):
        records = getattr(store, name)
        for record_id in dossier.ids(name):
            with contextlib.suppress(NotFound):  # gone since it was read: nothing left to remove
                records.remove(record_id)
        _count(done.removed, name, len(dossier.ids(name)))
    _count(done.anonymised, "audit log entries", _forget_values(store, dossier))
    _count(done.removed, "messages", store.messages.remove(dossier.ids("messages")))
    _count(done.removed, "jobs", store.jobs.remove(dossier.ids("jobs")))
    _count(done.removed, "tokens", store.tokens.forget(dossier.email))


def _forget_values(store: Store, dossier: Dossier) -> int:
    """Empty the before/after of the audit entries about the removed testimonials and
    follow-ups (their values are the person's words and staff notes about them)."""
    forgotten = 0
    for kind, name in (("testimonial", "testimonials"), ("followup", "followups")):
        for record_id in dossier.ids(name):
            for entry in store.audit.find(target_kind=kind, target_id=record_id):
                store.audit.update(entry.id, _without_values)
                forgotten += 1
    return forgotten


def _without_values(entry: AuditEntry) -> None:
    entry.before, entry.after, entry.summary = {}, {}, ""


def _anonymise(store: Store, dossier: Dossier, done: Erasure, now: datetime) -> None:
    for sale_id in dossier.ids("sales"):
        store.sales.update(sale_id, lambda sale: anonymise_sale(sale, now))
    _count(done.anonymised, "sales", len(dossier.ids("sales")))
    for survey_id in dossier.ids("surveys"):
        store.surveys.update(survey_id, _anonymous_answer)
    _count(done.anonymised, "surveys", len(dossier.ids("surveys")))


def _anonymous_answer(answer: SurveyResponse) -> None:
    answer.email = answer.order_ref = answer.reason = ""
    answer.user_id = None
    answer.may_contact = False


def _keep_board(store: Store, dossier: Dossier, done: Erasure) -> None:
    followed = {doc["idea_id"] for name in ("votes", "follows") for doc in dossier.docs(name)}
    followed |= set(dossier.ids("ideas"))
    followed |= {doc["idea_id"] for doc in dossier.docs("comments")}
    for user_id in dossier.ids("users"):
        for idea_id in sorted(followed):
            store.follows.set(idea_id, user_id, False)
        store.users.erase(user_id)
    _count(done.anonymised, "users", len(dossier.ids("users")))
    for name in ("ideas", "comments", "votes"):
        _count(done.kept, name, len(dossier.found.get(name, [])))


def _count(into: dict[str, int], name: str, n: int) -> None:
    if n:
        into[name] = n
