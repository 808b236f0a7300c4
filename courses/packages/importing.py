"""Write a validated package as a new published course version, in one transaction, unless it exists already."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from courses.models import Accreditation, Course, CourseVersion, Module, Principle, Step

from .canonical import AFTER_LAST_ATTEMPT_KEYS
from .package import Package, media_files
from .registry import PACKAGE_WRITERS

# Keys of a canonical step that are columns of Step rather than part of its data.
_STEP_COLUMNS = {"kind", "slug", "title", "required", "_files"}


@dataclass
class ImportResult:
    version: CourseVersion
    created: bool


@transaction.atomic
def import_package(package: Package) -> ImportResult:
    """Write a validated package as a new published version, unless this content exists already."""
    course, _created = Course.objects.get_or_create(slug=package.course["slug"])
    existing = CourseVersion.objects.filter(course=course, content_hash=package.content_hash).first()
    if existing is not None:
        return ImportResult(existing, created=False)
    for principle in package.principles:
        Principle.objects.update_or_create(
            slug=principle["slug"], defaults={"name": principle["name"], "definition": principle["definition"]}
        )
    version = _create_version(course, package)
    for profile in package.course["accreditations"]:
        _create_accreditation(version, profile)
    for position, module in enumerate(package.modules, start=1):
        _store_media(package, version, module)
        _create_module(version, position, module)
    for writer in PACKAGE_WRITERS:
        writer(version, package)
    return ImportResult(version, created=True)


def _create_version(course: Course, package: Package) -> CourseVersion:
    meta = package.course
    lead = meta.get("scientific_lead", {})
    return CourseVersion.objects.create(
        course=course,
        number=(course.versions.aggregate(n=Max("number"))["n"] or 0) + 1,
        content_hash=package.content_hash,
        title=meta["title"],
        summary=meta.get("summary", {}),
        languages=meta["languages"],
        scientific_lead=lead.get("name", ""),
        scientific_lead_qualification=lead.get("qualification", {}),
        sequential=meta["sequential"],
        require_assessment=meta["completion"]["assessment"],
        require_evaluation=meta["completion"]["evaluation"],
        minutes=sum(m["minutes"] for m in package.modules),
        references=meta["references"],
        terminology=package.terminology,
        takeaways=[{"slug": slug, "text": texts} for slug, texts in sorted(package.takeaways.items())],
        manifest=meta,
        principles=package.principles,
        status=CourseVersion.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def _create_accreditation(version: CourseVersion, profile: dict[str, Any]) -> None:
    Accreditation.objects.create(
        course_version=version,
        # The package's profiles belong to the course's owner; a public course's to nobody (decision 0310).
        holder=version.course.organization,
        key=profile["key"],
        body=profile["body"],
        category=profile["category"],
        unit=profile["unit"],
        points=profile["points"],
        vnr=profile["vnr"],
        pass_mark=profile["pass_mark"],
        max_attempts=profile["max_attempts"],
        cooldown_hours=profile["cooldown_hours"],
        # The way on after the last failed attempt (decision 0605); the model's defaults where the package is silent.
        **{key: profile[key] for key in AFTER_LAST_ATTEMPT_KEYS if key in profile},
        draw=profile["draw"],
        blueprint=profile["blueprint"],
        min_active_share=Decimal(str(profile["min_active_share"])),
        wording=profile.get("wording", {}),
        is_default=profile["default"],
        # The package's default profile is the one self-enrolment may use; its holder can close it (0706).
        open_for_self_enrolment=profile["default"],
    )


def _create_module(version: CourseVersion, position: int, data: dict[str, Any]) -> None:
    module = Module.objects.create(
        version=version,
        position=position,
        slug=data["slug"],
        title=data["title"],
        objectives=data.get("objectives", {}),
        minutes=data["minutes"],
        items=data["items"],
    )
    Step.objects.bulk_create(
        Step(
            module=module,
            position=step_position,
            slug=step["slug"],
            kind=step["kind"],
            title=step.get("title", {}),
            required=step["required"],
            data={k: v for k, v in step.items() if k not in _STEP_COLUMNS}
            | ({"files": step["_files"]} if "_files" in step else {}),
        )
        for step_position, step in enumerate(data["steps"], start=1)
    )


def _store_media(package: Package, version: CourseVersion, module: dict[str, Any]) -> None:
    """Copy a module's media files into storage; the step remembers where (``_files``, not exported)."""
    for step in module["steps"]:
        if step["kind"] != "media":
            continue
        stored = {}
        for relative in media_files(step):
            name = relative.rsplit("/", 1)[-1]
            with (package.root / relative).open("rb") as handle:
                stored[name] = default_storage.save(
                    f"course-media/{version.course.slug}/v{version.number}/{module['slug']}/{step['slug']}/{name}",
                    File(handle),
                )
        step["_files"] = stored
