"""Every response carries the Content-Security-Policy and the Permissions-Policy; personal downloads are no-store."""

import pytest
from django.urls import reverse

from certificates.designs import DESIGNS
from config.security_headers import content_security_policy

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


@pytest.mark.parametrize(
    "url",
    ["/", "/accounts/login/", "/accounts/register/", "/verify/", "/no-such-page/", "/static/css/haltung.css"],
)
def test_public_pages_carry_both_policies(client, url):
    """Pages, errors and files alike: scripts only from our origin, nothing inline, no framing."""
    response = client.get(url)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_learner_pages_carry_the_policy(learner_client, certificate):
    for url in (reverse("certificates:dashboard"), reverse("certificates:detail", args=[certificate.code])):
        assert "script-src 'self'" in learner_client.get(url)["Content-Security-Policy"]


def test_released_design_styles_are_allowed_by_hash_only():
    """The certificate designs' <style> blocks are allowed by their exact hash; any other inline style is not."""
    style_src = _directives(content_security_policy())["style-src"]
    assert style_src[0] == "'self'"
    expected = sum(len(design.inline_styles()) for design in DESIGNS.values())
    assert len([source for source in style_src if source.startswith("'sha256-")]) == expected > 0


def test_no_page_template_has_inline_script_or_style_attributes():
    """Templates served as pages load scripts from files and style through classes (the PDF-only ones aside)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pdf_only = {"takeaway_print.html", "reflections_print.html", "transcript_pdf.html", "participants_pdf.html"}
    offenders = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]:
        if "node_modules" in path.parts or ".venv" in path.parts or path.name in pdf_only:
            continue
        text = path.read_text()
        if ' style="' in text or " onclick=" in text or " onload=" in text or "javascript:" in text:
            offenders.append(str(path.relative_to(root)))
        for chunk in text.split("<script")[1:]:
            if "src=" not in chunk.split(">", 1)[0]:
                offenders.append(f"{path.relative_to(root)} (inline script)")
    assert not offenders


def test_personal_downloads_are_not_stored(learner_client, certificate):
    """The certificate PDF and the credential go out with Cache-Control: no-store."""
    for name in ("certificates:download", "certificates:credential"):
        response = learner_client.get(reverse(name, args=[certificate.code]))
        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"], name
    transcript = learner_client.get(reverse("certificates:transcript_export", args=["csv"]))
    assert "no-store" in transcript["Cache-Control"]
