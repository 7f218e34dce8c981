"""The business's brand, set once (VOICEBOX_SITE_NAME, _LOGO, _FAVICON, _BRAND_COLOR) and read
by the app, the emails and the published site alike. No Flask here: the generator uses it too.

The colour is checked when the settings are read: the text on it (header, buttons) is white or
near-black, whichever reaches WCAG's 4.5:1, and a colour where neither does is refused, so no
business can configure an unreadable header. Logo and favicon are read once, as bytes, and
must be a small image of a kind every browser shows; anything else is a `BrandError` that says
which file and why, never a traceback.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_COLOR", "MAX_IMAGE_BYTES", "Brand", "BrandError", "BrandImage", "contrast",
    "load_brand", "load_image", "mail_from", "parse_color", "text_color_on",
]  # fmt: skip

DEFAULT_COLOR = "#2b59c3"
WHITE = "#ffffff"
NEAR_BLACK = "#111111"  # softer than pure black; the colours it cannot serve are refused
MIN_CONTRAST = 4.5  # WCAG 2.x AA for normal text
MAX_IMAGE_BYTES = 512 * 1024  # a logo is a few KiB; every page of the site loads it
_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
# An SVG is a document: one that could run script on the site's or the app's origin is refused.
_SVG_ACTIVE = re.compile(rb"<\s*script|\son[a-z]+\s*=|javascript:|<\s*foreignObject", re.I)


class BrandError(ValueError):
    """A brand setting or file that cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class BrandImage:
    """A logo or favicon: its bytes, as read once, and what kind of image they are."""

    content: bytes
    media_type: str
    extension: str

    @property
    def file_name(self) -> str:
        """Named for its content, so a changed logo is never served from a stale cache."""
        return f"{zlib.crc32(self.content):08x}.{self.extension}"


@dataclass(frozen=True)
class Brand:
    """Who runs the board and the site, and how they look."""

    name: str = "Voicebox"
    color: str = DEFAULT_COLOR
    logo: BrandImage | None = None
    favicon: BrandImage | None = None  # None: the logo's

    @property
    def text_color(self) -> str:
        """The colour of text on `color` (header, primary buttons)."""
        return text_color_on(self.color)

    @property
    def icon(self) -> BrandImage | None:
        return self.favicon or self.logo


def _luminance(color: str) -> float:
    """WCAG 2.x relative luminance of a #rrggbb colour."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color_on(color: str) -> str:
    """White or near-black, whichever reads on `color` at 4.5:1 (white when both do)."""
    for candidate in (WHITE, NEAR_BLACK):
        if contrast(color, candidate) >= MIN_CONTRAST:
            return candidate
    raise BrandError(
        f"{color}: neither white ({contrast(color, WHITE):.2f}:1) nor near-black "
        f"({contrast(color, NEAR_BLACK):.2f}:1) text reaches {MIN_CONTRAST}:1 on it; "
        "choose a lighter or a darker colour"
    )


def parse_color(raw: str) -> str:
    """'#2B59C3', '2b59c3' or '#25c' -> '#2b59c3', once text on it is known to be readable."""
    found = _HEX.fullmatch(raw.strip())
    if not found:
        raise BrandError("expected a hex colour such as #2b59c3")
    digits = found.group(1).lower()
    color = "#" + (digits if len(digits) == 6 else "".join(d * 2 for d in digits))
    text_color_on(color)
    return color


def _kind(content: bytes) -> tuple[str, str] | None:
    """(media type, extension) of an image every browser shows, from its first bytes."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif", "gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp", "webp"
    if content.startswith(b"\x00\x00\x01\x00"):
        return "image/x-icon", "ico"
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<svg", b"<?xml", b"<!--")) and b"<svg" in content[:4096]:
        return "image/svg+xml", "svg"
    return None


def load_image(path: str, setting: str) -> BrandImage | None:
    """The image at `path` ("" for none), read once; `setting` names it in any error."""
    if not path:
        return None
    try:
        with Path(path).open("rb") as f:
            content = f.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise BrandError(f"{setting}={path!r}: cannot read it ({exc.strerror or exc})") from exc
    if len(content) > MAX_IMAGE_BYTES:
        raise BrandError(
            f"{setting}={path!r}: larger than {MAX_IMAGE_BYTES // 1024} KiB; use a smaller image"
        )
    kind = _kind(content)
    if kind is None:
        raise BrandError(f"{setting}={path!r}: not an SVG, PNG, JPEG, GIF, WebP or ICO image")
    if kind[1] == "svg":
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BrandError(f"{setting}={path!r}: an SVG that is not UTF-8") from exc
        if _SVG_ACTIVE.search(content):
            raise BrandError(f"{setting}={path!r}: an SVG with script or event handlers")
    return BrandImage(content, *kind)


def load_brand(settings: Mapping[str, Any]) -> Brand:
    """The brand the settings describe (the colour is already checked by `load_config`)."""
    return Brand(
        name=settings["SITE_NAME"],
        color=settings["BRAND_COLOR"],
        logo=load_image(settings["LOGO"], "VOICEBOX_LOGO"),
        favicon=load_image(settings["FAVICON"], "VOICEBOX_FAVICON"),
    )


def mail_from(settings: Mapping[str, Any]) -> str:
    """The sender of every email: VOICEBOX_MAIL_FROM, whose display name defaults to the
    business's name, so a customer sees who writes to them."""
    name, address = parseaddr(settings["MAIL_FROM"])
    return formataddr((name or settings["SITE_NAME"], address or "voicebox@localhost"))
