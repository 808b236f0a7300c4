"""base.html: the parts rendered once per process (decision 0415) still follow the language and the sign-in."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_shared_fragments_follow_language_and_sign_in(learner):
    anonymous = Client()
    for _ in range(2):  # the second request is served from the fragment cache
        english = anonymous.get(reverse("courses:catalogue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        german = anonymous.get(reverse("courses:catalogue"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
        assert "Legal notice" in english and "Log in" in english and "My learning" not in english
        assert "Impressum" in german and "Legal notice" not in german and "Log in" not in german
        assert '<option value="en" lang="en" selected>' in english
        assert '<option value="de" lang="de" selected>' in german
    signed_in = Client()
    signed_in.force_login(learner)
    learner.language = "en"
    learner.save(update_fields=["language"])
    page = signed_in.get(reverse("courses:catalogue")).content.decode()
    assert "My learning" in page and learner.name in page and "Log in" not in page
    # Per request, never shared: the CSRF token and the page to return to after switching the language.
    other = signed_in.get(reverse("courses:principles")).content.decode()
    assert f'name="next" type="hidden" value="{reverse("courses:principles")}"' in other


@pytest.mark.django_db
def test_catalogue_cards_are_shared_per_version_slug_and_language(version):
    """A card is version content: cached per version, course slug and language; a renamed slug shows at once."""
    client = Client()
    for _ in range(2):
        assert "Mini course" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Minikurs" in client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    course = version.course
    course.slug = "renamed-course"
    course.save(update_fields=["slug"])
    assert reverse("courses:course", args=["renamed-course"]) in client.get("/").content.decode()
