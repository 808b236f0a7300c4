"""Render a certificate to PDF/A-3b bytes: one pure function, no ORM writes (the task stores the bytes)."""

import base64
import mimetypes

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from . import designs
from .barcodes import code39_data_uri, qr_data_uri
from .models import Certificate

PDF_VARIANT = "pdf/a-3b"


def signature_data_uri(certificate: Certificate) -> str:
    if certificate.signature is None:
        return ""
    image = certificate.signature.image
    content_type = mimetypes.guess_type(image.name)[0] or "image/png"
    with image.open("rb") as handle:
        return f"data:{content_type};base64," + base64.b64encode(handle.read()).decode()


def organizer_logo_data_uri(certificate: Certificate) -> str:
    if not certificate.organizer_logo:
        return ""
    content_type = mimetypes.guess_type(certificate.organizer_logo)[0] or "image/png"
    with default_storage.open(certificate.organizer_logo, "rb") as handle:
        return f"data:{content_type};base64," + base64.b64encode(handle.read()).decode()


def certificate_context(certificate: Certificate) -> dict:
    """What a design template gets: the frozen row plus its marks, all embedded (nothing fetched)."""
    return {
        "certificate": certificate,
        "design": designs.get(certificate.design),
        "qr": qr_data_uri(certificate.verification_url),
        "vnr_barcode": code39_data_uri(certificate.vnr) if certificate.vnr else "",
        "signature_image": signature_data_uri(certificate),
        "organizer_logo": organizer_logo_data_uri(certificate),
    }


def render_certificate(certificate: Certificate) -> bytes:
    # WeasyPrint loads pango through cffi at import; keep that cost out of processes that never render.
    from weasyprint import HTML

    with translation.override(certificate.language):
        html = render_to_string("certificates/document.html", certificate_context(certificate))
    return HTML(string=html).write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_identifier=certificate.code.encode(),
        custom_metadata=True,
    )
