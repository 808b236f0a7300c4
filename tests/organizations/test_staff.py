"""The operator's staff back office (not the Django admin): onboarding without the shell."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from courses.models import Accreditation, Course
from organizations.models import Invitation, Organization, OrgAuditEvent
from tests.conftest import MINI_COURSE, with_second_factor

from .conftest import english_client

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    ("staff:organizations", {}, "get"),
    ("staff:organization_create", {}, "get"),
    ("staff:organization", {"slug": "institut-a"}, "get"),
    ("courses:staff_courses", {}, "get"),
    ("courses:staff_course_owner", {"course_id": 1}, "post"),
]


@pytest.fixture
def operator(make_user):
    user = make_user("operator@example.org", name="Olivia Operator", language="en")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return with_second_factor(user)  # staff need a second factor (decision 0701)


@pytest.mark.parametrize(("url_name", "kwargs", "method"), STAFF_PAGES, ids=[p[0] for p in STAFF_PAGES])
def test_staff_pages_are_for_staff_only(people, org_a, operator, version, url_name, kwargs, method):
    """Staff open every page; organization admins, learners and outsiders get 404; anonymous the login page."""
    if "course_id" in kwargs:
        kwargs = {"course_id": version.course_id}
    url = reverse(url_name, kwargs=kwargs)
    call = "post" if method == "post" else "get"
    assert getattr(english_client(operator), call)(url).status_code in (200, 302)
    for who in (people[org_a.slug]["admin"], people[org_a.slug]["learner"], people["outsider"]):
        assert getattr(english_client(who), call)(url).status_code == 404
    anonymous = getattr(english_client(), call)(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_operator_creates_a_chamber_and_invites_its_first_admin(operator, django_capture_on_commit_callbacks):
    """One form: the organization of the chosen kind, an audit row, an admin invitation mailed after commit."""
    client = english_client(operator)
    data = {
        "name": "Psychotherapeutenkammer Beispiel",
        "slug": "ptk-beispiel",
        "kind": "chamber",
        "contact_email": "",
        "first_admin_email": "Leitung@PTK.example.org",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:organization_create"), data)
    assert response.status_code == 302
    chamber = Organization.objects.get(slug="ptk-beispiel")
    assert chamber.kind == Organization.Kind.CHAMBER
    invitation = Invitation.objects.get(organization=chamber)
    assert (invitation.email, invitation.role) == ("leitung@ptk.example.org", "admin")
    assert [m.to for m in mail.outbox] == [["leitung@ptk.example.org"]]
    actions = set(OrgAuditEvent.objects.filter(organization=chamber).values_list("action", flat=True))
    assert actions == {"organization_created", "member_invited"}
    page = client.get(reverse("staff:organization", args=[chamber.slug])).content.decode()
    assert "leitung@ptk.example.org" in page


def test_bad_onboarding_input_is_a_field_error_and_writes_nothing(operator, org_a):
    """A taken address and a bad e-mail are shown at their fields; no organization, no invitation."""
    client = english_client(operator)
    data = {"name": "Zweites A", "slug": org_a.slug, "kind": "institute", "first_admin_email": "a@example.org"}
    response = client.post(reverse("staff:organization_create"), data)
    assert response.status_code == 400 and "slug" in response.context["form"].errors
    data = {**data, "slug": "neu", "first_admin_email": "kein-e-mail"}
    response = client.post(reverse("staff:organization_create"), data)
    assert response.status_code == 400 and "first_admin_email" in response.context["form"].errors
    assert not Organization.objects.filter(name="Zweites A").exists() and not Invitation.objects.exists()


def test_operator_assigns_an_unowned_course(operator, org_a, org_b, version):
    """The course and its package profiles go to the organization, audited; a second assignment is refused."""
    client = english_client(operator)
    url = reverse("courses:staff_course_owner", args=[version.course_id])
    assert client.post(url, {"organization": org_a.pk}).status_code == 302
    version.course.refresh_from_db()
    assert version.course.organization == org_a
    assert Accreditation.objects.get(course_version=version, key="de-d").holder == org_a
    assert OrgAuditEvent.objects.filter(organization=org_a, action="course_assigned").count() == 1
    response = client.post(url, {"organization": org_b.pk}, follow=True)
    assert "belongs to Institut A already" in response.content.decode()
    version.course.refresh_from_db()
    assert version.course.organization == org_a


def test_import_course_with_owner(org_a, org_b):
    """--owner gives the new course and its package profiles to the organization; an unknown or other owner stops."""
    with pytest.raises(CommandError, match="no organization has this slug"):
        call_command("import_course", str(MINI_COURSE), owner="gibt-es-nicht")
    assert not Course.objects.exists()
    call_command("import_course", str(MINI_COURSE), owner=org_a.slug)
    course = Course.objects.get(slug="mini-course")
    assert course.organization == org_a
    assert set(Accreditation.objects.values_list("holder", flat=True)) == {org_a.pk}
    with pytest.raises(CommandError, match="belongs to 'institut-a'"):
        call_command("import_course", str(MINI_COURSE), owner=org_b.slug)
