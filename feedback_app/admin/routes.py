"""The console's front page: what needs attention."""

from __future__ import annotations

from flask import Blueprint, render_template

from generator.publish import last_publish

from ..auth.current import staff_required
from ..data import get_store
from ..store import TestimonialState, utcnow

__all__ = ["bp"]

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@staff_required
def index() -> str:
    store = get_store()
    now = utcnow()
    open_followups = [f for f in store.followups.all() if f.done_at is None]
    figures = {
        "pending_testimonials": sum(  # unconfirmed ones do not reach staff
            1 for t in store.testimonials.all()
            if t.state is TestimonialState.PENDING and t.email_confirmed_at is not None
        ),
        "open_followups": len(open_followups),
        "overdue_followups": sum(1 for f in open_followups if f.overdue(now)),
        "queued_mail": store.messages.pending(),
        "suppressed": sum(1 for c in store.contacts.all() if c.suppressed_at is not None),
        "ideas": store.ideas.count(),
    }
    return render_template("admin/index.html", figures=figures, published=last_publish(store))
