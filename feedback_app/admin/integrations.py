"""API tokens from the console: the same tokens as `voicebox token`, with an audit entry.

The secret is handed back to be shown once and goes nowhere else: not in the store (only its
hash, see sales.tokens), not in the audit entry, not in a flashed message (the session cookie
is signed, not encrypted), not in a log.
"""

from __future__ import annotations

from datetime import datetime

from .. import audit
from ..sales.tokens import create_token, revoke_token
from ..store import Store, User
from ..store.models import ApiToken

__all__ = ["create_api_token", "revoke_api_token"]


def create_api_token(
    store: Store, actor: User, name: str, submission: str
) -> tuple[ApiToken, str | None]:
    """A new token for the integration `name`: the record, and the secret to show once (None
    when this copy of the form made its token already: a reload)."""
    token, secret = create_token(store, name, created_by=actor.id, submission=submission)
    if secret is None:
        return token, None
    audit.record(store, actor, "token.create", "api_token", token.id, {}, {"name": token.name},
                 summary=token.name)  # fmt: skip
    return token, secret


def revoke_api_token(store: Store, actor: User, token_id: int, now: datetime) -> ApiToken:
    """Refuse every call made with this token from now on (TokenNotFound: none active)."""
    token = revoke_token(store, str(token_id), now, by_id=True)
    audit.record(store, actor, "token.revoke", "api_token", token.id, {"revoked_at": None},
                 {"revoked_at": token.revoked_at}, summary=token.name)  # fmt: skip
    return token
