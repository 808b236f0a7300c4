"""The cohort dashboard: figures from real learner progress, sections of higher apps, a fixed query count."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import services as certificate_services
from courses.models import Step
from enrolments.dashboard import cohort_stats, expected_share
from enrolments.models import Enrollment
from enrolments.services import imports as enrolment_import
from enrolments.services import learning as course_services
from enrolments.uploads import check_rows, read_file
from organizations.charts import Bar, Chart
from quizzes import services as quiz_services
from tests.conftest import answer_all, complete_all_steps

from .conftest import csv_bytes, english_client, learner_rows

pytestmark = pytest.mark.django_db


def enrol(cohort, admin, count: int, start: int = 0) -> list[Enrollment]:
    rows = check_rows(
        read_file(csv_bytes(learner_rows(count, start=start)), "x.csv", max_bytes=10**7, max_rows=10**5),
        default_language="en",
    ).rows
    enrolment_import.enrol_rows(cohort, rows, by=admin, filename="x.csv")
    return list(Enrollment.objects.filter(cohort=cohort).order_by("pk"))


def take_test(enrollment, *, correct: bool):
    attempt = quiz_services.start_attempt(enrollment)
    quiz_services.submit_attempt(
        attempt, answers=quiz_services.parse_answers(attempt, answer_all(attempt, correct=correct))
    )


def first_step(enrollment) -> Step:
    return Step.objects.filter(module__version=enrollment.course_version, required=True).order_by(
        "module__position", "position"
    )[0]


def test_dashboard_fills_as_learners_progress(cohort_a, admin_a, admin_client, django_capture_on_commit_callbacks):
    """Enrolled, in progress, completed, passed, certified and module progress follow what learners do."""
    learners = enrol(cohort_a, admin_a, 4)
    url = reverse("enrolments:cohort", args=[cohort_a.organization.slug, cohort_a.pk])
    stats = cohort_stats(cohort_a, today=timezone.localdate())
    assert (stats.enrolled, stats.not_started, stats.in_progress, stats.completed) == (4, 4, 0, 0)
    course_services.visit_step(learners[0], first_step(learners[0]))
    course_services.complete_step(learners[0], first_step(learners[0]))
    for enrollment in learners[1:3]:
        complete_all_steps(enrollment)
        course_services.visit_step(enrollment, first_step(enrollment))
    take_test(learners[1], correct=True)
    take_test(learners[2], correct=False)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.issue(learners[1], by=learners[1].user)
    stats = cohort_stats(cohort_a, today=timezone.localdate())
    assert (stats.enrolled, stats.not_started, stats.in_progress, stats.completed) == (4, 1, 2, 1)
    first_module = stats.modules[0]
    assert first_module.finished == 2 and 0 < first_module.average_percent < 100
    page = admin_client.get(url).content.decode()
    assert "1 of 2 learners who took the test passed it (50 %)" in page
    assert "1 learner certified." in page
    assert "Data of the chart" in page and "<svg" in page
    for heading in ("Final test", "Certificates and reporting deadlines", "Behind schedule", "Progress per module"):
        assert heading in page


def test_learners_behind_schedule_are_listed(cohort_a, admin_a):
    """Two thirds of the cohort's time gone: learners under the expected share (minus the grace) are listed."""
    learners = enrol(cohort_a, admin_a, 3)
    complete_all_steps(learners[0])
    today = cohort_a.starts_on + dt.timedelta(days=20)
    assert round(expected_share(cohort_a, today), 2) == 0.67
    stats = cohort_stats(cohort_a, today=today)
    assert stats.behind_count == 2 and {e.user.email for e in stats.behind} == {"t1@example.net", "t2@example.net"}
    assert cohort_stats(cohort_a, today=cohort_a.starts_on).behind_count == 0


def _populate(cohort, admin, start: int, count: int) -> None:
    learners = enrol(cohort, admin, count, start=start)
    for enrollment in learners[start : start + count : 2]:
        complete_all_steps(enrollment)
        take_test(enrollment, correct=True)


def test_dashboard_query_count_does_not_grow_with_the_cohort(
    cohort_a, admin_a, admin_client, django_assert_num_queries
):
    """3 or 15 learners with progress and attempts: the dashboard costs the same queries.

    Budget: session, user, organization, role (4); cohort (1); courses: counts, modules, per learner and
    module (3); quizzes: scores, per item, item principles (3); certificates: totals, list (2).
    """
    url = reverse("enrolments:cohort", args=[cohort_a.organization.slug, cohort_a.pk])
    _populate(cohort_a, admin_a, 0, 3)
    with django_assert_num_queries(12):
        small = admin_client.get(url)
    _populate(cohort_a, admin_a, 3, 12)
    with django_assert_num_queries(12):
        large = admin_client.get(url)
    assert small.status_code == large.status_code == 200
    assert Enrollment.objects.filter(cohort=cohort_a).count() == 15


def test_chart_svg_is_labelled_and_escaped():
    """A chart names itself for assistive technology and escapes its labels."""
    chart = Chart("Scores <b>", [Bar("<script>", 3), Bar("B", 0)], chart_id="c1")
    svg = str(chart.svg)
    assert 'role="img"' in svg and 'aria-labelledby="c1-title"' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Scores &lt;b&gt;" in svg


def test_tutor_dashboard_has_no_admin_actions(people, org_a, cohort_a):
    """Tutors read the dashboard of their cohort but are not offered enrolment or editing."""
    page = english_client(people[org_a.slug]["tutor"]).get(reverse("enrolments:cohort", args=[org_a.slug, cohort_a.pk]))
    assert page.status_code == 200
    assert reverse("enrolments:cohort_enrol", args=[org_a.slug, cohort_a.pk]) not in page.content.decode()
