"""
Demonstration data for ``make run`` (idempotent; refuses to run unless DEBUG is on): a demo institute that
runs the flagship under an accreditation of its own, a demo chamber that accredited it, and a cohort with
learners in different states, so that every back-office page has something to show. It lives in the top
app because it walks learners through all of them (decision 0314).
"""

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from accounts.services import confirm_email
from courses import accreditations
from courses.models import Accreditation, CourseVersion
from enrolments.models import Cohort, Enrollment, StepProgress
from enrolments.services import cohorts
from organizations.models import Membership, Organization
from organizations.services import add_member

from ...demo import certify, complete_steps

DEMO_PASSWORD = "haltung-demo"  # noqa: S105 - a published demo password, refused outside DEBUG
# Admins sign in with a second factor (docs/decisions/0701); the demo admins' authenticator-app secret is
# published too: add it to any TOTP app, or use the recovery codes printed by the command.
DEMO_TOTP_SECRET = "HALTUNGDEMOHALTUNGDEMO234567ABCD"  # noqa: S105
FLAGSHIP = "social-media-presence"
# Not the package's demonstration VNR: the institute's own (made up, with a valid check digit).
DEMO_VNR = "2760012024200356007"
INSTITUTE = {
    "slug": "demo-institut",
    "name": "Demo-Institut für Psychotherapie",
    "kind": Organization.Kind.INSTITUTE,
    "organizer_line": "Demo-Institut für Psychotherapie (Demonstration)",
}
CHAMBER = {"slug": "demo-kammer", "name": "Psychotherapeutenkammer Demo", "kind": Organization.Kind.CHAMBER}
# (e-mail, name, EFN, organization, role)
DEMO_USERS = [
    ("learner@example.org", "Alex Beispiel", "", "demo-institut", Membership.Role.LEARNER),
    ("orgadmin@example.org", "Dr. Sam Muster", "", "demo-institut", Membership.Role.ADMIN),
    ("kammer@example.org", "Kim Kammer (Beispiel)", "", "demo-kammer", Membership.Role.ADMIN),
    ("robin@example.org", "Robin Beispiel", "802761234567896", "demo-institut", Membership.Role.LEARNER),
    ("jo@example.org", "Jo Muster", "", "demo-institut", Membership.Role.LEARNER),
    ("mika@example.org", "Mika Probe", "", "demo-institut", Membership.Role.LEARNER),
]
# The cohort's learners and how far each has come.
STATES = {
    "robin@example.org": "certified",
    "jo@example.org": "certified",
    "learner@example.org": "in progress",
    "mika@example.org": "not started",
}


def signature_png() -> bytes:
    """A drawn line standing in for a signature (demonstration only)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 100), "white")
    draw = ImageDraw.Draw(image)
    points = [(20 + x, 60 + int(18 * ((x % 47) / 47 - 0.5)) - x // 12) for x in range(0, 320, 6)]
    draw.line(points, fill=(27, 39, 51), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Create the demo institute, chamber, accreditation, cohort and learners (after import_course)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a published password; it runs only with DEBUG on.")
        organizations = {}
        for data in (INSTITUTE, CHAMBER):
            values = dict(data)
            organizations[data["slug"]], _created = Organization.objects.get_or_create(
                slug=values.pop("slug"), defaults=values
            )
        users = {}
        codes: dict[str, list[str]] = {}
        for email, name, efn, slug, role in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_PASSWORD, name=name, efn=efn)
            else:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            confirm_email(user)
            add_member(organizations[slug], user=user, role=role)
            if role == Membership.Role.ADMIN:
                codes[email] = self._second_factor(user)
            users[email] = user
        version = CourseVersion.objects.current().filter(course__slug=FLAGSHIP).first()
        if version is None:
            self.stdout.write(f"The flagship ({FLAGSHIP}) is not imported: run import_course first for the cohort.")
        else:
            self._cohort(version, organizations, users)
        self.stdout.write("Demo accounts (password: haltung-demo):")
        for email, _name, _efn, slug, role in DEMO_USERS:
            self.stdout.write(f"  {email}  ({role}, {slug})")
        for email, recovery in codes.items():
            self.stdout.write(
                f"{email} signs in with a second factor: add the secret {DEMO_TOTP_SECRET} to an authenticator "
                f"app (TOTP, 6 digits, 30 s), or use a recovery code: {', '.join(recovery[:3])}"
            )

    @staticmethod
    def _second_factor(user: User) -> list[str]:
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        TOTP.activate(user, DEMO_TOTP_SECRET)
        recovery = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
        codes = RecoveryCodes(recovery) if recovery else RecoveryCodes.activate(user)
        return codes.get_unused_codes()

    def _accreditation(self, version: CourseVersion, institute: Organization, chamber: Organization) -> Accreditation:
        existing = Accreditation.objects.held_by(institute).filter(course_version=version).first()
        if existing is not None:
            return existing
        admin = Membership.objects.for_organization(institute).admins().select_related("user").get().user
        published = timezone.localdate(version.published_at) if version.published_at else timezone.localdate()
        return accreditations.save_accreditation(
            institute,
            by=admin,
            fields={
                "course_version": version,
                "body_organization": chamber,
                "vnr": DEMO_VNR,
                "category": "D",
                "points": min(Decimal(8), accreditations.supported_points(version, Accreditation.Unit.FE)),
                "valid_from": published,
                "valid_until": published + timedelta(days=365),
                "pass_mark": 70,
                "max_attempts": 3,
                # The institute grants another attempt on request (decision 0605); its contact address is named.
                "after_last_attempt": Accreditation.AfterLastAttempt.GRANT,
                "contact_name": "Kursbüro Demo-Institut",
                "contact_email": "kursbuero@demo-institut.example",
                "reporting_channel": "list",
                "wording": {
                    "de": "Von der Psychotherapeutenkammer Demo anerkannt (Demonstrationsangabe).",
                    "en": "Recognised by the demo psychotherapists' chamber (demonstration entry).",
                },
                "scientific_lead": "Wissenschaftliche Leitung (Demonstration)",
                "scientific_lead_qualification": "Beispielangabe, keine reale Person",
                "scientific_lead_signature": SimpleUploadedFile(
                    "signature.png", signature_png(), content_type="image/png"
                ),
            },
        )

    def _cohort(self, version: CourseVersion, organizations: dict[str, Organization], users: dict[str, Any]) -> None:
        institute, chamber = organizations["demo-institut"], organizations["demo-kammer"]
        admin = users["orgadmin@example.org"]
        accreditation = self._accreditation(version, institute, chamber)
        cohort = Cohort.objects.for_organization(institute).filter(name="Demo-Kohorte").first()
        if cohort is None:
            today = timezone.localdate()
            cohort = cohorts.create_cohort(
                institute,
                by=admin,
                tutors=[admin],
                name="Demo-Kohorte",
                course_version=version,
                accreditation=accreditation,
                starts_on=today - timedelta(days=14),
                ends_on=today + timedelta(days=76),
                seats=30,
            )
        for email, state in STATES.items():
            enrollment = cohorts.enrol_member(cohort, users[email], by=admin)
            if state == "certified" and enrollment.status != Enrollment.Status.COMPLETED:
                certify(enrollment, by=users[email])
            elif state == "in progress" and not StepProgress.objects.filter(enrollment=enrollment).exists():
                complete_steps(enrollment, limit=12)
        self.stdout.write(
            f"{institute.name}: accreditation VNR {accreditation.vnr} by {chamber.name}; "
            f"cohort {cohort.name!r} with {len(STATES)} learners."
        )
