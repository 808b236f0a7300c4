"""LoginRequiredMiddleware guards every view; the public ones say so with @login_not_required."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC = [
    ("courses:catalogue", []),
    ("courses:principles", []),
    ("certificates:verify_form", []),
    ("certificates:verify", ["HX-UNKNOWN"]),
    ("certificates:verify_json", ["HX-UNKNOWN"]),
    ("certificates:issuer", []),
    ("certificates:issuer_key", ["no-such-key"]),
    ("certificates:status_list", [1]),
    ("certificates:oid4vci_metadata", []),
    ("certificates:oauth_metadata", []),
    ("accounts:register", []),
    ("accounts:login", []),
    ("accounts:password_reset", []),
    ("healthz", []),
    ("legal:imprint", []),
    ("legal:privacy", []),
    ("legal:accessibility", []),
]
PRIVATE = [
    ("certificates:dashboard", []),
    ("certificates:transcript", []),
    ("certificates:pdf_status", ["HX-UNKNOWN"]),
    ("accounts:profile", []),
    ("organizations:index", []),
    ("accounts:data_export", []),
    ("accounts:data_export_download", [1]),
    ("quizzes:start", [1]),
    ("quizzes:review", [1]),
]


@pytest.mark.parametrize(("name", "args"), PUBLIC)
def test_public_pages_answer_signed_out(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code != 302 or "/login" not in response["Location"], name


def test_the_course_page_answers_signed_out(client, version):
    assert client.get(reverse("courses:course", args=[version.course.slug])).status_code == 200
    assert client.get(reverse("courses:course_info", args=[version.course.slug])).status_code == 200


def test_the_favicon_answers_signed_out(client):
    assert client.get("/favicon.ico").status_code == 301


def test_the_language_switch_works_signed_out(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(("name", "args"), PRIVATE)
def test_other_pages_send_a_signed_out_visitor_to_log_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/login" in response["Location"], name


def test_metrics_answer_the_token_not_a_session(client, settings):
    """Prometheus has no session: /metrics asks for its bearer token (401), never for a log-in."""
    settings.HALTUNG_METRICS_TOKEN = "a-token-for-the-login-test"
    assert client.get(reverse("metrics")).status_code == 401
