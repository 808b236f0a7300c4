"""The site's icon: a static file linked from every page, and /favicon.ico answers for browsers that ask there."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_links_the_icon(client):
    """The base template links the icon (SVG, with the ICO for older browsers); both files exist."""
    page = client.get(reverse("courses:catalogue")).content.decode()
    assert f'<link rel="icon" href="{static("favicon.ico")}" sizes="32x32">' in page
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in page
    assert finders.find("favicon.ico") and finders.find("favicon.svg")


def test_favicon_ico_is_no_404(client):
    """/favicon.ico, signed out, sends the browser on to the static icon, which is a real ICO file."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == static("favicon.ico")
    with Path(finders.find("favicon.ico")).open("rb") as handle:
        assert handle.read(4) == b"\x00\x00\x01\x00"  # the ICO header
