"""Copy the sample legal texts into HALTUNG_LEGAL_DIR, leaving texts that exist alone."""

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from legal.texts import SAMPLES_DIR


class Command(BaseCommand):
    help = "Copy the sample Impressum, privacy notice and accessibility statement to HALTUNG_LEGAL_DIR."

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(settings.HALTUNG_LEGAL_DIR)
        target.mkdir(parents=True, exist_ok=True)
        for sample in sorted(SAMPLES_DIR.glob("*.md")):
            destination = target / sample.name
            if destination.exists():
                self.stdout.write(f"kept     {destination}")
            else:
                shutil.copyfile(sample, destination)
                self.stdout.write(f"copied   {destination}")
        self.stdout.write("Fill in every [[…]] placeholder; production refuses to start until none is left.")
