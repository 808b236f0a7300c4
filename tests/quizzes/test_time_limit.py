"""Time limit with grace period, overdue submission (task and on access), the accessible timer."""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from quizzes import services, tasks
from quizzes.errors import QuizError
from quizzes.models import Accommodation, Attempt, AttemptItem
from tests.quizzes.conftest import age, assessment_of, post_data, value_of

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def timed(ready_enrollment):
    assessment = assessment_of(ready_enrollment)
    assessment.time_limit_minutes = 30
    assessment.grace_minutes = 2
    assessment.save()
    return ready_enrollment


@pytest.fixture
def attempt(timed):
    return services.start_attempt(timed)


def first_item(attempt):
    return AttemptItem.objects.filter(attempt=attempt).prefetch_related("item__options").order_by("position")[0]


@pytest.mark.django_db
def test_deadline_is_the_time_limit_and_grace_follows(attempt):
    """The attempt ends 30 minutes after its start; answers count for 2 minutes more."""
    assert attempt.deadline - attempt.started_at == timedelta(minutes=30)
    assert attempt.closes_at - attempt.deadline == timedelta(minutes=2)


@pytest.mark.django_db
def test_answers_within_the_grace_period_count(learner_client, attempt):
    """One minute past the limit (inside the grace period) a save and a submit still count."""
    age(attempt, minutes=31)
    item = first_item(attempt)
    option = value_of(item, item.option_order[0])
    response = learner_client.post(
        reverse("quizzes:save", args=[attempt.pk]), {"shown": [item.pk], f"item-{item.pk}": [option]}, **JSON
    )
    assert response.status_code == 200
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]), post_data(attempt, correct=True))
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.submitted_by == Attempt.SubmittedBy.LEARNER
    assert attempt.score == 100


@pytest.mark.django_db
def test_save_after_the_deadline_is_403_and_grades_what_was_saved(learner_client, attempt):
    """Past limit plus grace, a save is refused (403), the late answer is not stored, the saved ones graded."""
    item = first_item(attempt)
    right = next(o.pk for o in item.item.options.all() if o.correct)
    services.save_answers(attempt, answers={item.pk: [right]})
    age(attempt, minutes=33)
    wrong = next(o.pk for o in item.item.options.all() if not o.correct)
    response = learner_client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        {"shown": [item.pk], f"item-{item.pk}": [value_of(item, wrong)]},
        **JSON,
    )
    assert response.status_code == 403
    assert response.json()["code"] == "time_up"
    item.refresh_from_db()
    attempt.refresh_from_db()
    assert item.selected == [right] and item.credit == 1.0
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.submitted_by == Attempt.SubmittedBy.TIME_LIMIT


@pytest.mark.django_db
def test_submit_after_the_deadline_is_403_with_a_clear_message(learner_client, attempt):
    """A submit past limit plus grace answers 403, explains it, and grades only the saved answers."""
    age(attempt, minutes=40)
    response = learner_client.post(reverse("quizzes:submit", args=[attempt.pk]), post_data(attempt, correct=True))
    assert response.status_code == 403
    html = response.content.decode()
    assert "time limit" in html.lower() or "Zeitlimit" in html
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.score == 0
    assert not any(ai.selected for ai in AttemptItem.objects.filter(attempt=attempt))


@pytest.mark.django_db
def test_overdue_attempt_is_submitted_on_next_access(learner_client, attempt):
    """Opening an overdue attempt submits it as saved and shows the result."""
    age(attempt, hours=2)
    response = learner_client.get(attempt.get_absolute_url())
    assert response.url == reverse("quizzes:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.submitted_by == Attempt.SubmittedBy.TIME_LIMIT


@pytest.mark.django_db
def test_periodic_task_submits_overdue_attempts_only(make_user, version, attempt):
    """The beat task submits attempts past limit plus grace and leaves running ones alone."""
    from enrolments.services import learning as course_services
    from tests.conftest import complete_all_steps

    other = course_services.enroll(version, user=make_user("b@example.org", "B"))
    complete_all_steps(other)
    running = services.start_attempt(other)
    age(attempt, minutes=33)
    assert tasks.submit_overdue_attempts_task.delay().get() == 1
    attempt.refresh_from_db()
    running.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert running.status == Attempt.Status.OPEN
    assert tasks.submit_overdue_attempts_task.delay().get() == 0


def test_beat_runs_the_overdue_task_every_minute():
    """Celery beat has the overdue task on its schedule."""
    entry = settings.CELERY_BEAT_SCHEDULE["quizzes-submit-overdue-attempts"]
    assert entry["task"] == "quizzes.tasks.submit_overdue_attempts_task" and entry["schedule"] == 60.0


@pytest.mark.django_db
def test_timer_is_accessible_and_announces_thresholds_only(learner_client, attempt):
    """role=timer with live announcements off, a hide button, thresholds below the time left, a no-JS text."""
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert re.search(r'role="timer" aria-live="off"', html)
    assert "data-timer-toggle" in html and 'aria-pressed="false"' in html
    assert 'role="status" aria-live="polite" data-timer-announcer' in html
    announcements = json.loads(
        re.search(r'id="quiz-timer-announcements" type="application/json">(.*?)</script>', html).group(1)
    )
    assert set(announcements) == {"900", "300", "60", "0"}
    remaining = int(re.search(r'data-remaining="(\d+)"', html).group(1))
    assert 29 * 60 < remaining <= 30 * 60
    assert "data-timer-deadline" in html  # the deadline as text, for pages without the script


@pytest.mark.django_db
def test_extra_time_multiplies_the_limit_and_no_limit_removes_it(timed):
    """An accommodation of 1.5 gives 45 minutes for 30; 'no limit' gives none."""
    Accommodation.objects.create(enrollment=timed, kind=Accommodation.Kind.EXTRA_TIME, time_multiplier="1.5")
    attempt = services.start_attempt(timed)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=45)
    Accommodation.objects.filter(enrollment=timed).update(kind=Accommodation.Kind.NO_LIMIT)
    Attempt.objects.filter(pk=attempt.pk).delete()
    attempt = services.start_attempt(timed)
    assert attempt.deadline is None and attempt.closes_at is None


@pytest.mark.django_db
def test_service_refuses_late_submit_with_code(attempt):
    """The service refuses late answers with code 'time_up' after storing the grading of the saved ones."""
    age(attempt, minutes=33)
    item = first_item(attempt)
    with pytest.raises(QuizError) as excinfo:
        services.submit_attempt(attempt, answers={item.pk: [item.option_order[0]]})
    assert excinfo.value.code == "time_up"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED


@pytest.mark.django_db
def test_overdue_attempt_stays_graded_when_the_next_start_is_refused(learner_client, timed, attempt):
    """Starting again with an overdue attempt grades it for good, even when the cooldown then refuses."""
    from tests.quizzes.conftest import set_policy

    set_policy(timed, cooldown_hours=24)
    age(attempt, hours=2)
    response = learner_client.post(reverse("quizzes:start", args=[timed.pk]))
    assert response.status_code == 403
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.submitted_by == Attempt.SubmittedBy.TIME_LIMIT


@pytest.mark.django_db
def test_late_processing_dates_the_submission_at_the_time_limit(attempt):
    """An overdue attempt found days later counts as submitted when its time ran out, not when found."""
    age(attempt, days=3)
    services.submit_if_overdue(attempt)
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.closes_at
