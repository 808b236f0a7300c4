"""``seed_demo`` after the flagship import: a demo institute running the flagship under its own
accreditation, the demo chamber that accredited it, and a cohort with learners in different states."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from certificates.models import Certificate
from courses.models import Accreditation
from enrolments.models import Cohort, Enrollment, StepProgress
from organizations.models import Organization

FLAGSHIP = Path(__file__).resolve().parents[2] / "content" / "social-media-presence"

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_every_back_office_page_and_is_idempotent(settings):
    """Run twice: one accreditation of the institute naming the chamber, one cohort, learners in four states."""
    settings.DEBUG = True
    call_command("import_course", str(FLAGSHIP))
    call_command("seed_demo")
    call_command("seed_demo")
    institute = Organization.objects.get(slug="demo-institut", kind=Organization.Kind.INSTITUTE)
    chamber = Organization.objects.get(slug="demo-kammer", kind=Organization.Kind.CHAMBER)
    accreditation = Accreditation.objects.held_by(institute).get()
    assert accreditation.body_organization == chamber and accreditation.vnr == "2760012024200356007"
    assert accreditation.scientific_lead and accreditation.scientific_lead_signature
    cohort = Cohort.objects.get(organization=institute)
    states = {
        e.user.email: (e.status, StepProgress.objects.filter(enrollment=e).exists())
        for e in Enrollment.objects.filter(cohort=cohort).select_related("user")
    }
    assert states == {
        "robin@example.org": ("completed", True),
        "jo@example.org": ("completed", True),
        "learner@example.org": ("active", True),
        "mika@example.org": ("active", False),
    }
    certificates = Certificate.objects.filter(enrollment__cohort=cohort)
    assert certificates.count() == 2 and set(certificates.values_list("vnr", flat=True)) == {accreditation.vnr}
    assert User.objects.get(email="kammer@example.org").check_password("haltung-demo")
    assert User.objects.count() == 6


def test_demo_accounts_log_in_admins_with_the_printed_second_factor(settings):
    """The learner logs in with the password; both admins with the published TOTP secret, then reach their pages."""
    from django.test import Client
    from django.urls import reverse

    from certificates.management.commands.seed_demo import DEMO_TOTP_SECRET
    from tests.conftest import totp_code

    settings.DEBUG = True
    call_command("seed_demo")
    learner = Client()
    login = {"login": "learner@example.org", "password": "haltung-demo"}
    assert learner.post(reverse("accounts:login"), login)["Location"] == reverse("certificates:dashboard")
    for email, url in (
        ("orgadmin@example.org", reverse("organizations:overview", args=["demo-institut"])),
        ("kammer@example.org", reverse("certificates:chamber", args=["demo-kammer"])),
    ):
        client = Client()
        response = client.post(reverse("accounts:login"), {"login": email, "password": "haltung-demo"})
        assert response["Location"] == reverse("mfa_authenticate")
        assert client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)}).status_code == 302
        assert client.get(url).status_code == 200
        from django.core.cache import cache

        cache.clear()  # a TOTP code works once per period


def test_seed_demo_refuses_without_debug(settings):
    """With DEBUG off the published demo password must never be set."""
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
