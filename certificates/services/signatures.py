"""Signature images of scientific leads: stored once, never edited, so certificates can point at them."""

import hashlib
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Signature


@transaction.atomic
def add_signature(*, signatory_name: str, content: bytes, filename: str) -> Signature:
    """Store a PNG or JPEG signature; a certificate issued later for this lead prints the newest one."""
    # Imported here, not at module level: Pillow is only needed when a signature image is uploaded.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
    except UnidentifiedImageError as error:
        raise ValidationError(_("The signature must be a PNG or JPEG image."), code="signature_type") from error
    if kind not in ("PNG", "JPEG"):
        raise ValidationError(_("The signature must be a PNG or JPEG image."), code="signature_type")
    signature = Signature(signatory_name=signatory_name.strip(), sha256=hashlib.sha256(content).hexdigest())
    extension = "png" if kind == "PNG" else "jpg"
    signature.image.save(f"{signature.sha256[:16]}.{extension}", ContentFile(content), save=False)
    signature.save()
    return signature
