"""
The flagship certificate as an archival, accessible PDF (issue 19): tagged PDF/A-3a with a language and a
structure tree, fonts embedded, no interpolated images, completion date and time, the organizer's name, address
and logo, and the scientific lead's signature from the frozen snapshot.
"""

import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from certificates import services
from certificates.models import Certificate
from courses.models import Step
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from enrolments import evaluation
from enrolments.models import StepProgress
from enrolments.services import learning as course_services
from organizations.models import Organization
from tests.certificates.conftest import pass_final_test
from tests.certificates.tools import pdf_text, run

pytestmark = pytest.mark.django_db
FLAGSHIP = Path(__file__).resolve().parents[2] / "content" / "social-media-presence"
ADDRESS = "Musterstraße 12\n10115 Berlin"


def _png(size: tuple[int, int], colour: str, *, stroke: bool = False) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white" if stroke else colour)
    if stroke:
        draw = ImageDraw.Draw(image)
        points = [(x, size[1] // 2 + int(18 * ((x // 9) % 3 - 1))) for x in range(10, size[0] - 10, 9)]
        draw.line(points, fill=colour, width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def flagship_certificate(make_user, django_capture_on_commit_callbacks) -> Certificate:
    """A German learner completes the flagship course of an institute with logo and address."""
    version = import_package(read_package(FLAGSHIP)).version
    organization = Organization.objects.create(
        name="Institut für Psychotherapie Nord", slug="ipn", postal_address=ADDRESS
    )
    organization.logo.save("logo.png", ContentFile(_png((360, 120), "#23415f")))
    version.course.organization = organization
    version.course.save(update_fields=["organization"])
    # The package names no people; the lead comes from whoever holds the accreditation (here: set on the test data).
    version.scientific_lead = "Dr. Erika Beispiel"
    version.scientific_lead_qualification = {"de": "Psychologische Psychotherapeutin", "en": "Psychotherapist"}
    version.save(update_fields=["scientific_lead", "scientific_lead_qualification"])
    services.add_signature(
        signatory_name=version.scientific_lead, content=_png((480, 140), "#1b2733", stroke=True), filename="s.png"
    )
    learner = make_user("flagship@example.org", "Dr. Maria Musterfrau", language="de")
    enrollment = course_services.enroll(version, user=learner)
    StepProgress.objects.bulk_create(
        # Ten active minutes per step: the German profile asks for active time per module before the test.
        StepProgress(enrollment=enrollment, step=step, completed_at=timezone.now(), active_seconds=600)
        for step in Step.objects.filter(module__version=version, required=True)
    )
    course_services.submit_evaluation(enrollment, answers={key: 5 for key, _text in evaluation.ITEMS})
    pass_final_test(enrollment)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue(enrollment, by=learner)
    return Certificate.objects.get(pk=certificate.pk)


@pytest.fixture
def flagship_pdf(flagship_certificate, tmp_path) -> Path:
    path = tmp_path / "flagship.pdf"
    path.write_bytes(flagship_certificate.pdf.read())
    return path


def _objects(reader: PdfReader):
    for number in range(1, len(reader.xref_objStm) + reader.trailer["/Size"]):
        try:
            yield reader.get_object(number)
        except Exception:  # noqa: S112 - free or compressed slots without an object
            continue


def test_no_image_carries_interpolate(flagship_pdf):
    """No image XObject (signature, logo, their masks) has an /Interpolate entry."""
    reader = PdfReader(flagship_pdf)
    images = [o for o in _objects(reader) if isinstance(o, DictionaryObject) and o.get("/Subtype") == "/Image"]
    assert len(images) >= 2
    assert all("/Interpolate" not in image for image in images)


def test_pdf_is_tagged_with_language_and_structure(flagship_pdf, flagship_certificate):
    """MarkInfo /Marked true, /Lang de, and a structure tree with headings, a table and figures with alt text."""
    root = PdfReader(flagship_pdf).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == flagship_certificate.language == "de"
    summary = structure_summary(root["/StructTreeRoot"])
    types = [kind for kind, _alt in summary]
    assert {"H1", "H2", "P", "Table", "TR", "TH", "TD", "Figure"} <= set(types)
    figures = [alt for kind, alt in summary if kind == "Figure"]
    assert all(figures) and any("Unterschrift" in alt for alt in figures)
    # Reading order: the heading and the name come before the table, the table before the marks.
    assert types.index("H1") < types.index("H2") < types.index("Table") < types.index("Figure", types.index("Table"))


def structure_summary(node, out=None) -> list[tuple[str, str]]:
    """The structure elements in document order, as (type, alt text); marked-content ids are leaves."""
    out = [] if out is None else out
    node = node.get_object() if isinstance(node, IndirectObject) else node
    if not isinstance(node, DictionaryObject) or node.get("/Type") in ("/MCR", "/OBJR"):
        return out
    if "/S" in node:
        out.append((str(node["/S"]).lstrip("/"), str(node.get("/Alt", ""))))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        structure_summary(kid, out)
    return out


def test_fonts_are_embedded(flagship_pdf):
    """pdffonts lists every font as embedded."""
    lines = run("pdffonts", flagship_pdf).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        assert re.search(r"\byes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line), line


def test_xmp_declares_pdfa_3a(flagship_pdf):
    """The XMP identification says PDF/A part 3, conformance A; an sRGB output intent is embedded."""
    reader = PdfReader(flagship_pdf)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="A"', xmp)
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert run("qpdf", "--check", flagship_pdf, check=False).returncode == 0


def test_page_carries_time_address_logo_and_signature(flagship_pdf, flagship_certificate):
    """Completion date and time, organizer name and address, lead with qualification; logo and signature images."""
    text = " ".join(pdf_text(flagship_pdf).split())
    local = timezone.localtime(flagship_certificate.completed_at)
    assert re.search(rf"{local.day}\. \w+ {local.year} um {local:%H:%M}", text), text
    for fact in ("Institut für Psychotherapie Nord", "Musterstraße 12", "10115 Berlin", "Dr. Erika Beispiel"):
        assert fact in text, fact
    assert "Psychologische Psychotherapeutin" in text
    assert flagship_certificate.signature_image.startswith("certificates/signatures/")
    assert len(PdfReader(flagship_pdf).pages[0].images) >= 2
    assert len(PdfReader(flagship_pdf).pages) == 1


def test_layout_uses_the_page(flagship_pdf, tmp_path):
    """The marks and signature sit in the bottom third: ink reaches below 85 % of the page height."""
    from PIL import Image

    run("pdftoppm", "-r", "40", "-png", "-singlefile", flagship_pdf, tmp_path / "page")
    image = Image.open(tmp_path / "page.png").convert("L")
    width, height = image.size
    inked_rows = [y for y in range(height) if image.crop((0, y, width, y + 1)).getextrema()[0] < 128]
    assert inked_rows[-1] > 0.85 * height
