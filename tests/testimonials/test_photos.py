"""The photo: checked by what the file is, stored without its metadata and smaller; the size
limit of this one form is PHOTO_MAX_MB, while every other form keeps MAX_UPLOAD_KB."""

from __future__ import annotations

import html
import io
import os
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from feedback_app.store import Store
from feedback_app.testimonials.photos import SIDE
from generator.publish import GENERATED, publish
from tests.conftest import app_store, csrf_token, sign_in

from .conftest import QUOTE, form_fields, jpeg, link_in, mails, post, press, staff


def _with_photo(client: FlaskClient, data: bytes, name: str = "me.jpg", **kw: object) -> object:
    return post(client, form_fields(client), photo=(io.BytesIO(data), name), **kw)


def _text(answer: object) -> str:
    return html.unescape(answer.get_data(as_text=True))  # type: ignore[attr-defined]


def test_a_stored_photo_has_no_gps_or_other_metadata_and_is_resized(
    app: Flask, client: FlaskClient
) -> None:
    original = jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825), "the test photo has GPS"
    assert _with_photo(client, original).status_code == 302  # type: ignore[attr-defined]
    store = app_store(app)
    [testimonial] = store.testimonials.all()
    stored = store.photos.get(testimonial.photo_id).content
    picture = Image.open(io.BytesIO(stored))
    assert picture.format == "JPEG" and max(picture.size) == SIDE
    assert not picture.getexif() and "exif" not in picture.info
    assert b"Exif" not in stored and b"PhoneMaker" not in stored


def test_a_file_that_is_no_picture_is_refused_whatever_its_name(
    app: Flask, client: FlaskClient
) -> None:
    answer = _with_photo(client, b"%PDF-1.7 not a picture at all" * 50, name="photo.jpg")
    assert answer.status_code == 400  # type: ignore[attr-defined]
    page = _text(answer)
    assert "not a photo we can use" in page and QUOTE in page
    assert app_store(app).testimonials.count() == 0 and app_store(app).photos.count() == 0


def test_a_picture_renamed_to_anything_is_read_by_its_content(
    app: Flask, client: FlaskClient
) -> None:
    png = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(png, "PNG")
    assert _with_photo(client, png.getvalue(), name="notes.txt").status_code == 302  # type: ignore[attr-defined]
    assert app_store(app).photos.count() == 1


def test_the_photo_limit_is_this_forms_own_and_the_global_limit_stays_elsewhere(
    make_app: Callable[..., Flask], store: Store
) -> None:
    app = make_app(PHOTO_MAX_MB=1, MAX_UPLOAD_KB=64)
    client = app.test_client()
    photo = jpeg((900, 700))
    assert len(photo) < 64 * 1024 < 1024 * 1024
    big_but_allowed = photo + b"\0" * (700 * 1024)  # trailing bytes after the picture
    assert _with_photo(client, big_but_allowed).status_code == 302  # type: ignore[attr-defined]
    too_big = _with_photo(client, b"\xff\xd8" + os.urandom(1024 * 1024 + 10))
    assert too_big.status_code == 400  # type: ignore[attr-defined]
    assert "larger than 1 MB" in _text(too_big) and QUOTE in _text(too_big)
    far_too_big = _with_photo(client, os.urandom(3 * 1024 * 1024))
    assert far_too_big.status_code == 413  # type: ignore[attr-defined]
    assert app_store(app).testimonials.count() == 1
    # Elsewhere: no multipart at all, and the ordinary limit.
    person = app_store(app).users.add("p@example.com")
    sign_in(client, person.id)
    token = csrf_token(client, "/ideas/new")
    multipart = client.post("/ideas/new", data={"csrf_token": token, "title": "Oat milk",
                            "file": (io.BytesIO(b"x"), "x.jpg")},
                            content_type="multipart/form-data")  # fmt: skip
    assert multipart.status_code == 415
    long = client.post("/ideas/new", data={"csrf_token": token, "title": "x" * 70 * 1024})
    assert long.status_code == 413


def test_photo_credit_and_disclosure_reach_the_published_site(
    app: Flask, client: FlaskClient, site_project: Path
) -> None:
    _with_photo(client, jpeg(), credit_style="first_initial", connection_kind="incentive",
                connection="Знижка 10% на наступне замовлення")  # fmt: skip
    # an anonymous one with a photo: the photo would name them as surely as a name
    _with_photo(client, jpeg((1200, 900)), credit_style="anonymous", email="anon@example.com",
                quote="Анонімний відгук: все чудово, дякую за швидкість!")  # fmt: skip
    store = app_store(app)
    staff(client, store)
    for mail in mails(app):
        press(client, link_in(mail, "/testimonials/confirm/"))
    for t in store.testimonials.all():
        client.post(
            f"/admin/testimonials/{t.id}",
            data={"csrf_token": csrf_token(client, f"/admin/testimonials/{t.id}"), "do": "approve"},
        )
    site = site_project / "site"
    publish(store, site_project, site, "http://board", "http://127.0.0.1/")
    page = (site / "testimonials" / "index.html").read_text()
    assert "Олена К." in page and "Олена Коваленко" not in page
    assert "Disclosure: received something in return (Знижка 10% на наступне замовлення)" in page
    assert "A customer" in page and "anon@example.com" not in page
    photos = list((site / "photos").glob("*.jpg"))
    assert len(photos) == 1 and f'src="../photos/{photos[0].name}"' in page
    assert b"PhoneMaker" not in photos[0].read_bytes()
    assert (site_project / GENERATED / "photos" / photos[0].name).exists()
    home = (site / "index.html").read_text()
    assert f'src="photos/{photos[0].name}"' in home
