"""
Issue 15: the learner's next action leads the enrolment page and the dashboard, every refusal names what is
missing and links to it, and a failed attempt says how many attempts remain and when the next may start.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from enrolments.models import Step
from enrolments.services import learning as course_services
from quizzes import services as quiz_services
from tests.quizzes.conftest import post_data, set_policy

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english(learner):
    """These pages are read in English (the learner's preferred language wins over the browser's)."""
    learner.language = "en"
    learner.save(update_fields=["language"])


def take(enrollment, *, correct: bool):
    attempt = quiz_services.start_attempt(enrollment)
    return quiz_services.submit_attempt(attempt, answers=quiz_services.parse_form(post_data(attempt, correct=correct)))


def lead(html: str) -> str:
    """The next-action box, which must come before the first module of the outline."""
    match = re.search(r'<section[^>]*id="next-action".*?</section>', html, re.S)
    assert match, "the page has no next-action box"
    first_module = html.find('aria-labelledby="module-')
    assert first_module == -1 or match.start() < first_module, "the next action is not at the top"
    return match.group(0)


def page(client, enrollment) -> str:
    return client.get(reverse("enrolments:enrollment", args=[enrollment.pk]), **EN).content.decode()


@pytest.mark.django_db
def test_with_every_step_done_the_final_test_leads_the_page(learner_client, ready_enrollment):
    """All steps done and no attempt yet: the top of the page starts the final test, with the attempts it has."""
    box = lead(page(learner_client, ready_enrollment))
    assert reverse("quizzes:start", args=[ready_enrollment.pk]) in box
    assert "Take the final test" in box and "3 attempts" in box
    assert "Resume where you left off" not in box


@pytest.mark.django_db
def test_certificate_refused_for_the_evaluation_links_to_it(learner_client, passed_enrollment):
    """'Please fill in the course evaluation first.' comes with a link to the evaluation."""
    version = passed_enrollment.course_version
    version.require_evaluation = True
    version.save(update_fields=["require_evaluation"])
    response = learner_client.post(reverse("certificates:claim", args=[passed_enrollment.pk]), follow=True, **EN)
    html = response.content.decode()
    evaluation = reverse("enrolments:evaluation", args=[passed_enrollment.pk])
    alert = re.search(r'<div class="alert alert-danger">(.*?)</div>', html, re.S)
    assert alert and "Please fill in the course evaluation first." in alert.group(1)
    assert f'href="{evaluation}"' in alert.group(1)


@pytest.mark.django_db
def test_final_test_refused_for_open_steps_links_to_the_first_open_step(learner_client, enrollment):
    """Starting the test with steps missing is refused with a link to the first step still open."""
    first = Step.objects.filter(module__version=enrollment.course_version).order_by("module__position", "position")[0]
    response = learner_client.post(reverse("quizzes:start", args=[enrollment.pk]), **EN)
    assert response.status_code == 403
    assert f'href="{reverse("enrolments:step", args=[enrollment.pk, first.pk])}"' in response.content.decode()


@pytest.mark.django_db
def test_failed_attempt_result_says_how_many_attempts_remain(learner_client, ready_enrollment):
    """After one failed attempt of three the result page says two remain; with a cooldown, from when."""
    set_policy(ready_enrollment, cooldown_hours=24)
    attempt = take(ready_enrollment, correct=False)
    html = learner_client.get(reverse("quizzes:result", args=[attempt.pk]), **EN).content.decode()
    assert "2 of 3 attempts left" in html
    assert "next attempt" in html.lower() and str((attempt.submitted_at + timedelta(hours=24)).year) in html


@pytest.mark.django_db
def test_enrolment_page_counts_down_the_attempts(learner_client, ready_enrollment):
    """The course page no longer says 'You have 3 attempts' after a failure."""
    take(ready_enrollment, correct=False)
    html = page(learner_client, ready_enrollment)
    assert "You have 3 attempts" not in html
    assert "2 of 3 attempts left" in lead(html)


@pytest.mark.django_db
def test_dashboard_shows_steps_done_of_the_total(learner_client, enrollment):
    """'22' alone says little: the dashboard shows 'n of N steps done'."""
    first = Step.objects.filter(module__version=enrollment.course_version, kind="text").first()
    course_services.complete_step(enrollment, first)
    total = Step.objects.filter(module__version=enrollment.course_version, required=True).count()
    html = learner_client.get(reverse("certificates:dashboard"), **EN).content.decode()
    assert f"1 of {total} steps done" in html
