import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.validators import luhn_is_valid, validate_efn


def with_check_digit(body: str) -> str:
    """Append the Luhn digit that makes ``body`` valid."""
    return next(body + str(d) for d in range(10) if luhn_is_valid(body + str(d)))


VALID_EFN = with_check_digit("80276001234567")


def test_valid_efn_passes():
    """A 15-digit number with the right Luhn digit is accepted, whatever its prefix."""
    validate_efn(VALID_EFN)
    validate_efn(with_check_digit("12345678901234"))


def test_efn_with_wrong_check_digit_is_refused():
    """Changing the last digit breaks the Luhn check."""
    wrong = VALID_EFN[:-1] + str((int(VALID_EFN[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as excinfo:
        validate_efn(wrong)
    assert excinfo.value.code == "efn_checksum"


@pytest.mark.parametrize("value", ["123", "8027600123456789", "80276001234567X"])
def test_efn_of_wrong_shape_is_refused(value):
    """Anything but exactly 15 digits is refused with a length error."""
    with pytest.raises(ValidationError) as excinfo:
        validate_efn(value)
    assert excinfo.value.code == "efn_length"


def register_data(**overrides):
    data = {
        "name": "Dr. Maria Muster-Özdemir",
        "email": "Maria@Example.org",
        "efn": "",
        "licence_number": "",
        "language": "de",
        "password1": "a-long-test-password",
        "password2": "a-long-test-password",
    }
    data.update(overrides)
    return data


def confirm_link(message) -> str:
    return next(word for word in message.body.split() if "/accounts/confirm-email/" in word)


@pytest.mark.django_db
def test_register_confirm_and_log_in(client):
    """Registration stores the certificate name and a lower-cased e-mail; the e-mailed link confirms and logs in."""
    response = client.post(reverse("accounts:register"), register_data(efn=VALID_EFN[:5] + " " + VALID_EFN[5:]))
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert (user.email, user.name, user.efn) == ("maria@example.org", "Dr. Maria Muster-Özdemir", VALID_EFN)
    assert client.get(reverse("certificates:dashboard")).status_code == 302, "not logged in before confirming"
    link = confirm_link(mail.outbox[0])
    assert client.post(link).status_code == 302
    assert client.get(reverse("certificates:dashboard")).status_code == 200


@pytest.mark.django_db
def test_register_refuses_a_password_like_the_email(client):
    """The password is checked against the account being created (its e-mail), on the first password field."""
    data = register_data(password1="maria@example.org", password2="maria@example.org")
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    codes = [error.code for error in response.context["form"].errors.as_data()["password1"]]
    assert "password_too_similar" in codes
    assert not User.objects.exists()


@pytest.mark.django_db
def test_register_with_bad_efn_shows_field_error(client):
    """A wrong check digit is reported on the EFN field and no account is created."""
    wrong = VALID_EFN[:-1] + str((int(VALID_EFN[-1]) + 1) % 10)
    response = client.post(reverse("accounts:register"), register_data(efn=wrong))
    assert response.status_code == 200
    assert "efn" in response.context["form"].errors
    assert response.context["form"].errors.as_data()["efn"][0].code == "efn_checksum"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_login_by_email_and_logout(client, learner):
    """Users log in with their e-mail address."""
    response = client.post(
        reverse("accounts:login"), {"login": "LEARNER@example.org", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("certificates:dashboard")).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_mail(client, learner):
    """The reset link goes out by e-mail (console backend by default)."""
    client.post(reverse("accounts:password_reset"), {"email": learner.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_erasure_pseudonymises_and_keeps_records(client, make_user):
    """Erasing an account removes the person's data, memberships and reflections, keeps the enrolment."""
    from enrolments.models import Enrollment, Reflection
    from enrolments.services import learning as course_services
    from organizations.models import Membership, Organization
    from tests.conftest import complete_all_steps

    user = make_user("erase@example.org", "Erika Muster", efn=VALID_EFN)
    from courses.packages.importing import import_package
    from courses.packages.reading import read_package
    from tests.conftest import MINI_COURSE

    version = import_package(read_package(MINI_COURSE)).version
    enrollment = course_services.enroll(version, user=user)
    complete_all_steps(enrollment)
    organization = Organization.objects.create(name="Institut", slug="institut")
    Membership.objects.create(organization=organization, user=user, role="learner")
    client.force_login(user)
    assert client.post(reverse("accounts:delete"), {"password": "wrong"}).status_code == 400
    assert client.post(reverse("accounts:delete"), {"password": "a-long-test-password"}).status_code == 302
    user.refresh_from_db()
    assert (user.name, user.efn, user.is_active) == ("—", "", False)
    assert "erase@example.org" not in user.email
    assert not user.has_usable_password()
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert not Reflection.objects.filter(enrollment=enrollment).exists()
    assert not Membership.objects.filter(user=user).exists()
