"""
The way on after the last failed attempt (issue 15, decision 0605): an admin of the organization that runs
the enrolment or holds its accreditation grants one more attempt (audited; 404 for anyone else), and the
learner enrols again in the current version where the accreditation offers it, keeping the old records.
"""

import pytest
from django.urls import reverse

from enrolments.models import Enrollment
from organizations.models import Membership, OrgAuditEvent
from quizzes import services
from quizzes.errors import QuizError
from quizzes.models import Attempt, ExtraAttempt
from tests.organizations.conftest import own_accreditation
from tests.quizzes.conftest import member_client, post_data, set_policy


def fail(enrollment) -> Attempt:
    attempt = services.start_attempt(enrollment)
    return services.submit_attempt(attempt, answers=services.parse_form(post_data(attempt, correct=False)))


@pytest.fixture
def exhausted(ready_enrollment, organization):
    """A learner of Institut Nord's accreditation who has failed both attempts."""
    ready_enrollment.accreditation = own_accreditation(organization, ready_enrollment.course_version)
    ready_enrollment.organization = organization
    ready_enrollment.save()
    set_policy(ready_enrollment, max_attempts=2, after_last_attempt="grant")
    fail(ready_enrollment)
    fail(ready_enrollment)
    return ready_enrollment


def grant_url(organization, enrollment):
    return reverse("quizzes:grant_attempt", args=[organization.slug, enrollment.pk])


@pytest.mark.django_db
def test_admin_grants_one_more_attempt_audited(admin_client_org, organization, exhausted):
    """The admin sees the learner in the list, grants one attempt, the audit log has it, the learner starts."""
    listing = admin_client_org.get(reverse("quizzes:attempts_used", args=[organization.slug])).content.decode()
    assert exhausted.user.name in listing and grant_url(organization, exhausted) in listing
    response = admin_client_org.post(grant_url(organization, exhausted))
    assert response.status_code == 302
    assert ExtraAttempt.objects.filter(enrollment=exhausted).count() == 1
    event = OrgAuditEvent.objects.get(organization=organization, action=OrgAuditEvent.Action.ATTEMPT_GRANTED)
    assert event.after == {"learner": exhausted.user_id, "attempts_allowed": 3}
    assert event.actor.email == "admin@example.org"
    assert services.start_attempt(exhausted).number == 3
    listing = admin_client_org.get(reverse("quizzes:attempts_used", args=[organization.slug])).content.decode()
    assert grant_url(organization, exhausted) not in listing  # taking attempt 3 now


@pytest.mark.django_db
def test_the_holder_grants_for_a_learner_it_did_not_enrol(admin_client_org, organization, exhausted):
    """The organization holding the accreditation may grant even where the enrolment names no organization."""
    Enrollment.objects.filter(pk=exhausted.pk).update(organization=None)
    assert admin_client_org.post(grant_url(organization, exhausted)).status_code == 302
    assert ExtraAttempt.objects.filter(enrollment=exhausted).exists()


@pytest.mark.django_db
def test_other_organizations_and_roles_get_404(foreign_admin_client, tutor_client, other_organization, exhausted):
    """Another organization's admin (under either address) and a tutor get 404; nothing is granted."""
    organization = exhausted.organization
    assert foreign_admin_client.post(grant_url(organization, exhausted)).status_code == 404
    assert foreign_admin_client.post(grant_url(other_organization, exhausted)).status_code == 404
    assert tutor_client.post(grant_url(organization, exhausted)).status_code == 404
    assert not ExtraAttempt.objects.exists()
    assert not OrgAuditEvent.objects.filter(action=OrgAuditEvent.Action.ATTEMPT_GRANTED).exists()


@pytest.mark.django_db
def test_admin_without_second_factor_is_sent_to_set_one_up(make_user, organization, exhausted, client):
    admin = make_user("plain-admin@example.org", "Plain Admin")
    Membership.objects.create(organization=organization, user=admin, role=Membership.Role.ADMIN)
    client.force_login(admin)
    response = client.post(grant_url(organization, exhausted))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not ExtraAttempt.objects.exists()


@pytest.mark.django_db
def test_no_grant_while_attempts_are_left(admin_client_org, organization, ready_enrollment):
    """A learner with attempts left gets nothing extra; the admin is told why."""
    ready_enrollment.organization = organization
    ready_enrollment.save()
    with pytest.raises(QuizError) as excinfo:
        services.grant_extra_attempt(
            ready_enrollment,
            organization=organization,
            granted_by=Membership.objects.get(organization=organization).user,
        )
    assert excinfo.value.code == "attempts_left"
    assert not ExtraAttempt.objects.exists()


@pytest.mark.django_db
def test_learner_enrols_again_keeping_the_old_records(learner_client, exhausted):
    """Under 'enrol again' the learner gets a fresh enrolment in the current version; the old one ends with its
    attempts and progress kept, and posting again changes nothing."""
    set_policy(exhausted, after_last_attempt="reenrol")
    url = reverse("quizzes:enrol_again", args=[exhausted.pk])
    response = learner_client.post(url)
    fresh = Enrollment.objects.exclude(pk=exhausted.pk).get(user=exhausted.user)
    assert response.url == fresh.get_absolute_url()
    exhausted.refresh_from_db()
    assert exhausted.status == Enrollment.Status.ENDED and exhausted.attempts.count() == 2
    assert exhausted.progress.exists()
    assert (fresh.course_version_id, fresh.accreditation_id, fresh.organization_id) == (
        exhausted.course_version_id,
        exhausted.accreditation_id,
        exhausted.organization_id,
    )
    assert fresh.status == Enrollment.Status.ACTIVE and not fresh.attempts.exists() and not fresh.progress.exists()
    again = learner_client.post(url)
    assert again.url == fresh.get_absolute_url()
    assert Enrollment.objects.filter(user=exhausted.user).count() == 2
    ended = learner_client.get(exhausted.get_absolute_url()).content.decode()
    assert "neu eingeschrieben" in ended or "enrolled again" in ended


@pytest.mark.django_db
def test_enrolling_again_is_refused_where_the_rule_differs_or_attempts_remain(learner_client, exhausted, make_user):
    """Under 'grant' the learner cannot enrol again (403); another learner gets 404."""
    url = reverse("quizzes:enrol_again", args=[exhausted.pk])
    assert learner_client.post(url).status_code == 403
    other = member_client(make_user, exhausted.organization, Membership.Role.LEARNER, "other@example.org")
    assert other.post(url).status_code == 404
    assert Enrollment.objects.filter(user=exhausted.user).count() == 1


@pytest.mark.django_db
def test_a_package_profile_carries_the_rule(tmp_path):
    """The package's profile may set the rule, the waiting days and the contact; without them the defaults hold."""
    import shutil

    from courses.packages.importing import import_package
    from courses.packages.reading import read_package
    from tests.conftest import MINI_COURSE

    shutil.copytree(MINI_COURSE, tmp_path / "course")
    path = tmp_path / "course" / "course.yaml"
    path.write_text(
        path.read_text().replace(
            "    max_attempts: 3\n",
            "    max_attempts: 3\n    after_last_attempt: new_round\n    new_round_days: 7\n"
            "    contact_email: kurs@example.org\n",
        )
    )
    accreditation = import_package(read_package(tmp_path / "course")).version.accreditations.get()
    assert (accreditation.after_last_attempt, accreditation.new_round_days) == ("new_round", 7)
    assert accreditation.contact_email == "kurs@example.org"
