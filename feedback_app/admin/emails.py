"""The console's emails page: what did not go out and why, and sending a failed one again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.current import staff_required
from ..data import get_store
from ..forms import ActionForm
from ..mail import mailer
from ..store import NotFound
from . import outbox
from .mail_errors import plain_error

__all__ = ["bp"]

bp = Blueprint("admin_mail", __name__, url_prefix="/admin/emails")


@bp.get("/")
@staff_required
def index() -> str:
    store = get_store()
    return render_template(
        "admin/emails.html", failed=outbox.failed_emails(store),
        suppressed=outbox.suppressed_contacts(store), queued=store.messages.pending(),
        action_form=ActionForm(), plain_error=plain_error,
    )  # fmt: skip


@bp.post("/<int:message_id>/send-again")
@staff_required
def send_again(message_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        message = outbox.send_again(get_store(), current_user.user, message_id)
    except NotFound:
        abort(404)
    except outbox.CannotSendAgain as exc:
        if exc.refused:
            flash(_("This email cannot be sent again: %(why)s.", why=exc.refused), "error")
        else:
            flash(_("This email has not failed: it is waiting to be sent, or already sent."),
                  "error")  # fmt: skip
        return redirect(url_for("admin_mail.index"))
    mailer().wake()
    flash(_("“%(subject)s” to %(to)s is queued again: it goes out within a minute.",
            subject=message.subject, to=message.to), "success")  # fmt: skip
    return redirect(url_for("admin_mail.index"))


@bp.post("/suppressed/<int:contact_id>/allow")
@staff_required
def allow_mail_again(contact_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        contact = outbox.allow_mail_again(get_store(), current_user.user, contact_id)
    except NotFound:
        abort(404)
    flash(_("Mail may go to %(email)s again. Send its failed emails again if they are still "
            "wanted.", email=contact.email), "success")  # fmt: skip
    return redirect(url_for("admin_mail.index"))
