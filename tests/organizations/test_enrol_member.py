"""Enrolling one member into a cohort (used by seed_demo; consent comes from the membership)."""

import pytest

from enrolments.errors import EnrolmentError
from enrolments.models import Enrollment
from enrolments.services import cohorts, learning
from organizations.models import OrgAuditEvent

pytestmark = pytest.mark.django_db


def test_a_member_is_enrolled_under_the_cohorts_accreditation(people, org_a, cohort_a, admin_a):
    """Enrolled once, audited; calling again returns the same enrolment."""
    learner = people[org_a.slug]["learner"]
    enrollment = cohorts.enrol_member(cohort_a, learner, by=admin_a)
    assert (enrollment.cohort, enrollment.organization, enrollment.accreditation) == (
        cohort_a,
        org_a,
        cohort_a.accreditation,
    )
    assert cohorts.enrol_member(cohort_a, learner, by=admin_a).pk == enrollment.pk
    assert OrgAuditEvent.objects.filter(organization=org_a, action="enrolled").count() == 1


def test_refusals(people, org_a, org_b, cohort_a, cohort_b, admin_a, make_cohort, version):
    """Not a member, a full cohort, already in another cohort: each refused with its code, nothing written."""
    with pytest.raises(EnrolmentError) as excinfo:
        cohorts.enrol_member(cohort_a, people["outsider"], by=admin_a)
    assert excinfo.value.code == "not_member"
    learner = people[org_a.slug]["learner"]
    full = make_cohort(org_a, admin_a, name="Voll", seats=1)
    cohorts.enrol_member(full, people[org_a.slug]["tutor"], by=admin_a)
    with pytest.raises(EnrolmentError) as excinfo:
        cohorts.enrol_member(full, learner, by=admin_a)
    assert excinfo.value.code == "no_seat"
    learning.enroll(version, user=people[org_b.slug]["learner"], accreditation=cohort_b.accreditation)
    from organizations.services import add_member

    add_member(org_a, user=people[org_b.slug]["learner"])
    with pytest.raises(EnrolmentError) as excinfo:
        cohorts.enrol_member(cohort_a, people[org_b.slug]["learner"], by=admin_a)
    assert excinfo.value.code == "enrolled_elsewhere"
    assert not Enrollment.objects.filter(cohort=cohort_a).exists()
