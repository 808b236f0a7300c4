"""Write the newest version of a course back out as a package directory."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.models import CourseVersion
from courses.packages.exporting import export_package, write_package


class Command(BaseCommand):
    help = "Export a course (newest version, or --number N) as a course package directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("path", type=Path)
        parser.add_argument("--number", type=int, help="Version number (default: newest).")

    def handle(self, *args: object, slug: str, path: Path, number: int | None, **options: object) -> None:
        versions = CourseVersion.objects.filter(course__slug=slug).order_by("-number")
        version = versions.filter(number=number).first() if number else versions.first()
        if version is None:
            raise CommandError(f"No course {slug!r}" + (f" with version {number}" if number else "") + ".")
        if path.exists() and any(path.iterdir()):
            raise CommandError(f"{path} exists and is not empty; choose a new directory.")
        write_package(export_package(version), path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {slug} version {version.number} to {path}."))
