"""Minimum active time per module before the final test: an accreditation policy, off unless it sets a share."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import Step
from enrolments import selectors
from enrolments.services import learning as services
from quizzes import services as quiz_services
from quizzes.errors import QuizError


def spend(enrollment, step: Step, seconds: int) -> None:
    """Read a step with the page visible: a visit, then heartbeats every 60 seconds (below the 90-second cap)."""
    start = timezone.now()
    services.visit_step(enrollment, step, now=start)
    for elapsed in range(60, seconds + 1, 60):
        services.heartbeat(enrollment, step, now=start + timedelta(seconds=elapsed))


@pytest.fixture
def policy(ready_enrollment):
    """The mini course's profile asks for half of each module's estimate (module one 4 min, two 95 min)."""
    accreditation = ready_enrollment.accreditation
    accreditation.min_active_share = Decimal("0.50")
    accreditation.save(update_fields=["min_active_share"])
    return ready_enrollment


@pytest.mark.django_db
def test_without_a_share_there_is_no_minimum(ready_enrollment, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.active_time(ready_enrollment) == []
    quiz_services.check_can_start(ready_enrollment)


@pytest.mark.django_db
def test_final_test_waits_for_the_missing_minutes_per_module(policy, version):
    with translation.override("en"), pytest.raises(QuizError) as refused:
        quiz_services.check_can_start(policy)
    assert refused.value.code == "active_time"
    assert refused.value.message == (
        "This accreditation asks for active time in each module before the final test. "
        "Still missing: Module one: 2 more minutes; Module two: 48 more minutes."
    )
    spend(policy, Step.objects.get(module__version=version, slug="intro"), 120)
    spend(policy, Step.objects.get(module__version=version, slug="lecture"), 47 * 60)
    assert [(row.module.slug, row.missing_minutes) for row in selectors.active_time_missing(policy)] == [("two", 1)]
    spend(policy, Step.objects.get(module__version=version, slug="text"), 60)
    assert selectors.active_time_missing(policy) == []
    quiz_services.check_can_start(policy)


@pytest.mark.django_db
def test_enrolment_page_shows_what_is_missing(learner_client, learner, policy, version):
    learner.language = "en"
    learner.save(update_fields=["language"])
    spend(policy, Step.objects.get(module__version=version, slug="intro"), 60)
    page = learner_client.get(reverse("enrolments:enrollment", args=[policy.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "1 of at least 2 min active" in text and "1 more minute before the final test" in text
    assert "0 of at least 48 min active" in text and "48 more minutes before the final test" in text
    assert "Still missing: Module one: 1 more minute; Module two: 48 more minutes." in text
