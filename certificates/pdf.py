"""
Render a certificate to tagged PDF/A-3a bytes: one pure function, no ORM writes (the task stores the bytes).

WeasyPrint 66 writes PDF/A-3u and, with ``pdf_tags``, the structure tree, ``MarkInfo`` and ``/Lang`` that
level A asks for; it only lacks the variant name, so the XMP identification says conformance A here
(docs/decisions/0114). Images carry no ``/Interpolate`` entry (PDF/A-3 rule 6.2.8 forbids ``true``).
"""

import base64
import mimetypes
from functools import partial
from typing import Any

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from . import designs
from .barcodes import code39_data_uri, qr_data_uri
from .models import Certificate

PDF_VARIANT = "pdf/a-3u"
PDFA_PART, PDFA_CONFORMANCE = 3, "A"


def _stored_data_uri(name: str) -> str:
    content_type = mimetypes.guess_type(name)[0] or "image/png"
    with default_storage.open(name, "rb") as handle:
        return f"data:{content_type};base64," + base64.b64encode(handle.read()).decode()


def signature_data_uri(certificate: Certificate) -> str:
    if certificate.signature_image:
        return _stored_data_uri(certificate.signature_image)
    if certificate.signature is None:
        return ""
    image = certificate.signature.image
    content_type = mimetypes.guess_type(image.name)[0] or "image/png"
    with image.open("rb") as handle:
        return f"data:{content_type};base64," + base64.b64encode(handle.read()).decode()


def organizer_logo_data_uri(certificate: Certificate) -> str:
    return _stored_data_uri(certificate.organizer_logo) if certificate.organizer_logo else ""


def certificate_context(certificate: Certificate) -> dict:
    """What a design template gets: the frozen row plus its marks, all embedded (nothing fetched)."""
    return {
        "certificate": certificate,
        "design": designs.get(certificate.design),
        "qr": qr_data_uri(certificate.verification_url),
        "vnr_barcode": code39_data_uri(certificate.vnr) if certificate.vnr else "",
        "signature_image": signature_data_uri(certificate),
        "organizer_logo": organizer_logo_data_uri(certificate),
        "organizer_address_lines": [line for line in certificate.organizer_address.splitlines() if line.strip()],
    }


def _level_a_metadata(original: Any, metadata: Any, variant: str, version: int, conformance: str | None) -> bytes:
    # WeasyPrint asks for the "U" identification of its pdf/a-3u variant; the tagged file is level A.
    if variant == "a" and version == PDFA_PART:
        conformance = PDFA_CONFORMANCE
    return original(metadata, variant, version, conformance)


def _without_interpolation(document: Any, pdf: Any) -> None:
    """Drop /Interpolate from every image: PDF/A forbids true, and absent means false."""
    for pdf_object in pdf.objects:
        extra = getattr(pdf_object, "extra", None)
        if isinstance(extra, dict) and extra.get("Subtype") == "/Image":
            extra.pop("Interpolate", None)
            mask_extra = getattr(extra.get("SMask"), "extra", None)
            if isinstance(mask_extra, dict):
                mask_extra.pop("Interpolate", None)


def render_certificate(certificate: Certificate) -> bytes:
    # WeasyPrint loads pango through cffi at import; keep that cost out of processes that never render.
    from weasyprint import HTML

    with translation.override(certificate.language):
        html = render_to_string("certificates/document.html", certificate_context(certificate))
    document = HTML(string=html).render(pdf_variant=PDF_VARIANT, pdf_tags=True)
    document.metadata.generate_rdf_metadata = partial(_level_a_metadata, document.metadata.generate_rdf_metadata)
    return document.write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        pdf_identifier=certificate.code.encode(),
        custom_metadata=True,
        finisher=_without_interpolation,
    )
