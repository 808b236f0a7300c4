"""Legal pages: the operator's texts in both languages, linked from every page's footer, samples to start from."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from legal import checks
from legal.texts import PAGES, SAMPLES_DIR, problems

pytestmark = pytest.mark.django_db

LEGAL_URLS = [reverse(f"legal:{page}") for page in PAGES]


@pytest.mark.parametrize("page", list(PAGES))
def test_each_page_shows_the_operators_text_in_the_chosen_language(client, page):
    """German by default, English after switching; the text comes from HALTUNG_LEGAL_DIR."""
    german = client.get(reverse(f"legal:{page}"))
    assert german.status_code == 200
    assert 'lang="de"' in german.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse(f"legal:{page}"))
    assert english.status_code == 200 and '<article class="prose legal-text" lang="en">' in english.content.decode()


def test_imprint_text_and_title(client):
    response = client.get(reverse("legal:imprint"))
    content = response.content.decode()
    assert "Testkammer Nord" in content and "Impressum" in content


@pytest.mark.parametrize(
    "url", ["/", reverse("accounts:login"), reverse("certificates:verify_form"), reverse("legal:privacy")]
)
def test_footer_links_to_the_three_legal_pages(client, url):
    """Every page extends base.html, whose footer links the Impressum, privacy notice and accessibility statement."""
    content = client.get(url).content.decode()
    footer = content[content.index("<footer") :]
    for legal_url in LEGAL_URLS:
        assert f'href="{legal_url}"' in footer


def test_markdown_is_sanitised(client, settings, tmp_path):
    """Operator text is Markdown; raw HTML such as a script or an event handler does not survive."""
    for page in PAGES:
        for language in ("de", "en"):
            (tmp_path / f"{page}.{language}.md").write_text(
                "## Kontakt\n\n<script>alert(1)</script>\n\n<a href='#' onclick='x()'>Link</a>\n"
            )
    settings.HALTUNG_LEGAL_DIR = tmp_path
    content = client.get(reverse("legal:imprint")).content.decode()
    assert "<h2>Kontakt</h2>" in content
    assert "<script>alert" not in content and "onclick" not in content


def test_missing_language_falls_back_to_the_other(client, settings, tmp_path):
    """Only a German text: the English page shows it, marked as German for screen readers."""
    (tmp_path / "imprint.de.md").write_text("Nur deutsch.\n")
    settings.HALTUNG_LEGAL_DIR = tmp_path
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("legal:imprint")).content.decode()
    assert "Nur deutsch." in content and '<article class="prose legal-text" lang="de">' in content


def test_development_shows_the_sample_with_a_notice(client, settings, tmp_path):
    """With DEBUG on and no text written, the shipped sample shows, marked as such; production answers 404."""
    settings.HALTUNG_LEGAL_DIR = tmp_path
    settings.DEBUG = True
    response = client.get(reverse("legal:privacy"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "sessionid" in content and "csrftoken" in content and "alert-warning" in content
    settings.DEBUG = False
    assert client.get(reverse("legal:privacy")).status_code == 404


def test_check_is_silent_in_development_and_when_texts_are_ready(settings, tmp_path):
    settings.DEBUG = False
    assert checks.check_legal_texts() == []  # the fixture texts are filled in
    settings.HALTUNG_LEGAL_DIR = tmp_path
    assert len(checks.check_legal_texts()) == 6
    settings.DEBUG = True
    assert checks.check_legal_texts() == []


def test_init_copies_the_samples_and_the_check_then_asks_for_the_placeholders(settings, tmp_path):
    """`init_legal_texts` copies every sample and keeps existing texts; the samples still need filling in."""
    (tmp_path / "imprint.de.md").write_text("Schon geschrieben.\n")
    settings.HALTUNG_LEGAL_DIR = tmp_path
    call_command("init_legal_texts", stdout=io.StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in SAMPLES_DIR.glob("*.md"))
    assert (tmp_path / "imprint.de.md").read_text() == "Schon geschrieben.\n"
    assert problems("imprint", "de") == []
    assert "placeholders" in problems("privacy", "en")[0]


@pytest.mark.parametrize("language", ["de", "en"])
def test_privacy_sample_lists_what_haltung_stores(language):
    """The sample names each kind of data the models hold, and every cookie the site sets."""
    text = (SAMPLES_DIR / f"privacy.{language}.md").read_text()
    for cookie in ("sessionid", "csrftoken", "django_language", "haltung-quiz-timer-hidden"):
        assert f"`{cookie}`" in text
    for word in ("EFN", "EIV", "Art. 15", "Art. 20", "Art. 17"):
        assert word in text


def test_the_sites_cookies_are_the_ones_the_privacy_sample_lists(client, learner, settings):
    """Signing in and switching language set only the cookies the privacy notice lists."""
    from django.conf import settings as django_settings

    listed = {"sessionid", "csrftoken", "django_language"}
    client.get(reverse("accounts:login"))
    client.post(reverse("accounts:login"), {"username": learner.email, "password": "a-long-test-password"})
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert set(client.cookies) <= listed
    assert {
        django_settings.SESSION_COOKIE_NAME,
        django_settings.CSRF_COOKIE_NAME,
        django_settings.LANGUAGE_COOKIE_NAME,
    } == listed
