"""The public course information page and the platform mock-ups rendered in vignettes."""

import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from courses.models import Step
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from enrolments.services import learning as services
from tests.conftest import MINI_COURSE

pytestmark = pytest.mark.django_db

MOCKUP = """        mockup:
          kind: review
          label: {de: "Nachbildung einer Bewertung", en: "Mock-up of a review"}
          entries:
            - author: "M. Berger"
              rating: 2
              time: {de: "Montag", en: "Monday"}
              text: {de: "Lange Wartezeit.", en: "Long wait."}
              reactions: {likes: 40212, comments: 1}
            - author: "Praxis Beispiel"
              own: true
              text: {de: "Danke für die Rückmeldung.", en: "Thank you for the feedback."}
"""


def test_information_page_in_both_languages(client, version, django_assert_num_queries):
    url = reverse("courses:course_info", args=[version.course.slug])
    # course, version, modules (prefetch), accreditations
    with django_assert_num_queries(4):
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in (
        "Course information",
        "about 99 minutes (2 full units of 45 minutes)",
        "Be able to do something",  # an objective
        "about 95 min",  # module two's estimate
        "Psychotherapists",  # audience
        "Testredaktion",
        "Declared interests",
        "Free of economic interests.",
        "Next review due",
        "First version",
        "238 words per minute",
    ):
        assert text in english, text
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    for text in ("Kursinformationen", "etwa 99 Minuten", "Etwas können", "Frei von wirtschaftlichen Interessen."):
        assert text in german, text


def test_course_page_links_the_information_page(client, version):
    page = client.get(reverse("courses:course", args=[version.course.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("courses:course_info", args=[version.course.slug]) in page.content.decode()


def test_information_page_of_an_unknown_course_is_404(client, db):
    assert client.get(reverse("courses:course_info", args=["nothing-here"])).status_code == 404


def test_sources_link_their_doi(client, tmp_path: Path):
    root = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, root)
    course = root / "course.yaml"
    course.write_text(
        course.read_text().replace(
            "sequential: true\n",
            'sequential: true\nreferences:\n  - {key: kolmes, kind: study, text: "Kolmes & Taube 2014",'
            ' doi: "10.1037/a0029958"}\n',
        )
    )
    version = import_package(read_package(root)).version
    page = client.get(reverse("courses:course_info", args=[version.course.slug])).content.decode()
    assert '<a href="https://doi.org/10.1037/a0029958" rel="noopener noreferrer">doi:10.1037/a0029958</a>' in page


def test_mockup_is_rendered_on_the_server(learner_client, learner, tmp_path: Path):
    root = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, root)
    module = root / "modules" / "01-one.yaml"
    module.write_text(module.read_text().replace("        next: decide\n", MOCKUP + "        next: decide\n", 1))
    version = import_package(read_package(root)).version
    enrollment = services.enroll(version, user=learner)
    learner.language = "en"
    learner.save(update_fields=["language"])
    step = Step.objects.get(module__version=version, slug="follow")
    page = learner_client.get(reverse("enrolments:step", args=[enrollment.pk, step.pk])).content.decode()
    assert '<figure class="mockup mockup-review">' in page
    assert '<figcaption class="mockup-label">Mock-up of a review</figcaption>' in page
    assert '<span aria-hidden="true">★★☆☆☆</span><span class="visually-hidden">2 of 5 stars</span>' in page
    assert "40,212 likes" in page and "1 comment<" in page
    assert '<span class="badge mockup-you">you</span>' in page
    assert '<article aria-label="M. Berger, Monday">' in page
