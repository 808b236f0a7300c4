"""Organization-only courses: absent from the catalogue for others and 404 to them; members and invitees see
them. Self-enrolment uses only accreditations the course's holder opened for it."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Accreditation, Course
from enrolments.models import Enrollment
from organizations.services import invite_member

from .conftest import english_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_course(version, org_a):
    """The mini course, owned by institute A and open to its members only."""
    Course.objects.filter(pk=version.course_id).update(organization=org_a, visibility=Course.Visibility.ORGANIZATION)
    return version


def _catalogue(client) -> str:
    return client.get(reverse("courses:catalogue")).content.decode()


def test_outsiders_neither_see_nor_enrol_in_an_organization_course(own_course, people):
    """Catalogue without it, 404 on the course page and on the enrol POST; nothing is written."""
    title = own_course.title["en"] if isinstance(own_course.title, dict) else str(own_course.title)
    slug = own_course.course.slug
    for who in (english_client(people["outsider"]), english_client(people["institut-b"]["learner"])):
        assert title not in _catalogue(who)
        assert who.get(reverse("courses:course", args=[slug])).status_code == 404
        assert who.get(reverse("courses:course_info", args=[slug])).status_code == 404
        assert who.post(reverse("enrolments:enroll", args=[slug])).status_code == 404
    assert Client().get(reverse("courses:course", args=[slug])).status_code == 404
    assert not Enrollment.objects.exists()


def test_members_and_invitees_see_and_enrol(own_course, people, org_a, admin_a):
    title = own_course.title["en"] if isinstance(own_course.title, dict) else str(own_course.title)
    slug = own_course.course.slug
    member = english_client(people["institut-a"]["learner"])
    assert title in _catalogue(member)
    assert member.get(reverse("courses:course", args=[slug])).status_code == 200
    assert member.post(reverse("enrolments:enroll", args=[slug])).status_code == 302
    invite_member(org_a, email=people["outsider"].email, role="learner", by=admin_a)
    invitee = english_client(people["outsider"])
    assert invitee.get(reverse("courses:course", args=[slug])).status_code == 200


def test_a_public_course_of_an_organization_is_in_the_catalogue(version, org_a, people):
    Course.objects.filter(pk=version.course_id).update(organization=org_a, visibility=Course.Visibility.PUBLIC)
    assert (
        english_client(people["outsider"]).get(reverse("courses:course", args=[version.course.slug])).status_code == 200
    )


def test_self_enrolment_uses_only_accreditations_opened_for_it(version, people):
    """An accreditation its holder did not open for self-enrolment never reaches a self-enrolled learner."""
    Accreditation.objects.filter(course_version=version).update(open_for_self_enrolment=False)
    client = english_client(people["outsider"])
    client.post(reverse("enrolments:enroll", args=[version.course.slug]))
    assert Enrollment.objects.get(user=people["outsider"]).accreditation_id is None
    Enrollment.objects.all().delete()
    Accreditation.objects.filter(course_version=version).update(open_for_self_enrolment=True)
    client.post(reverse("enrolments:enroll", args=[version.course.slug]))
    assert Enrollment.objects.get(user=people["outsider"]).accreditation_id is not None
