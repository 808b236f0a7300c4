"""
An organization's logo as it may be stored: checked by its content, bounded, re-encoded as a small PNG.

The uploaded bytes are never stored or served: Pillow reads the header, the format must be PNG or JPEG (an
SVG or HTML file renamed ``.png`` is not an image to Pillow), the byte size and the pixel count are checked
before any pixel is decoded, and the image is scaled down and written anew. Decision 0801.
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

FORMATS = {"PNG", "JPEG"}
# Printed at most 50 mm wide: 1200 px is 600 dpi there.
STORED_MAX_SIDE = 1200


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def normalise_logo(upload: UploadedFile) -> ContentFile:
    """Return the logo as a PNG of at most ``STORED_MAX_SIDE`` pixels a side, or raise ``ValidationError``."""
    max_bytes = settings.ORGANIZATIONS_LOGO_MAX_BYTES
    max_pixels = settings.ORGANIZATIONS_LOGO_MAX_PIXELS
    if upload.size is None or upload.size > max_bytes:
        raise _refuse(
            _("The logo may be at most %(limit)s MB.") % {"limit": f"{max_bytes / 1_000_000:.1f}"}, "logo_too_large"
        )
    upload.seek(0)
    too_many_pixels = _("The logo has more than %(limit)s pixels. Scale it down first.") % {"limit": f"{max_pixels:,}"}
    try:
        # Image.open reads only the header: format and size are known before any pixel is decoded.
        image = Image.open(upload, formats=sorted(FORMATS))
    except Image.DecompressionBombError:  # Pillow's own, far higher limit
        raise _refuse(too_many_pixels, "logo_pixels") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise _refuse(_("The logo must be a PNG or JPEG image."), "logo_type") from None
    width, height = image.size
    if width * height > max_pixels:
        raise _refuse(too_many_pixels, "logo_pixels")
    try:
        if image.format == "JPEG":
            image.draft("RGB", (STORED_MAX_SIDE, STORED_MAX_SIDE))  # decode JPEG at a reduced scale directly
        image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
        opaque = "A" not in image.getbands() and "transparency" not in image.info
        converted = image.convert("RGB" if opaque else "RGBA")
        buffer = io.BytesIO()
        converted.save(buffer, format="PNG", optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _refuse(_("The logo image is damaged; save it again as PNG or JPEG."), "logo_damaged") from None
    return ContentFile(buffer.getvalue(), name="logo.png")
