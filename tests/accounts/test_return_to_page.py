"""Log-in and registration return the learner to the page they came from (issue 15), and never to another site."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.accounts.test_accounts import confirm_link, register_data

EVIL = "https://evil.example/steal"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth sends one confirmation mail per address in three minutes, counted in the cache."""
    cache.clear()


def link_next(html: str, url_name: str) -> list[str]:
    """The ``next`` values of every link in ``html`` to the named accounts page."""
    base = reverse(url_name)
    found = []
    for chunk in html.split('href="')[1:]:
        href = chunk.split('"', 1)[0].replace("&amp;", "&")
        if urlsplit(href).path == base:
            found.append(parse_qs(urlsplit(href).query).get("next", [""])[0])
    return found


@pytest.mark.django_db
def test_course_page_links_carry_the_course_page(client, version):
    """Signed out, every log-in and register link on a course page (button and navigation) leads back to it."""
    course_url = reverse("courses:course", args=[version.course.slug])
    html = client.get(course_url).content.decode()
    assert link_next(html, "accounts:login") == [course_url, course_url]
    assert link_next(html, "accounts:register") == [course_url, course_url]


@pytest.mark.django_db
def test_front_page_links_lead_to_the_dashboard(client, version):
    """From the catalogue a log-in goes to the learner's dashboard, the default: no ``next`` to the front page."""
    html = client.get(reverse("courses:catalogue")).content.decode()
    assert link_next(html, "accounts:login") == [""]
    assert link_next(html, "accounts:register") == [""]


@pytest.mark.django_db
def test_register_and_login_pages_pass_next_on(client, version):
    """The register form posts ``next`` and its log-in links keep it; the log-in page does the same the other way."""
    course_url = reverse("courses:course", args=[version.course.slug])
    html = client.get(reverse("accounts:register"), {"next": course_url}).content.decode()
    assert f'name="next" value="{course_url}"' in html
    assert set(link_next(html, "accounts:login")) == {course_url}
    assert set(link_next(html, "accounts:register")) == {course_url}
    html = client.get(reverse("accounts:login"), {"next": course_url}).content.decode()
    assert f'name="next" value="{course_url}"' in html
    assert set(link_next(html, "accounts:register")) == {course_url}
    assert set(link_next(html, "accounts:login")) == {course_url}


@pytest.mark.django_db
def test_foreign_next_is_not_passed_on(client, version):
    """A ``next`` to another host is neither echoed into the forms nor into the links."""
    for name in ("accounts:register", "accounts:login"):
        html = client.get(reverse(name), {"next": EVIL}).content.decode()
        assert 'name="next" value="https://evil' not in html
        assert set(link_next(html, "accounts:login") + link_next(html, "accounts:register")) == {""}


@pytest.mark.django_db
def test_login_returns_to_the_course_page(client, learner, version):
    """Logging in from a course page ends on that course page."""
    course_url = reverse("courses:course", args=[version.course.slug])
    response = client.post(
        reverse("accounts:login"), {"login": learner.email, "password": "a-long-test-password", "next": course_url}
    )
    assert response.status_code == 302 and response["Location"] == course_url


@pytest.mark.django_db
@pytest.mark.parametrize("target", [EVIL, "//evil.example/", "https:evil.example", "/\\evil.example"])
def test_login_refuses_an_open_redirect(client, learner, target):
    """A ``next`` to another site is ignored: the learner lands on the dashboard."""
    response = client.post(
        reverse("accounts:login"), {"login": learner.email, "password": "a-long-test-password", "next": target}
    )
    assert response.status_code == 302 and response["Location"] == reverse("certificates:dashboard")


def register_from(client: Client, target: str):
    response = client.post(reverse("accounts:register"), {**register_data(), "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    return confirm_link(mail.outbox[-1])


@pytest.mark.django_db
def test_register_and_confirm_in_the_same_browser_ends_on_the_course_page(client, version):
    """Registering from a course page, then following the e-mailed link, logs in and lands on the course page."""
    course_url = reverse("courses:course", args=[version.course.slug])
    link = register_from(client, course_url)
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link, {"next": page.context["redirect_field_value"] or ""})
    assert response.status_code == 302 and response["Location"] == course_url
    assert client.get(course_url).context["user"].is_authenticated


@pytest.mark.django_db
def test_register_and_confirm_in_another_browser_ends_on_the_course_page(client, version):
    """The e-mailed link carries the course page: confirmed in another browser, the log-in leads there."""
    course_url = reverse("courses:course", args=[version.course.slug])
    link = register_from(client, course_url)
    other = Client()
    page = other.get(link)
    response = other.post(link, {"next": page.context["redirect_field_value"] or ""})
    login_url = response["Location"]
    assert response.status_code == 302 and urlsplit(login_url).path == reverse("accounts:login")
    assert parse_qs(urlsplit(login_url).query)["next"] == [course_url]
    response = other.post(
        login_url, {"login": "maria@example.org", "password": "a-long-test-password", "next": course_url}
    )
    assert response.status_code == 302 and response["Location"] == course_url


@pytest.mark.django_db
def test_register_refuses_an_open_redirect(client):
    """A foreign ``next`` at registration is dropped from the e-mailed link and from the redirect after confirming."""
    link = register_from(client, EVIL)
    assert "evil.example" not in mail.outbox[-1].body
    response = client.post(link, {"next": EVIL})
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    assert response["Location"] == reverse("certificates:dashboard")
