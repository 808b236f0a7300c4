"""Organization admins revoke and correct certificates of their organization; other roles and tenants cannot."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_certificate(org_version, certificate):
    """The learner's certificate, for a course the organization organizes."""
    return certificate


def _manage(organization, code):
    return reverse("certificates:org_certificate", args=[organization.slug, code])


def test_admin_corrects_the_name(
    admin_client, organization, org_certificate, client, django_capture_on_commit_callbacks
):
    """Correcting the name issues a new code; the old one verifies as superseded by it."""
    _user, admin = admin_client
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            _manage(organization, org_certificate.code),
            {
                "action": "correct",
                "correct-participant_name": "Alexandra Beispiel",
                "correct-participant_efn": "",
                "correct-participant_licence": "",
                "correct-reason": "Name changed by marriage",
            },
        )
    new = Certificate.objects.get(participant_name="Alexandra Beispiel")
    assert response.url == _manage(organization, new.code)
    old = client.get(reverse("certificates:verify_json", args=[org_certificate.code])).json()
    assert old["status"] == "superseded" and old["superseded_by"]["code"] == new.code
    page = client.get(reverse("certificates:verify", args=[org_certificate.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert f"Superseded by {new.code}" in page.content.decode()
    assert client.get(reverse("certificates:verify_json", args=[new.code])).json()["status"] == "valid"


def test_admin_revokes(admin_client, organization, org_certificate, client):
    """Revoking shows 'revoked' on verification; the reason only to the holder and the admins (decision 0704)."""
    _user, admin = admin_client
    admin.post(_manage(organization, org_certificate.code), {"action": "revoke", "revoke-reason": "Identity fraud"})
    page = client.get(
        reverse("certificates:verify", args=[org_certificate.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Revoked." in page and "Identity fraud" not in page
    own = admin.get(reverse("certificates:verify", args=[org_certificate.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Identity fraud" in own.content.decode()


def test_revoke_needs_a_reason(admin_client, organization, org_certificate):
    """An empty reason is refused and nothing changes."""
    _user, admin = admin_client
    response = admin.post(_manage(organization, org_certificate.code), {"action": "revoke", "revoke-reason": ""})
    assert response.status_code == 400
    org_certificate.refresh_from_db()
    assert org_certificate.status == "valid"


@pytest.mark.parametrize(
    ("role", "list_status", "manage_status"),
    [(Membership.Role.ADMIN, 200, 200), (Membership.Role.TUTOR, 200, 404), (Membership.Role.LEARNER, 404, 404)],
)
def test_roles(member, organization, org_certificate, role, list_status, manage_status):
    """Admins manage, tutors list, learners see neither."""
    _user, client = member(organization, role, f"{role}-member@example.org")
    assert client.get(reverse("certificates:org_certificates", args=[organization.slug])).status_code == list_status
    assert client.get(_manage(organization, org_certificate.code)).status_code == manage_status
    revoke = client.post(_manage(organization, org_certificate.code), {"action": "revoke", "revoke-reason": "x"})
    assert revoke.status_code in (302, 404) and (revoke.status_code == 302) == (role == Membership.Role.ADMIN)


def test_anonymous_is_sent_to_login(client, organization, org_certificate):
    """Without login the admin pages redirect to the login page."""
    response = client.get(reverse("certificates:org_certificates", args=[organization.slug]))
    assert response.status_code == 302 and "login" in response.url


def test_foreign_admin_gets_404(member, other_organization, organization, org_certificate):
    """Another organization's admin cannot see or touch this certificate."""
    _user, client = member(other_organization, Membership.Role.ADMIN, "foreign@example.org")
    assert client.get(_manage(other_organization, org_certificate.code)).status_code == 404
    assert client.get(_manage(organization, org_certificate.code)).status_code == 404
    assert (
        client.post(_manage(organization, org_certificate.code), {"action": "revoke", "revoke-reason": "x"}).status_code
        == 404
    )


def test_certificate_list_query_count_is_flat(
    admin_client, organization, org_certificate, make_user, django_assert_max_num_queries
):
    """The list page's queries do not grow with the number of certificates shown."""
    from certificates import services

    services.correct(
        org_certificate, by=make_user("c@example.org", "C"), changes={"participant_name": "Neu"}, reason="x"
    )
    _user, admin = admin_client
    # Budget: session + user (2), organization + membership (2), membership for can_manage (1), count + page (2).
    with django_assert_max_num_queries(8):
        response = admin.get(reverse("certificates:org_certificates", args=[organization.slug]))
    assert response.status_code == 200 and "Neu" in response.content.decode()
