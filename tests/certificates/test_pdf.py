"""The stored certificate PDF: PDF/A-3a, frozen text, a QR code of the verification URL, the VNR as Code 39."""

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certificates import designs
from certificates.tasks import render_certificate_pdf_task
from tests.certificates.tools import pdf_text, run, scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_path(certificate, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate.pdf.read())
    return path


def test_pdf_passes_qpdf_check(pdf_path):
    """qpdf finds no structural problem in the stored PDF."""
    result = run("qpdf", "--check", pdf_path, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def test_pdf_declares_pdfa_3a(pdf_path):
    """The XMP metadata declares PDF/A part 3, conformance A (tagged), and an output intent is embedded."""
    reader = PdfReader(pdf_path)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_pdf_text_carries_the_frozen_facts(certificate, pdf_path):
    """Reading the text back gives name, course, VNR, points, code, URL and the scientific lead."""
    text = " ".join(pdf_text(pdf_path).split())
    assert certificate.verification_url in text.replace(" ", "")
    for fact in (
        "Alex Beispiel",
        "Minikurs",
        certificate.vnr,
        certificate.code,
        "Dr. Test Lead",
        "Testkammer",
    ):
        assert fact in text, fact
    assert len(PdfReader(pdf_path).pages) == 1


def test_pdf_embeds_the_signature_image(pdf_path):
    """The scientific lead's signature is an image on the page."""
    page = PdfReader(pdf_path).pages[0]
    assert len(page.images) >= 1


def test_qr_and_code39_scan_back(certificate, pdf_path, tmp_path):
    """Scanning the printed page yields the verification URL (QR) and the VNR (Code 39)."""
    scanned = scan(pdf_path, tmp_path)
    assert certificate.verification_url in scanned
    assert certificate.vnr in scanned


def test_scanning_the_qr_code_leads_to_valid(client, certificate, pdf_path, tmp_path):
    """The URL in the QR code opens the public page, which says valid."""
    url = next(line for line in scan(pdf_path, tmp_path) if line.startswith("http"))
    response = client.get(url.removeprefix("http://127.0.0.1:8000"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Valid." in response.content.decode()


def test_rendering_again_keeps_the_stored_pdf(certificate):
    """A redelivered render task finds the stored PDF and leaves it alone."""
    before = certificate.pdf.read()
    assert render_certificate_pdf_task.delay(certificate.pk).get() == "exists"
    certificate.refresh_from_db()
    assert certificate.pdf.read() == before


def test_released_designs_are_unchanged():
    """Every released design file still has the SHA-256 pinned in the registry."""
    for design in designs.DESIGNS.values():
        assert design.file_digest() == design.sha256, f"{design.template} changed: release a new design instead"
    assert designs.CURRENT in designs.DESIGNS


def test_certificate_names_its_design_and_screen_uses_it(learner_client, certificate):
    """The certificate records its design; the on-screen page renders the same template."""
    assert certificate.design == designs.CURRENT
    page = learner_client.get(reverse("certificates:detail", args=[certificate.code])).content.decode()
    assert 'class="hc3"' in page and certificate.participant_name in page


def _png(colour: str) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_organizer_logo_is_frozen(org_version, organization, passed_enrollment, learner, signature, tmp_path):
    """The organizer's logo is printed from a copy taken at issue; a new logo later changes nothing."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from certificates import services

    organization.logo.save("logo.png", ContentFile(_png("navy")))
    certificate = services.issue(passed_enrollment, by=learner)
    frozen = certificate.organizer_logo
    assert frozen.startswith("certificates/logos/")
    organization.logo.save("other.png", ContentFile(_png("red")))
    certificate.refresh_from_db()
    assert certificate.organizer_logo == frozen
    with default_storage.open(frozen, "rb") as handle:
        assert handle.read() == _png("navy")
    render_certificate_pdf_task.delay(certificate.pk)
    certificate.refresh_from_db()
    pdf = tmp_path / "logo.pdf"
    pdf.write_bytes(certificate.pdf.read())
    assert len(PdfReader(pdf).pages[0].images) >= 2  # logo and signature
