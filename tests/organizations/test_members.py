"""Invitations by e-mail, accepting them, roles and removal; each admin action leaves an audit row."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organizations import services
from organizations.models import Invitation, Membership, OrgAuditEvent
from organizations.permissions import can_manage

from .conftest import english_client

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"https?://\S+/org/invitations/\S+/", message.body).group(0).split("8000", 1)[-1]


def invite(org, admin, email="neu@example.org", role="tutor", capture=None):
    with capture(execute=True):
        return services.invite_member(org, email=email, role=role, by=admin)


def test_invitation_mail_is_sent_after_commit_with_a_signed_link(org_a, admin_a, django_capture_on_commit_callbacks):
    """Inviting queues the mail on commit; the mail carries a link whose token names the invitation."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.invite_member(org_a, email="Neu@Example.org", role="tutor", by=admin_a)
    assert len(callbacks) == 1 and not mail.outbox
    callbacks[0]()
    assert mail.outbox[0].to == ["neu@example.org"]
    token = _link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[-1]
    assert services.invitation_from_token(token).pk == invitation.pk
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    event = OrgAuditEvent.objects.get(action="member_invited")
    assert event.actor == admin_a and event.after["role"] == "tutor"


def test_accepting_creates_the_account(org_a, admin_a, django_capture_on_commit_callbacks):
    """A new person opens the link, gives a name and password, and is a tutor, logged in."""
    invite(org_a, admin_a, capture=django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    client = english_client()
    page = client.get(link)
    assert page.status_code == 200 and "neu@example.org" in page.content.decode()
    response = client.post(
        link, {"name": "Nina Neu", "password1": "ein-langes-passwort-42", "password2": "ein-langes-passwort-42"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="neu@example.org")
    assert user.name == "Nina Neu" and user.check_password("ein-langes-passwort-42")
    assert Membership.objects.get(organization=org_a, user=user).role == "tutor"
    assert client.get(reverse("organizations:overview", args=[org_a.slug])).status_code == 200
    # The link works once.
    assert english_client().get(link).status_code == 400


def test_accepting_links_an_existing_account(org_a, admin_a, make_user, django_capture_on_commit_callbacks):
    """Someone with an account logs in first, then accepts; a wrong account is told so and nothing changes."""
    existing = make_user("neu@example.org", name="Nina Neu")
    other = make_user("other@example.org", name="Otto")
    invite(org_a, admin_a, capture=django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    anonymous = english_client()
    assert "login" in anonymous.post(link)["Location"]
    wrong = english_client(other)
    assert wrong.post(link).status_code == 400
    assert not Membership.objects.filter(organization=org_a, user=other).exists()
    right = english_client(existing)
    assert right.post(link).status_code == 302
    assert Membership.objects.get(organization=org_a, user=existing).role == "tutor"
    assert OrgAuditEvent.objects.filter(action="invitation_accepted", actor=existing).exists()


def test_accepting_never_demotes_a_member(org_a, admin_a, people, django_capture_on_commit_callbacks):
    """An admin accepting a stale learner invitation stays admin."""
    invitation = Invitation.objects.create(
        organization=org_a, email=admin_a.email, role="learner", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    services.accept_invitation(invitation, user=admin_a)
    assert Membership.objects.get(organization=org_a, user=admin_a).role == "admin"


def test_expired_tampered_and_revoked_links_are_refused(org_a, admin_a, django_capture_on_commit_callbacks, settings):
    """Each bad link gets a page saying why; nothing is joined."""
    invitation = invite(org_a, admin_a, capture=django_capture_on_commit_callbacks)
    token = services.invitation_token(invitation)
    client = english_client()
    tampered = client.get(reverse("organizations:accept", args=[token[:-2] + "xx"]))
    assert tampered.status_code == 400 and "not valid" in tampered.content.decode()
    settings.ORGANIZATIONS_INVITATION_DAYS = 0
    with pytest.raises(services.OrganizationError) as excinfo:
        services.invitation_from_token(token)
    assert excinfo.value.code == "expired"
    settings.ORGANIZATIONS_INVITATION_DAYS = 14
    services.revoke_invitation(invitation, by=admin_a)
    with pytest.raises(services.OrganizationError) as excinfo:
        services.invitation_from_token(token)
    assert excinfo.value.code == "revoked"


def test_inviting_again_renews_and_members_cannot_be_invited(
    org_a, admin_a, people, django_capture_on_commit_callbacks
):
    """A second invitation to the same address renews the open one; a member's address is refused."""
    first = invite(org_a, admin_a, role="learner", capture=django_capture_on_commit_callbacks)
    second = invite(org_a, admin_a, role="tutor", capture=django_capture_on_commit_callbacks)
    assert first.pk == second.pk and Invitation.objects.get().role == "tutor"
    with pytest.raises(services.OrganizationError) as excinfo:
        services.invite_member(org_a, email=people[org_a.slug]["tutor"].email, role="admin", by=admin_a)
    assert excinfo.value.code == "already_member"


def test_invite_page_shows_errors_next_to_the_field(admin_client, org_a, people):
    """Inviting a member by the form answers 400 with the reason at the e-mail field."""
    response = admin_client.post(
        reverse("organizations:invite", args=[org_a.slug]),
        {"email": people[org_a.slug]["learner"].email, "role": "tutor"},
    )
    assert response.status_code == 400 and "is a member already" in response.content.decode()


def test_role_change_is_audited_and_the_last_admin_stays(org_a, admin_a, people):
    """Changing a role writes before/after; the last administrator can be neither demoted nor removed."""
    tutor = Membership.objects.get(organization=org_a, user=people[org_a.slug]["tutor"])
    services.change_role(tutor, role="admin", by=admin_a)
    event = OrgAuditEvent.objects.get(action="role_changed")
    assert (event.before, event.after, event.actor) == ({"role": "tutor"}, {"role": "admin"}, admin_a)
    services.change_role(tutor, role="learner", by=admin_a)
    own = Membership.objects.get(organization=org_a, user=admin_a)
    for action in (
        lambda: services.change_role(own, role="tutor", by=admin_a),
        lambda: services.remove_member(own, by=admin_a),
    ):
        with pytest.raises(services.OrganizationError) as excinfo:
            action()
        assert excinfo.value.code == "last_admin"
    assert can_manage(User.objects.get(pk=admin_a.pk), org_a)


def test_removed_member_loses_the_back_office(org_a, admin_client, people):
    """After removal the former tutor gets 404 on the back office; the audit row names them."""
    tutor = people[org_a.slug]["tutor"]
    membership = Membership.objects.get(organization=org_a, user=tutor)
    response = admin_client.post(reverse("organizations:remove_member", args=[org_a.slug, membership.pk]))
    assert response.status_code == 302
    client = english_client(tutor)
    assert client.get(reverse("organizations:overview", args=[org_a.slug])).status_code == 404
    assert tutor.email in OrgAuditEvent.objects.get(action="member_removed").object_repr


def test_members_page_lists_members_in_a_fixed_number_of_queries(
    org_a, admin_client, make_user, django_assert_num_queries
):
    """The member list costs the same with 5 or 30 members.

    Budget: session, user, organization, role (4); count, page, open invitations (3).
    """
    from organizations.services import add_member

    url = reverse("organizations:members", args=[org_a.slug])
    admin_client.get(url)
    with django_assert_num_queries(6):
        admin_client.get(url)
    for index in range(25):
        add_member(org_a, user=make_user(f"m{index}@example.org", name=f"M {index}"))
    with django_assert_num_queries(6):
        response = admin_client.get(url)
    assert "M 24" in response.content.decode()


def test_audit_page_shows_only_this_organizations_rows(org_a, org_b, admin_client, people, django_assert_num_queries):
    """Institute A's audit page lists A's admin actions, never B's; its query count is fixed."""
    services.change_role(
        Membership.objects.get(organization=org_b, user=people[org_b.slug]["tutor"]),
        role="admin",
        by=people[org_b.slug]["admin"],
    )
    services.change_role(
        Membership.objects.get(organization=org_a, user=people[org_a.slug]["tutor"]),
        role="learner",
        by=people[org_a.slug]["admin"],
    )
    url = reverse("organizations:audit", args=[org_a.slug])
    with django_assert_num_queries(5):
        response = admin_client.get(url)
    page = response.content.decode()
    assert people[org_a.slug]["tutor"].email in page and people[org_b.slug]["tutor"].email not in page


def test_settings_change_is_audited(org_a, admin_client):
    """Admins change the organizer line; the audit row holds old and new values."""
    response = admin_client.post(
        reverse("organizations:settings", args=[org_a.slug]),
        {"name": org_a.name, "organizer_line": "Institut A e.V.", "contact_email": "", "default_language": "de"},
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.certificate_name == "Institut A e.V."
    event = OrgAuditEvent.objects.get(action="organization_changed")
    assert event.before == {"organizer_line": ""} and event.after == {"organizer_line": "Institut A e.V."}
