"""Accommodations: organization admins grant extra time or no limit; the learner's timer follows."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from enrolments.models import Enrollment
from enrolments.services import learning as course_services
from quizzes import services
from quizzes.errors import QuizError
from quizzes.models import Accommodation
from tests.quizzes.conftest import assessment_of


@pytest.fixture
def org_enrollment(ready_enrollment, organization):
    Enrollment.objects.filter(pk=ready_enrollment.pk).update(organization=organization)
    ready_enrollment.refresh_from_db()
    assessment = assessment_of(ready_enrollment)
    assessment.time_limit_minutes = 40
    assessment.save()
    return ready_enrollment


def list_url(organization):
    return reverse("quizzes:accommodations", args=[organization.slug])


def update_url(organization, enrollment):
    return reverse("quizzes:accommodation_update", args=[organization.slug, enrollment.pk])


def grant(client, organization, enrollment, kind="extra_time", multiplier="1.5"):
    prefix = f"e{enrollment.pk}"
    return client.post(
        update_url(organization, enrollment), {f"{prefix}-kind": kind, f"{prefix}-time_multiplier": multiplier}
    )


@pytest.mark.django_db
def test_roles_on_the_accommodation_page(
    client, learner_client, org_enrollment, organization, admin_client_org, tutor_client, foreign_admin_client
):
    """Admin: 200 with the learner; tutor, learner and another organization's admin: 404; anonymous: login."""
    url = list_url(organization)
    assert client.get(url).status_code == 302
    response = admin_client_org.get(url)
    assert response.status_code == 200 and "Alex Beispiel" in response.content.decode()
    assert tutor_client.get(url).status_code == 404
    assert learner_client.get(url).status_code == 404
    assert foreign_admin_client.get(url).status_code == 404


@pytest.mark.django_db
def test_admin_grants_extra_time_and_the_open_attempt_follows(
    learner_client, org_enrollment, organization, admin_client_org
):
    """Granting ×1.5 during an open attempt moves its deadline to 60 minutes, and the timer shows it."""
    attempt = services.start_attempt(org_enrollment)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=40)
    response = grant(admin_client_org, organization, org_enrollment)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.deadline - attempt.started_at == timedelta(minutes=60)
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    remaining = int(re.search(r'data-remaining="(\d+)"', html).group(1))
    assert 59 * 60 < remaining <= 60 * 60
    saved = learner_client.post(
        reverse("quizzes:save", args=[attempt.pk]), {"shown": []}, HTTP_ACCEPT="application/json"
    )
    assert 59 * 60 < saved.json()["remaining"] <= 60 * 60


@pytest.mark.django_db
def test_no_time_limit_and_back_to_standard(org_enrollment, organization, admin_client_org):
    """'No time limit' removes the deadline; 'none' restores the standard time."""
    attempt = services.start_attempt(org_enrollment)
    grant(admin_client_org, organization, org_enrollment, kind="no_limit", multiplier="")
    attempt.refresh_from_db()
    assert attempt.deadline is None and attempt.closes_at is None
    grant(admin_client_org, organization, org_enrollment, kind="none", multiplier="")
    attempt.refresh_from_db()
    assert attempt.deadline - attempt.started_at == timedelta(minutes=40)
    assert not Accommodation.objects.exists()


@pytest.mark.django_db
def test_bad_multiplier_is_400_and_saves_nothing(org_enrollment, organization, admin_client_org):
    """Extra time without a multiplier, or beyond 4, is refused with a message on the field."""
    for multiplier in ("", "9", "abc"):
        response = grant(admin_client_org, organization, org_enrollment, multiplier=multiplier)
        assert response.status_code == 400
        assert "invalid-feedback" in response.content.decode()
    assert not Accommodation.objects.exists()


@pytest.mark.django_db
def test_enrolment_of_another_organization_is_404(
    make_user, version, organization, other_organization, admin_client_org
):
    """An admin cannot touch an enrolment that belongs to another organization (or none)."""
    foreign = course_services.enroll(version, user=make_user("f@example.org", "Foreign Learner"))
    assert grant(admin_client_org, organization, foreign).status_code == 404
    Enrollment.objects.filter(pk=foreign.pk).update(organization=other_organization)
    assert grant(admin_client_org, organization, foreign).status_code == 404
    assert not Accommodation.objects.exists()


@pytest.mark.django_db
def test_tutor_cannot_grant(org_enrollment, organization, tutor_client):
    """A tutor of the organization gets 404 on the update, and nothing is stored."""
    assert grant(tutor_client, organization, org_enrollment).status_code == 404
    assert not Accommodation.objects.exists()


@pytest.mark.django_db
def test_service_checks_the_admin_too(org_enrollment, make_user):
    """The service itself refuses a user who does not manage the enrolment's organization."""
    with pytest.raises(QuizError) as excinfo:
        services.grant_accommodation(
            org_enrollment, kind="extra_time", time_multiplier=2, granted_by=make_user("x@example.org", "X")
        )
    assert excinfo.value.status == 404


@pytest.mark.django_db
def test_list_page_query_count_is_flat(make_user, version, organization, admin_client_org, django_assert_num_queries):
    """The list costs the same queries for 1 or 8 enrolments."""

    def enrol(n):
        enrollment = course_services.enroll(version, user=make_user(f"m{n}@example.org", f"Member {n}"))
        Enrollment.objects.filter(pk=enrollment.pk).update(organization=organization)

    enrol(0)
    # user (the session comes from the cache, decision 0413), organization, membership role, count, enrolments
    # with users, versions and accommodations
    with django_assert_num_queries(5):
        admin_client_org.get(list_url(organization))
    for n in range(1, 8):
        enrol(n)
    with django_assert_num_queries(5):
        response = admin_client_org.get(list_url(organization))
    assert response.content.decode().count("Member ") >= 8
