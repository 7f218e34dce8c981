"""The audit log's words: what each action, kind of record, field and stored value is called
on the console, in the reader's language.

The log keeps machine names ("testimonial.reject", "decided_by", "pending") so that it stays
readable by scripts and exports; a person reads these labels instead. Every map falls back to
the raw name: an action added later shows as its name until it is given a label here, and
never breaks the page. Status and state values use the labels the rest of the console shows.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from .admin.forms import ROLE_LABELS
from .followups.forms import STATE_LABELS as FOLLOWUP_STATE_LABELS
from .store.models import ConnectionKind, JobState, MessageState, TestimonialState
from .templating import STATUS_LABELS

__all__ = [
    "ACTION_LABELS", "COLLECTION_LABELS", "FIELD_LABELS", "KIND_LABELS", "PEOPLE_FIELDS",
    "RECORD_FIELDS", "SUMMARY_SAID_OTHERWISE", "action_label", "field_label", "kind_label",
    "value_label",
]  # fmt: skip

# "<who> approved a testimonial": what the person did, as the log's Action column says it.
ACTION_LABELS: dict[str, Any] = {
    "testimonial.approve": _l("approved a testimonial"),
    "testimonial.reject": _l("rejected a testimonial"),
    "testimonial.edit": _l("edited a testimonial's wording"),
    "testimonial.tag": _l("tagged a testimonial"),
    "testimonial.feature": _l("featured a testimonial"),
    "testimonial.unfeature": _l("stopped featuring a testimonial"),
    "idea.status": _l("set an idea's status"),
    "idea.merge": _l("merged an idea into another"),
    "idea.edit": _l("edited an idea"),
    "idea.spam": _l("hid an idea as spam"),
    "comment.hide": _l("hid a comment"),
    "comment.show": _l("showed a hidden comment again"),
    "reply.create": _l("saved a response"),
    "reply.update": _l("changed a saved response"),
    "reply.delete": _l("deleted a saved response"),
    "followup.step": _l("moved a follow-up on"),
    "followup.close": _l("resolved a follow-up"),
    "followup.note": _l("added a note to a follow-up"),
    "followup.owner": _l("gave a follow-up to someone else"),
    "user.invite": _l("invited a member of staff"),
    "user.role": _l("changed a person's role"),
    "user.deactivate": _l("deactivated an account"),
    "user.reactivate": _l("reactivated an account"),
    "person.export": _l("exported one person's data"),
    "person.erase": _l("erased one person's data"),
    "token.create": _l("created an API token"),
    "token.revoke": _l("revoked an API token"),
    "sales.import": _l("imported sales"),
    "survey.link": _l("made a personal survey link"),
    "job.cancel": _l("cancelled a scheduled email"),
    "email.send_again": _l("sent a failed email again"),
    "contact.unsuppress": _l("allowed mail to an address again"),
    "export.download": _l("downloaded an export"),
    "site.publish": _l("asked for a publish"),
}

# What an entry acted on (its `target_kind`).
KIND_LABELS: dict[str, Any] = {
    "idea": _l("Idea"),
    "testimonial": _l("Testimonial"),
    "followup": _l("Follow-up"),
    "comment": _l("Comment"),
    "reply": _l("Saved response"),
    "user": _l("Account"),
    "api_token": _l("API token"),
    "sale": _l("Sale"),
    "job": _l("Scheduled email"),
    "message": _l("Email"),
    "contact": _l("Email address"),
    "export": _l("Export"),
    "site": _l("Published site"),
}

# The fields entries name in their before and after.
FIELD_LABELS: dict[str, Any] = {
    "status": _l("Status"),
    "state": _l("State"),
    "response": _l("Official response"),
    "notified": _l("Followers told"),
    "changed_note": _l("What changed"),
    "changed_on": _l("Changed on"),
    "merged_into": _l("Merged into"),
    "title": _l("Title"),
    "description": _l("Description"),
    "category": _l("Category"),
    "tags": _l("Tags"),
    "hidden": _l("Hidden"),
    "name": _l("Name"),
    "body": _l("Text"),
    "rejected_reason": _l("Reason for rejecting"),
    "decided_by": _l("Decided by"),
    "approved_text": _l("Approved wording"),
    "customer_approved_edit": _l("Customer approved the edit"),
    "featured": _l("Featured"),
    "notes": _l("Notes"),
    "outcome": _l("Outcome"),
    "customer_note": _l("Note to the customer"),
    "done_by": _l("Resolved by"),
    "owner_id": _l("Owner"),
    "email": _l("Email"),
    "role": _l("Role"),
    "active": _l("Active"),
    "records": _l("Records"),
    "removed": _l("Removed"),
    "anonymised": _l("Anonymised"),
    "kept": _l("Kept"),
    "revoked_at": _l("Revoked"),
    "created": _l("New sales"),
    "existing": _l("Already recorded"),
    "jobs": _l("Emails scheduled"),
    "emailed": _l("Emailed to the customer"),
    "last_error": _l("Error"),
    "suppressed_at": _l("Mail stopped"),
    "suppressed_reason": _l("Why mail stopped"),
    "collection": _l("Records"),
}

# Collections by name, as an erasure's counts and an export name them.
COLLECTION_LABELS: dict[str, Any] = {
    "ideas": _l("Ideas"),
    "votes": _l("Votes"),
    "comments": _l("Comments"),
    "follows": _l("Follows"),
    "surveys": _l("Survey answers"),
    "testimonials": _l("Testimonials"),
    "photos": _l("Photos"),
    "followups": _l("Follow-ups"),
    "sales": _l("Sales"),
    "contacts": _l("Email addresses"),
    "messages": _l("Emails"),
    "jobs": _l("Scheduled emails"),
    "users": _l("Accounts"),
    "api_tokens": _l("API tokens"),
    "tokens": _l("Sign-in links"),
    "audit": _l("Audit log"),
    "replies": _l("Saved responses"),
}

# Actions whose summary the service writes for machines (an address, a collection's name,
# "publish now"): the action's label, the record and the changes already say it in words.
SUMMARY_SAID_OTHERWISE = frozenset({
    "site.publish", "export.download", "person.export", "person.erase", "user.invite",
    "user.role", "user.deactivate", "user.reactivate", "followup.owner", "sales.import",
    "job.cancel",
})  # fmt: skip

# Fields holding a person's account number: shown as the person's name.
PEOPLE_FIELDS = frozenset({"decided_by", "done_by", "owner_id", "edited_by", "created_by"})
# Fields holding another record's number: shown as that record, by its kind.
RECORD_FIELDS = {"merged_into": "idea"}

_TESTIMONIAL_STATES = {
    TestimonialState.PENDING: _l("Waiting"),
    TestimonialState.APPROVED: _l("Approved"),
    TestimonialState.REJECTED: _l("Rejected"),
    TestimonialState.WITHDRAWN: _l("Withdrawn"),
}
_MESSAGE_STATES = {
    MessageState.QUEUED: _l("Waiting to be sent"),
    MessageState.SENT: _l("Sent"),
    MessageState.FAILED: _l("Failed"),
}
_JOB_STATES = {
    JobState.QUEUED: _l("Scheduled"),
    JobState.DONE: _l("Done"),
    JobState.FAILED: _l("Failed"),
    JobState.CANCELLED: _l("Cancelled"),
}
_CONNECTIONS = {
    ConnectionKind.NONE: _l("None"),
    ConnectionKind.EMPLOYEE: _l("Employee"),
    ConnectionKind.INCENTIVE: _l("Received something in return"),
    ConnectionKind.OTHER: _l("Other"),
}
_STATE_LABELS: dict[str, dict[str, Any]] = {  # the "state" field, by kind of record
    "testimonial": {s.value: label for s, label in _TESTIMONIAL_STATES.items()},
    "followup": {s.value: label for s, label in FOLLOWUP_STATE_LABELS.items()},
    "message": {s.value: label for s, label in _MESSAGE_STATES.items()},
    "job": {s.value: label for s, label in _JOB_STATES.items()},
}
_FIELD_VALUES: dict[str, dict[str, Any]] = {  # fields whose values mean the same everywhere
    "status": {s.value: label for s, label in STATUS_LABELS.items()},
    "role": {r.value: label for r, label in ROLE_LABELS.items()},
    "connection_kind": {c.value: label for c, label in _CONNECTIONS.items()},
    "collection": COLLECTION_LABELS,
}


def action_label(action: str) -> str:
    """The words for an action ("approved a testimonial" for "testimonial.approve"); an
    unknown action as it is."""
    return str(ACTION_LABELS.get(action, action))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def value_label(kind: str, name: str, value: str) -> str:
    """A stored enum value as the console names it ("Waiting" for a testimonial's
    "pending"); any other value as it is."""
    known = _STATE_LABELS.get(kind, {}) if name == "state" else _FIELD_VALUES.get(name, {})
    return str(known.get(value, value))
