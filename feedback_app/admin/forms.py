"""Console forms: staff accounts, API tokens, one person's data, and the sales pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import ValidationError

from ..form_ids import new_form_id
from ..forms import VoiceboxForm, email_field, text_field
from ..store import Role

__all__ = [
    "CSV_MAX_BYTES",
    "ROLE_LABELS",
    "ImportForm",
    "InviteForm",
    "LinkForm",
    "PersonForm",
    "RoleForm",
    "TokenForm",
]  # fmt: skip

ROLE_LABELS = {
    Role.CUSTOMER: _l("Customer"),
    Role.MARKETER: _l("Marketer"),
    Role.ADMIN: _l("Admin"),
}
# The largest sales file the import page takes (about 100,000 rows); the command line takes
# any size.
CSV_MAX_BYTES = 10 * 1024 * 1024


class RoleForm(VoiceboxForm):
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )


class InviteForm(VoiceboxForm):
    email = email_field(_l("Their email address"))
    name = text_field(_l("Their name (optional)"), max_length=80, required=False)
    role = SelectField(
        _l("Role"), default=Role.MARKETER.value,
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in (Role.MARKETER, Role.ADMIN)],
    )  # fmt: skip


class TokenForm(VoiceboxForm):
    name = text_field(_l("Name of the integration (e.g. the shop system)"), max_length=80)
    submission = HiddenField(default=new_form_id)


class PersonForm(VoiceboxForm):
    """One person's data: export it, or (with `confirmed`) erase it."""

    email = email_field(_l("Their email address"))
    confirmed = HiddenField(default="")


class ImportForm(VoiceboxForm):
    file = FileField(_l("CSV file of sales"), render_kw={"accept": ".csv,text/csv"})

    def validate_file(self, field: Any) -> None:
        self.data_read = b""
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            raise ValidationError(_l("Choose a CSV file."))
        data = upload.read(CSV_MAX_BYTES + 1)
        if len(data) > CSV_MAX_BYTES:
            raise ValidationError(_l("This file is larger than %(mb)d MB: split it in parts.",
                                     mb=CSV_MAX_BYTES // (1024 * 1024)))  # fmt: skip
        if not data.strip():
            raise ValidationError(_l("The file is empty: the first line names the columns."))
        self.data_read = data


class LinkForm(VoiceboxForm):
    email = email_field(_l("The customer's email address"))
    order_ref = text_field(_l("Order reference"), max_length=100)
    send = BooleanField(_l("Also email the link to them now"))
