"""Consent at the organization boundary: an organization enrols its own members; anyone else is invited first,
and nothing an upload answers tells another organization's data or whether an address has an account."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from enrolments.models import CohortInvitation, Enrollment
from enrolments.services import learning
from organizations import services as organization_services
from organizations.models import Invitation, Membership

from .conftest import csv_bytes, english_client

pytestmark = pytest.mark.django_db


def upload(client, cohort, rows):
    url = reverse("enrolments:cohort_enrol", args=[cohort.organization.slug, cohort.pk])
    return client.post(url, {"file": SimpleUploadedFile("learners.csv", csv_bytes(rows))}, follow=True)


def _row(user, name: str = "Someone") -> list[str]:
    return [name, user.email, "", ""]


def test_another_organizations_learner_is_invited_not_taken(
    people, org_a, org_b, cohort_a, cohort_b, version, django_capture_on_commit_callbacks
):
    """B lists A's learner (in A's cohort): an invitation, no membership in B, the enrolment untouched, A unnamed."""
    learner = people[org_a.slug]["learner"]
    enrolment = learning.enroll(version, user=learner)
    Enrollment.objects.filter(pk=enrolment.pk).update(cohort=cohort_a, organization=org_a)
    admin_b = english_client(people[org_b.slug]["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_b, cohort_b, [_row(learner)])
    page = response.content.decode()
    assert response.status_code == 200
    assert not Membership.objects.filter(organization=org_b, user=learner).exists()
    assert Enrollment.objects.get(pk=enrolment.pk).cohort_id == cohort_a.pk
    assert not Enrollment.objects.filter(cohort=cohort_b).exists()
    invitation = Invitation.objects.get(organization=org_b, email=learner.email)
    assert CohortInvitation.objects.filter(invitation=invitation, cohort=cohort_b).exists()
    for text in (cohort_a.name, org_a.name, learner.name):
        assert text not in page
    assert not re.search(r"\d+ new accounts", page)
    invited = next(m for m in mail.outbox if m.to == [learner.email])
    assert learner.name not in invited.body and "/org/invitations/" in invited.body


def test_a_self_enrolment_is_not_pulled_into_a_foreign_cohort(people, org_b, cohort_b, version):
    """A learner's own enrolment (and its progress) stays out of B's cohort and dashboard."""
    outsider = people["outsider"]
    own = learning.enroll(version, user=outsider)
    upload(english_client(people[org_b.slug]["admin"]), cohort_b, [_row(outsider)])
    own.refresh_from_db()
    assert own.cohort_id is None and own.organization_id is None


def test_new_and_existing_addresses_get_the_same_answer(people, org_b, cohort_b, make_cohort):
    """The upload's answer reads the same whether or not an address has an account."""
    admin_b = english_client(people[org_b.slug]["admin"])
    existing = upload(admin_b, cohort_b, [_row(people["outsider"], "Olga")]).content.decode()
    second = make_cohort(org_b, people[org_b.slug]["admin"], name="Zweite")
    new = upload(admin_b, second, [["Nina Neu", "nina@example.net", "", ""]]).content.decode()

    def message(page: str) -> str:
        return page.split('<div role="status">', 1)[1].split("</div>", 2)[1]

    assert message(existing) == message(new)


def test_the_invited_person_is_enrolled_on_accepting(people, org_b, cohort_b, django_capture_on_commit_callbacks):
    outsider = people["outsider"]
    with django_capture_on_commit_callbacks(execute=True):
        upload(english_client(people[org_b.slug]["admin"]), cohort_b, [_row(outsider)])
    link = next(w for m in mail.outbox if m.to == [outsider.email] for w in m.body.split() if "/org/invitations/" in w)
    client = Client()
    client.force_login(outsider)
    assert client.post(link).status_code == 302
    assert Membership.objects.get(organization=org_b, user=outsider).role == Membership.Role.LEARNER
    assert Enrollment.objects.get(user=outsider, cohort=cohort_b).organization_id == org_b.pk


def test_members_are_enrolled_directly(people, org_a, cohort_a):
    learner = people[org_a.slug]["learner"]
    upload(english_client(people[org_a.slug]["admin"]), cohort_a, [_row(learner)])
    assert Enrollment.objects.get(user=learner).cohort_id == cohort_a.pk
    assert not Invitation.objects.filter(email=learner.email).exists()


def test_an_unconfirmed_address_is_never_enrolled_and_never_named(
    people, org_a, cohort_a, django_capture_on_commit_callbacks
):
    """Someone registered another person's address: the upload invites the address; the squatter's name stays out."""
    squatter = User.objects.create_user("victim@example.net", "squatters-password", name="Squatter Name")
    with django_capture_on_commit_callbacks(execute=True):
        upload(english_client(people[org_a.slug]["admin"]), cohort_a, [["Vera Victim", squatter.email, "", ""]])
    assert not Enrollment.objects.filter(user=squatter).exists()
    assert not Membership.objects.filter(user=squatter).exists()
    mails = [m for m in mail.outbox if m.to == [squatter.email]]
    assert mails and all("Squatter Name" not in m.body for m in mails)


def test_a_new_address_gets_an_account_as_before(people, org_a, cohort_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(english_client(people[org_a.slug]["admin"]), cohort_a, [["Nina Neu", "nina@example.net", "", ""]])
    user = User.objects.get(email="nina@example.net")
    assert Enrollment.objects.get(user=user).cohort_id == cohort_a.pk
    assert Membership.objects.filter(organization=org_a, user=user).exists()


def test_a_learner_sees_memberships_and_leaves(people, org_a, cohort_a, version):
    """The learner's page lists their organizations; leaving ends the membership and keeps the records."""
    learner = people[org_a.slug]["learner"]
    enrolment = learning.enroll(version, user=learner)
    Enrollment.objects.filter(pk=enrolment.pk).update(cohort=cohort_a, organization=org_a)
    client = english_client(learner)
    page = client.get(reverse("organizations:index")).content.decode()
    assert org_a.name in page and "Leave" in page
    membership = Membership.objects.get(organization=org_a, user=learner)
    assert client.post(reverse("organizations:leave", args=[membership.pk])).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Enrollment.objects.get(pk=enrolment.pk).cohort_id == cohort_a.pk  # the record stays
    assert client.post(reverse("organizations:leave", args=[membership.pk])).status_code == 404


def test_the_last_admin_cannot_leave(people, org_a):
    admin = people[org_a.slug]["admin"]
    membership = Membership.objects.get(organization=org_a, user=admin)
    with pytest.raises(organization_services.OrganizationError):
        organization_services.leave_organization(membership, by=admin)


def test_nobody_leaves_for_someone_else(people, org_a):
    other = Membership.objects.get(organization=org_a, user=people[org_a.slug]["tutor"])
    client = english_client(people[org_a.slug]["learner"])
    assert client.post(reverse("organizations:leave", args=[other.pk])).status_code == 404
