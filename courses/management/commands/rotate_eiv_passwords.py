"""Re-encrypt every stored EIV password with the first key of HALTUNG_EIV_PASSWORD_KEYS (after a rotation)."""

from django.core.management.base import BaseCommand, CommandError

from courses.accreditations import SecretsUnavailable, rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt stored EIV passwords with the newest key; then the old key can be removed."

    def handle(self, *args: object, **options: object) -> None:
        try:
            count = rotate_keys()
        except SecretsUnavailable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{count} EIV password(s) re-encrypted.")
