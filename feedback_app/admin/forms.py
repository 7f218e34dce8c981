"""Console forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields import SelectChoice

from ..forms import VoiceboxForm
from ..store import Role

__all__ = ["RoleForm"]

ROLE_LABELS = {
    Role.CUSTOMER: _l("Customer"),
    Role.MARKETER: _l("Marketer"),
    Role.ADMIN: _l("Admin"),
}


class RoleForm(VoiceboxForm):
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
