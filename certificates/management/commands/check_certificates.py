"""
Check that every issued certificate still verifies: its PDF is in storage and its credential's signature
checks out against the published issuer keys. Run after a restore (docs/operations.md) or a key rotation.

Pseudonymised certificates have neither by design (erasure removes them) and are counted apart; a
certificate whose PDF or credential a worker has not made yet is reported as pending, not as broken.
"""

from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from certificates.credentials import keys, proofs
from certificates.models import Certificate


def problems_of(certificate: Certificate) -> list[str]:
    found = []
    if not certificate.pdf:
        found.append("no PDF yet")
    elif not default_storage.exists(certificate.pdf.name):
        found.append(f"PDF {certificate.pdf.name} missing from storage")
    else:
        with default_storage.open(certificate.pdf.name, "rb") as handle:
            if not handle.read(5).startswith(b"%PDF"):
                found.append(f"PDF {certificate.pdf.name} is not a PDF")
    if not certificate.credential:
        found.append("no signed credential yet")
    elif not proofs.verify(certificate.credential, resolve=keys.public_key_for):
        found.append("credential signature does not verify with the published keys")
    return found


class Command(BaseCommand):
    help = "Check every certificate's PDF and signed credential; exit 1 if any is missing or does not verify."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = {"ok": 0, "pseudonymised": 0, "broken": 0}
        for certificate in Certificate.objects.order_by("pk").iterator(chunk_size=500):
            if certificate.pseudonymised_at is not None:
                counts["pseudonymised"] += 1
                continue
            found = problems_of(certificate)
            if found:
                counts["broken"] += 1
                self.stderr.write(f"{certificate.code}: {'; '.join(found)}")
            else:
                counts["ok"] += 1
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        if counts["broken"]:
            raise CommandError(f"Certificates: {summary}.")
        self.stdout.write(f"Certificates: {summary}.")
