"""The brand set once: its colour checked at startup, its files read with clear refusals, and
the board showing it (header, logo, favicon, colour, the way to the published site)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from feedback_app.brand import (
    MAX_IMAGE_BYTES,
    NEAR_BLACK,
    WHITE,
    BrandError,
    contrast,
    load_image,
    mail_from,
    parse_color,
    text_color_on,
)
from feedback_app.config import ConfigError, load_config
from feedback_app.demo import DEMO_BRAND, demo_brand

LOGO = Path(DEMO_BRAND["LOGO"])
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.mark.parametrize(
    ("given", "color", "text"),
    [("#2B59C3", "#2b59c3", WHITE), ("ffff00", "#ffff00", NEAR_BLACK),
     ("#6f4e37", "#6f4e37", WHITE), ("#1e90ff", "#1e90ff", NEAR_BLACK),
     ("#fc0", "#ffcc00", NEAR_BLACK)],
)  # fmt: skip
def test_a_colour_gets_the_text_colour_that_reads_on_it(given: str, color: str, text: str) -> None:
    assert parse_color(given) == color
    assert text_color_on(color) == text
    assert contrast(color, text) >= 4.5


def test_a_colour_no_text_reads_on_is_refused_at_startup_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"VOICEBOX_BRAND_COLOR='#777777'.*neither white"):
        load_config({"VOICEBOX_BRAND_COLOR": "#777777"})
    with pytest.raises(ConfigError, match="hex colour"):
        load_config({"VOICEBOX_BRAND_COLOR": "indigo"})
    assert load_config({})["BRAND_COLOR"] == "#2b59c3"


def test_logo_files_are_read_or_refused_with_a_reason(tmp_path: Path) -> None:
    assert load_image("", "VOICEBOX_LOGO") is None
    svg = load_image(str(LOGO), "VOICEBOX_LOGO")
    assert (
        svg is not None and svg.media_type == "image/svg+xml" and svg.content == LOGO.read_bytes()
    )
    png = tmp_path / "logo.png"
    png.write_bytes(PNG)
    found = load_image(str(png), "VOICEBOX_LOGO")
    assert found is not None and found.extension == "png"
    cases = {
        "missing.png": (None, "cannot read it"),
        "big.png": (PNG + b"\0" * MAX_IMAGE_BYTES, "larger than 512 KiB"),
        "notes.txt": (b"just text", "not an SVG, PNG"),
        "evil.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                     "script"),
        "onload.svg": (b'<svg onload="alert(1)"></svg>', "script"),
    }  # fmt: skip
    for name, (content, reason) in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        with pytest.raises(BrandError, match=f"VOICEBOX_FAVICON=.*{name}.*{reason}"):
            load_image(str(tmp_path / name), "VOICEBOX_FAVICON")
    with pytest.raises(BrandError, match="cannot read it"):
        load_image(str(tmp_path), "VOICEBOX_LOGO")  # a folder


def test_emails_come_from_the_business_by_name_unless_a_name_is_set() -> None:
    assert mail_from({"MAIL_FROM": "voicebox@localhost", "SITE_NAME": "Brewline Coffee"}) == (
        "Brewline Coffee <voicebox@localhost>"
    )
    given = {"MAIL_FROM": "Ada <ada@brewline.example>", "SITE_NAME": "Brewline Coffee"}
    assert mail_from(given) == "Ada <ada@brewline.example>"
    assert "=?utf-8?" in mail_from({"MAIL_FROM": "a@b.example", "SITE_NAME": "Кавʼярня"})


def test_the_demo_brand_applies_only_where_no_variable_sets_one() -> None:
    settings = demo_brand({"SITE_NAME": "Voicebox", "LOGO": ""}, {"VOICEBOX_SITE_NAME": "Mine"})
    assert settings["SITE_NAME"] == "Voicebox"
    assert settings["LOGO"] == DEMO_BRAND["LOGO"] and settings["BRAND_COLOR"] == "#6f4e37"


def test_the_board_shows_the_brand(make_app: Callable[..., Flask]) -> None:
    app = make_app(SITE_NAME="Brewline Coffee", LOGO=str(LOGO), BRAND_COLOR="#ffcc00",
                   SITE_URL="https://stories.brewline.example/")  # fmt: skip
    client = app.test_client()
    html = client.get("/ideas/").get_data(as_text=True)
    assert "Brewline Coffee" in html
    assert 'class="brand-logo" src="/brand/logo?v=' in html
    assert '<link rel="icon" type="image/svg+xml" href="/brand/icon?v=' in html
    assert 'href="https://stories.brewline.example/"' in html and "What our customers say" in html
    css = client.get("/brand.css")
    assert css.mimetype == "text/css"
    assert "--brand: #ffcc00; --brand-ink: #111111;" in css.get_data(as_text=True)
    logo = client.get("/brand/logo")
    assert logo.mimetype == "image/svg+xml" and logo.data == LOGO.read_bytes()
    assert "sandbox" in logo.headers["Content-Security-Policy"]
    assert client.get("/brand/icon").data == LOGO.read_bytes(), "the favicon defaults to the logo"
    with app.app_context():
        from feedback_app.mail import mailer

        assert mailer().sender == "Brewline Coffee <voicebox@localhost>"


def test_without_a_logo_the_board_keeps_its_own_icon(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    html = client.get("/ideas/").get_data(as_text=True)
    assert "brand-logo" not in html and "/static/favicon.svg" in html
    assert client.get("/brand/logo").status_code == 404


def test_a_bad_logo_or_colour_stops_the_app_with_a_message(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=r"VOICEBOX_LOGO=.*cannot read it"):
        make_app(LOGO=str(tmp_path / "nowhere.svg"))
    with pytest.raises(ConfigError, match="neither white"):
        make_app(BRAND_COLOR="#777777")
