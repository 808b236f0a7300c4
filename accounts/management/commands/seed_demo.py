"""Create the demo accounts and organization (idempotent). Refuses to run unless DEBUG is on."""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.services import confirm_email
from organizations.models import Membership, Organization
from organizations.services import add_member

DEMO_PASSWORD = "haltung-demo"  # noqa: S105 - a published demo password, refused outside DEBUG
# Organization admins sign in with a second factor (docs/decisions/0701); the demo admin's authenticator-app
# secret is published too: add it to any TOTP app, or use the recovery codes printed below.
DEMO_TOTP_SECRET = "HALTUNGDEMOHALTUNGDEMO234567ABCD"  # noqa: S105
DEMO_USERS = [
    ("learner@example.org", "Alex Beispiel", Membership.Role.LEARNER),
    ("orgadmin@example.org", "Dr. Sam Muster", Membership.Role.ADMIN),
]


class Command(BaseCommand):
    help = "Create demo accounts (learner@example.org, orgadmin@example.org) for local trials."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a published password; it runs only with DEBUG on.")
        organization, _created = Organization.objects.get_or_create(
            slug="demo-institut",
            defaults={
                "name": "Demo-Institut für Psychotherapie",
                "kind": Organization.Kind.INSTITUTE,
                "organizer_line": "Demo-Institut für Psychotherapie (Demonstration)",
            },
        )
        codes: list[str] = []
        for email, name, role in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
            else:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            confirm_email(user)
            add_member(organization, user=user, role=role)
            if role == Membership.Role.ADMIN:
                codes = self._second_factor(user)
        self.stdout.write("Demo accounts (password: haltung-demo):")
        for email, _name, role in DEMO_USERS:
            self.stdout.write(f"  {email}  ({role})")
        self.stdout.write(
            f"orgadmin@example.org signs in with a second factor: add the secret {DEMO_TOTP_SECRET} to an "
            f"authenticator app (TOTP, 6 digits, 30 s), or use a recovery code: {', '.join(codes[:3])}"
        )

    @staticmethod
    def _second_factor(user: User) -> list[str]:
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        TOTP.activate(user, DEMO_TOTP_SECRET)
        recovery = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
        codes = RecoveryCodes(recovery) if recovery else RecoveryCodes.activate(user)
        return codes.get_unused_codes()
