"""The emails of a follow-up: to its owner when it is assigned and when it falls due, and the
personal note to the customer when it is resolved.

The owner's emails are jobs (`job_handler`): the mailer writes them, queued under the job's
key and the owner's id, so a job run twice sends nobody a second email. The overdue job is
scheduled at the due time when the follow-up is opened, one per follow-up; when it runs, a
follow-up no longer open (someone called) sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _

from ..data import get_store
from ..links import public_url
from ..mail import job_handler, job_time, mailer
from ..mail_templates import in_language, render_email
from ..store import FollowUp, Job, Message, NotFound, utcnow
from ..store.models import FollowUpState

__all__ = ["ASSIGNED", "OVERDUE", "assigned_job", "overdue_job", "send_customer_note", "tell_owner"]

ASSIGNED = "followup_assigned"
OVERDUE = "followup_overdue"


def assigned_job(followup: FollowUp) -> Job:
    """Tell the current owner, from the moment of the step that made them owner; one job
    per assignment."""
    return Job(
        ASSIGNED,
        {"followup": followup.id, "owner": followup.owner_id},
        key=f"followup-assigned:{followup.id}:{len(followup.events)}",
        next_attempt_at=followup.events[-1].at if followup.events else utcnow(),
    )


def overdue_job(followup: FollowUp) -> Job:
    """Tell the owner when the follow-up falls due, if nobody has called by then."""
    return Job(
        OVERDUE,
        {"followup": followup.id},
        key=f"followup-overdue:{followup.id}",
        next_attempt_at=followup.due_at,
    )


def tell_owner(job: Job) -> None:
    get_store().jobs.schedule(job)
    mailer().wake()


def send_customer_note(followup: FollowUp) -> None:
    """The personal note written on closing, once per follow-up, in the customer's language."""
    store = get_store()
    try:
        signer = store.users.get(followup.done_by or 0).display_name
    except NotFound:
        signer = ""
    with in_language(followup.language):
        subject = _("A note from %(site)s", site=current_app.config["SITE_NAME"])
        text, html = render_email("followups/email/note", followup=followup, signer=signer)
    message = Message(followup.email, subject, text, html,
                      created_at=followup.done_at or utcnow())  # fmt: skip
    store.messages.enqueue_keyed([(f"followup-note:{followup.id}", message)])
    mailer().wake()


@job_handler(ASSIGNED)
def _assigned(job: Job) -> Iterator[tuple[str, Message]]:
    found = _followup_and_owner(job.payload["followup"])
    if found is None or found[0].owner_id != job.payload["owner"]:
        return  # erased, or given to someone else since: the new owner has their own job
    followup, owner_email = found
    with in_language(""):
        subject = _("A customer to call back: %(who)s", who=followup.name or followup.email)
        text, html = render_email("followups/email/assigned", **_details(followup))
    yield str(followup.owner_id), Message(owner_email, subject, text, html)


@job_handler(OVERDUE)
def _overdue(job: Job) -> Iterator[tuple[str, Message]]:
    found = _followup_and_owner(job.payload["followup"])
    if found is None or found[0].state is not FollowUpState.OPEN:
        return
    followup, owner_email = found
    now = job_time()
    get_store().followups.update(
        followup.id, lambda f: setattr(f, "overdue_notified_at", f.overdue_notified_at or now)
    )
    with in_language(""):
        subject = _("Overdue: call %(who)s back", who=followup.name or followup.email)
        text, html = render_email("followups/email/overdue", **_details(followup))
    yield str(followup.owner_id), Message(owner_email, subject, text, html)


def _followup_and_owner(followup_id: int) -> tuple[FollowUp, str] | None:
    store = get_store()
    try:
        followup = store.followups.get(followup_id)
        owner = store.users.get(followup.owner_id or 0)
    except NotFound:
        return None
    return followup, owner.email


def _details(followup: FollowUp) -> dict[str, object]:
    return {
        "followup": followup,
        "due": format_datetime(followup.due_at),
        "link": public_url("followups.show", followup_id=followup.id),
    }
