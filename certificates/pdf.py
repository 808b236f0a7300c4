"""Render a certificate to PDF bytes: one pure function, no ORM writes (the task stores the bytes)."""

import base64
import io

import segno
from django.template.loader import render_to_string
from django.utils import translation

from .models import Certificate


def qr_data_uri(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def certificate_context(certificate: Certificate) -> dict:
    return {"certificate": certificate, "qr": qr_data_uri(certificate.verification_url)}


def render_certificate(certificate: Certificate) -> bytes:
    # WeasyPrint loads pango through cffi at import; keep that cost out of processes that never render.
    from weasyprint import HTML

    with translation.override(certificate.language):
        html = render_to_string("certificates/document.html", certificate_context(certificate))
    return HTML(string=html).write_pdf()
