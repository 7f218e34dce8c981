"""A testimonial's photo: checked by what it is, not by its name, and made safe to publish.

A file is accepted only if Pillow reads it whole as a JPEG, PNG, WebP or GIF picture of a sane
size; whatever its name or declared type says does not count. The stored photo is a new JPEG
drawn from the pixels alone, turned upright first and resized, so nothing of the original
file comes along: no EXIF (GPS position, camera serial), no comments, no colour profile, and
nothing hidden after the picture.
"""

from __future__ import annotations

import base64
import io
import warnings

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..store.models import Photo

__all__ = ["FORMATS", "SIDE", "PhotoError", "clean_photo"]

FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
SIDE = 600  # the longest side of a stored photo, in pixels: enough for a portrait on a card
# A picture larger than this would take far more memory to decode than any portrait needs
# (a small file can claim a huge size: a "decompression bomb").
MOST_PIXELS = 40_000_000
QUALITY = 85


class PhotoError(ValueError):
    """The file cannot be used as a photo; the message says why, for the person."""


def clean_photo(data: bytes) -> Photo:
    """The photo to store for the uploaded `data`, or PhotoError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
                if probe.width * probe.height > MOST_PIXELS:
                    raise PhotoError(_("This picture is too large in pixels; a smaller one, "
                                       "please (a few megapixels is plenty)."))  # fmt: skip
                probe.verify()  # the whole file is read: a cut-off or forged one fails here
            with Image.open(io.BytesIO(data), formats=FORMATS) as picture:
                picture.seek(0)  # a GIF's first frame
                upright = ImageOps.exif_transpose(picture)
                upright.thumbnail((SIDE, SIDE))
                pixels = _on_white(upright)
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):  # fmt: skip
        raise PhotoError(
            _("This file is not a photo we can use. Please choose a JPEG, PNG, WebP or GIF "
              "picture.")
        ) from None
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=QUALITY, optimize=True)
    return Photo("image/jpeg", base64.b64encode(out.getvalue()).decode("ascii"),
                 pixels.width, pixels.height)  # fmt: skip


def _on_white(picture: Image.Image) -> Image.Image:
    """The picture's pixels alone, on a new white RGB image: transparency becomes white, and
    none of the original's metadata can follow (a new image has none)."""
    rgba = picture.convert("RGBA")
    clean = Image.new("RGB", rgba.size, "white")
    clean.paste(rgba, mask=rgba.getchannel("A"))
    return clean
