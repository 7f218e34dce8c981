"""Helpers for the testimonial tests: posting the form as a browser does, reading the emails."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from feedback_app.store import Message, Role, Store
from tests.conftest import app_store, csrf_token, run_mail_jobs, sign_in

QUOTE = "Замовлення прийшло вчасно, все працює чудово. Дякую команді!"
FORM_PAGE = "/testimonials/new"
_HIDDEN = re.compile(r'name="(invite|submission)" type="hidden" value="([^"]*)"')


def form_fields(client: FlaskClient, url: str = FORM_PAGE) -> dict[str, str]:
    """The hidden fields of the form page (CSRF token, invitation, the form's own id)."""
    page = client.get(url).get_data(as_text=True)
    fields = dict(_HIDDEN.findall(page))
    fields["csrf_token"] = csrf_token(client, url)
    return fields


def entry(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "quote": QUOTE, "rating": "5", "name": "Олена Коваленко", "role": "Бухгалтерка",
        "company": "Квітка", "email": "Olena@Example.COM", "credit_style": "full",
        "connection_kind": "none", "connection": "", "consent": "y",
    }  # fmt: skip
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def post(client: FlaskClient, fields: dict[str, Any], **changes: Any) -> Any:
    data = {**fields, **entry(**changes)}
    return client.post(FORM_PAGE, data=data, content_type="multipart/form-data")


def jpeg(size: tuple[int, int] = (1600, 1200), exif: bool = True) -> bytes:
    """A photo as a phone takes it: large, with EXIF holding a GPS position."""
    picture = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    data = Image.Exif()
    if exif:
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {1: "N", 2: (50.0, 27.0, 0.0), 3: "E", 4: (30.0, 31.0, 0.0)}  # GPS
    picture.save(out, "JPEG", exif=data.tobytes())
    return out.getvalue()


def mails(app: Flask) -> list[Message]:
    run_mail_jobs(app)
    return app_store(app).messages.all()


def link_in(message: Message, path: str) -> str:
    found = re.search(rf"http://localhost({re.escape(path)}[^\s\"<]+)", message.text)
    assert found, f"no {path} link in:\n{message.text}"
    return found.group(1)


def staff(client: FlaskClient, store: Store) -> int:
    marketer = store.users.add("marketer@example.com", Role.MARKETER)
    sign_in(client, marketer.id)
    return marketer.id


def press(client: FlaskClient, url: str, **data: str) -> Any:
    """Open a link's page, then press its button (a GET alone records nothing)."""
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})
