"""Organization logos: checked by content, bounded in bytes and pixels, stored as a small raster; clearing works."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from .conftest import png_bytes

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def _post(client, organization, logo=None, **extra):
    data = {"name": organization.name, "organizer_line": "", "contact_email": "", "default_language": "de", **extra}
    if logo is not None:
        data["logo"] = logo
    return client.post(reverse("organizations:settings", args=[organization.slug]), data)


@pytest.mark.parametrize(("content", "name"), [(SVG, "logo.png"), (HTML, "logo.png"), (SVG, "logo.svg")])
def test_non_images_renamed_png_are_refused(admin_client, organization, content, name):
    """An SVG or HTML file renamed ``.png`` was accepted and embedded in every certificate page."""
    response = _post(admin_client, organization, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert "PNG or JPEG" in response.content.decode()
    organization.refresh_from_db()
    assert not organization.logo


def test_a_logo_over_the_byte_cap_is_refused_before_it_is_decoded(admin_client, organization, settings):
    settings.ORGANIZATIONS_LOGO_MAX_BYTES = 100_000
    big = png_bytes() + b"\0" * 200_000  # trailing bytes: still a valid PNG header
    response = _post(admin_client, organization, SimpleUploadedFile("logo.png", big))
    assert response.status_code == 400
    assert "at most 0.1 MB" in response.content.decode()


def test_a_decompression_bomb_is_refused_by_its_pixel_count(admin_client, organization):
    """A 20,000 × 20,000 px PNG compresses to a few hundred KB but would take 1.2 GB to decode."""
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 2_000_000
    response = _post(admin_client, organization, SimpleUploadedFile("logo.png", buffer.getvalue()))
    assert response.status_code == 400
    assert "pixels" in response.content.decode()


def test_a_large_photo_is_stored_as_a_small_png(admin_client, organization):
    response = _post(admin_client, organization, SimpleUploadedFile("logo.jpg", png_bytes((3000, 1000), fmt="JPEG")))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.logo.name.endswith(".png")
    with organization.logo.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert stored.format == "PNG"
    assert max(stored.size) <= 1200


def test_clearing_the_logo_works(admin_client, organization):
    """Clearing always failed in ``update_organization`` (the cleared field arrives as ``False``)."""
    assert _post(admin_client, organization, SimpleUploadedFile("logo.png", png_bytes())).status_code == 302
    organization.refresh_from_db()
    assert organization.logo
    response = _post(admin_client, organization, **{"logo-clear": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    organization.refresh_from_db()
    assert not organization.logo
