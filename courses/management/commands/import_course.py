"""Validate a course package and import it as a new course version (or say that nothing changed)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from courses.errors import CourseError
from courses.i18n import localized
from courses.models import Course
from courses.ownership import assign_owner
from courses.packages.errors import InvalidPackage
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from organizations.models import Organization


class Command(BaseCommand):
    help = "Validate a course package directory and import it; --check validates only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--check", action="store_true", help="Validate without writing anything.")
        parser.add_argument(
            "--owner",
            metavar="SLUG",
            default="",
            help="The organization that owns the course (and holds the package's accreditation profiles).",
        )

    def handle(self, *args: object, path: Path, check: bool, owner: str, **options: object) -> None:
        started = time.perf_counter()
        if not path.is_dir():
            raise CommandError(f"{path}: not a directory")
        organization = None
        if owner:
            organization = Organization.objects.filter(slug=owner).first()
            if organization is None:
                raise CommandError(f"--owner {owner}: no organization has this slug; nothing was imported.")
        try:
            package = read_package(path)
        except InvalidPackage as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            for line in invalid.report:
                self.stderr.write(line)
            raise CommandError(f"{len(invalid.errors)} error(s); nothing was imported.") from None
        for warning in package.warnings:
            self.stderr.write(f"warning: {warning}")
        title = localized(package.course["title"], "en")
        if check:
            for line in package.report:
                self.stdout.write(line)
            minutes = sum(module["minutes"] for module in package.modules)
            self.stdout.write(
                f"{path}: valid ({len(package.modules)} modules, {len(package.items)} bank items, "
                f"an estimated {minutes} minutes, {len(package.warnings)} warning(s))."
            )
            return
        existing = Course.objects.filter(slug=package.course["slug"]).select_related("organization").first()
        if organization and existing and existing.organization and existing.organization_id != organization.pk:
            raise CommandError(
                f"--owner {owner}: course {existing.slug!r} belongs to {existing.organization.slug!r}; "
                "nothing was imported."
            )
        with transaction.atomic():
            result = import_package(package)
            if organization is not None:
                try:
                    assign_owner(result.version.course, organization, by=None)
                except CourseError as error:
                    raise CommandError(f"--owner {owner}: {error.message} Nothing was imported.") from None
        elapsed = time.perf_counter() - started
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(f"Imported {title!r} as version {result.version.number} in {elapsed:.2f} s.")
            )
        else:
            self.stdout.write(f"{title!r} is unchanged (version {result.version.number}); nothing imported.")
        if organization is not None:
            self.stdout.write(f"Owner: {organization.name} ({organization.slug}).")
