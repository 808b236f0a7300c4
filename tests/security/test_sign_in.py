"""Accounts that resist guessing: lockout, throttled reset and registration, no enumeration, verification,
a second factor for administrators, idle timeout, re-authentication, and the sign-in log."""

import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import security
from accounts.models import SignInEvent, User
from organizations.models import Membership, Organization
from organizations.services import add_member
from tests.conftest import totp_code, verified_user, with_second_factor

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def _login(client, email, password, **extra):
    return client.post(reverse("accounts:login"), {"login": email, "password": password}, **extra)


def test_eleventh_wrong_password_is_refused_even_with_the_right_one(client, learner):
    """Ten wrong passwords for one account within 15 minutes lock it: the right one is refused, with a way back."""
    for _ in range(10):
        assert _login(client, learner.email, "wrong-guess").status_code == 200
    response = _login(client, learner.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "Too many failed log-in attempts" in text and "reset" in text
    assert SignInEvent.objects.filter(user=learner, kind=SignInEvent.Kind.LOGIN_FAILED).count() == 10
    assert SignInEvent.objects.filter(user=learner, kind=SignInEvent.Kind.LOCKED_OUT).exists()


def test_the_lock_is_per_account_and_another_client_is_locked_too(learner, make_user):
    """The per-account lock holds from any address; another account from the same client still logs in."""
    attacker = Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(10):
        _login(attacker, learner.email, "wrong-guess")
    owner = Client(REMOTE_ADDR="203.0.113.9")
    assert _login(owner, learner.email, PASSWORD).status_code == 200
    other = make_user("other@example.org", "Other")
    assert _login(attacker, other.email, PASSWORD).status_code == 302


def test_one_client_guessing_many_accounts_is_stopped(make_user):
    """30 failures from one client (any accounts) within 15 minutes stop that client, a right password too."""
    users = [make_user(f"u{n}@example.org", f"U {n}") for n in range(4)]
    client = Client(REMOTE_ADDR="2001:db8:5:5::1")
    for n in range(30):
        _login(client, users[n % 3].email, "wrong-guess")
    neighbour = Client(REMOTE_ADDR="2001:db8:5:5::beef")  # the same /64
    assert _login(neighbour, users[3].email, PASSWORD).status_code in (200, 429)
    assert "_auth_user_id" not in neighbour.session
    assert _login(Client(REMOTE_ADDR="2001:db8:5:6::1"), users[3].email, PASSWORD).status_code == 302


def test_a_password_reset_lifts_the_lock(client, learner):
    for _ in range(10):
        _login(client, learner.email, "wrong-guess")
    client.post(reverse("accounts:password_reset"), {"email": learner.email})
    link = next(word for word in mail.outbox[-1].body.split() if "/password/reset/key/" in word)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": "a-new-long-password", "password2": "a-new-long-password"})
    assert _login(Client(), learner.email, "a-new-long-password").status_code == 302


def test_admin_login_is_the_throttled_one(client, learner):
    """/admin/login/ has no form of its own any more: it sends to the throttled log-in."""
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_password_resets_are_throttled(client, learner):
    """Three reset e-mails per account and hour; the fourth request gets the same answer and no mail."""
    answers = [client.post(reverse("accounts:password_reset"), {"email": learner.email}) for _ in range(5)]
    assert len(mail.outbox) == 3
    assert answers[0].status_code == 302
    assert {answer.status_code for answer in answers[3:]} <= {302, 429}


def test_registration_is_throttled_per_client():
    client = Client(REMOTE_ADDR="198.51.100.7")
    codes = [
        client.post(reverse("accounts:register"), _register(f"person{n}@example.org")).status_code for n in range(12)
    ]
    assert codes[:10] == [302] * 10 and codes[10:] == [429, 429]


def _register(email: str) -> dict:
    return {
        "name": "Someone Else",
        "email": email,
        "efn": "",
        "licence_number": "",
        "language": "en",
        "password1": "another-long-password",
        "password2": "another-long-password",
    }


def test_registration_does_not_reveal_an_existing_account(learner):
    """New and taken addresses get the same answer; the owner of the taken one gets a note, not a second account."""
    new = Client().post(reverse("accounts:register"), _register("new@example.org"))
    taken = Client().post(reverse("accounts:register"), _register(learner.email))
    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    assert User.objects.filter(email=learner.email).count() == 1
    assert User.objects.get(email=learner.email).name == "Alex Beispiel"
    assert [message.to for message in mail.outbox] == [["new@example.org"], [learner.email]]


def test_password_reset_does_not_reveal_an_account(client, learner):
    known = client.post(reverse("accounts:password_reset"), {"email": learner.email})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message.to for message in mail.outbox] == [[learner.email]]


def test_a_squatted_address_cannot_log_in_before_it_is_confirmed():
    """Someone registering another person's address gets no session; the e-mail goes to the address's owner."""
    client = Client()
    client.post(reverse("accounts:register"), _register("victim@example.org"))
    response = _login(client, "victim@example.org", "another-long-password")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("certificates:dashboard")).status_code == 302


# Second factor ---------------------------------------------------------------------------------------------


@pytest.fixture
def organization(db):
    return Organization.objects.create(name="Institut A", slug="institut-a")


def _admin(organization, *, second_factor: bool) -> tuple[User, Client]:
    user = verified_user("admin@example.org", "Admin")
    add_member(organization, user=user, role=Membership.Role.ADMIN)
    if second_factor:
        with_second_factor(user)
    client = Client()
    client.force_login(user)
    return user, client


def test_admin_without_second_factor_is_sent_to_set_one_up(organization):
    """Before any back-office page an admin without an authenticator app is sent to set one up."""
    _user, client = _admin(organization, second_factor=False)
    for url in (
        reverse("organizations:overview", args=[organization.slug]),
        reverse("organizations:members", args=[organization.slug]),
        reverse("enrolments:cohorts", args=[organization.slug]),
        reverse("certificates:org_certificates", args=[organization.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), url


def test_setting_up_the_second_factor_opens_the_back_office(organization, django_capture_on_commit_callbacks):
    user, client = _admin(organization, second_factor=False)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("organizations:overview", args=[organization.slug])).status_code == 200
    assert SignInEvent.objects.filter(user=user, kind=SignInEvent.Kind.SECOND_FACTOR_ADDED).exists()


def test_admin_logs_in_with_password_and_code(organization):
    user, _client = _admin(organization, second_factor=True)
    client = Client()
    assert _login(client, user.email, PASSWORD)["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("organizations:overview", args=[organization.slug])).status_code == 302
    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302
    assert client.get(reverse("organizations:overview", args=[organization.slug])).status_code == 200
    kinds = set(SignInEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert {SignInEvent.Kind.LOGIN, SignInEvent.Kind.SECOND_FACTOR_USED} <= kinds


def test_a_recovery_code_replaces_the_app_once(organization):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user, _client = _admin(organization, second_factor=True)
    code = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes")).get_unused_codes()[0]
    first, second = Client(), Client()
    _login(first, user.email, PASSWORD)
    assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    _login(second, user.email, PASSWORD)
    assert second.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200


def test_admins_cannot_remove_their_second_factor(organization):
    _user, client = _admin(organization, second_factor=True)
    client.post(reverse("mfa_deactivate_totp"))
    assert security.user_has_second_factor(_user)


def test_staff_need_a_second_factor_for_the_admin_site():
    staff = verified_user("staff@example.org", "Staff", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")
    with_second_factor(staff)
    assert client.get("/admin/").status_code == 200


def test_learners_and_tutors_need_no_second_factor(organization, learner_client):
    tutor = verified_user("tutor@example.org", "Tutor")
    add_member(organization, user=tutor, role=Membership.Role.TUTOR)
    client = Client()
    client.force_login(tutor)
    assert client.get(reverse("organizations:overview", args=[organization.slug])).status_code == 200
    assert learner_client.get(reverse("certificates:dashboard")).status_code == 200


# Sessions ---------------------------------------------------------------------------------------------------


def test_idle_session_ends(learner_client, learner, settings):
    """An hour without a request ends the session; the next request goes to the log-in page."""
    session = learner_client.session
    session[security.SEEN_SESSION_KEY] = int(time.time()) - settings.HALTUNG_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = learner_client.get(reverse("certificates:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert learner_client.get(reverse("certificates:dashboard")).status_code == 302
    assert SignInEvent.objects.filter(user=learner, kind=SignInEvent.Kind.IDLE_TIMEOUT).exists()


def test_sessions_last_hours_not_weeks(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


def _stale(client) -> None:
    """Make the last password or code entry older than the re-authentication window."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - 3600} for record in session[AUTHENTICATION_METHODS_SESSION_KEY]
    ]
    session.save()


def test_role_change_needs_a_recent_password(organization):
    """A stale session asks for the password again before a role changes; after it, the change goes through."""
    _user, client = _admin(organization, second_factor=True)
    tutor = verified_user("tutor@example.org", "Tutor")
    membership = add_member(organization, user=tutor, role=Membership.Role.TUTOR)
    _stale(client)
    url = reverse("organizations:change_role", args=[organization.slug, membership.pk])
    response = client.post(url, {"role": "learner"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    membership.refresh_from_db()
    assert membership.role == Membership.Role.TUTOR
    client.post(response["Location"], {"password": PASSWORD}, follow=True)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.LEARNER


def test_erasure_needs_a_recent_password(learner_client, learner):
    _stale(learner_client)
    response = learner_client.get(reverse("accounts:delete"))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]


def test_the_eiv_password_form_needs_a_recent_password(organization):
    """The accreditation form (where the EIV password is entered) asks for the password again in a stale session."""
    _user, client = _admin(organization, second_factor=True)
    url = reverse("courses:accreditation_create", args=[organization.slug])
    assert client.get(url).status_code == 200
    _stale(client)
    response = client.get(url)
    assert response.status_code == 302 and "reauthenticate" in response["Location"]


def test_an_unconfirmed_address_cannot_enrol(version):
    """Even a session that exists without a confirmed address (from before the rule) enrols nobody."""
    from enrolments.models import Enrollment

    user = User.objects.create_user("unconfirmed@example.org", PASSWORD, name="Unconfirmed")
    client = Client()
    client.force_login(user)
    client.post(reverse("enrolments:enroll", args=[version.course.slug]))
    assert not Enrollment.objects.filter(user=user).exists()
