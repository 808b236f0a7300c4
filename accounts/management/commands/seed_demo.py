"""Create the demo accounts and organization (idempotent). Refuses to run unless DEBUG is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from organizations.models import Membership, Organization
from organizations.services import add_member

DEMO_PASSWORD = "haltung-demo"  # noqa: S105 - a published demo password, refused outside DEBUG
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
        for email, name, role in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
            else:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            add_member(organization, user=user, role=role)
        self.stdout.write("Demo accounts (password: haltung-demo):")
        for email, _name, role in DEMO_USERS:
            self.stdout.write(f"  {email}  ({role})")
