"""
Writes to the item bank: importing and exporting it with a course package, revising an item (a new
version), building case-based sets, and the assessments of a course version.
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from courses.models import Accreditation, CourseVersion
from courses.packages.package import Package

from . import review
from .errors import QuizError
from .models import Assessment, AttemptItem, CaseSet, Item, Option


def content_hash(data: dict[str, Any]) -> str:
    """A digest of everything a learner sees or is graded on, to tell item versions apart."""
    keys = ("type", "scoring", "module", "principles", "difficulty", "stem", "options", "case")
    payload = {k: data.get(k) for k in keys}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _spec(item: Item, options: Sequence[Option]) -> dict[str, Any]:
    return {
        "id": item.key,
        "type": item.type,
        "module": item.module_slug,
        "principles": item.principles,
        "difficulty": item.difficulty,
        "scoring": item.scoring,
        "stem": item.stem,
        "options": [{"id": o.key, "correct": o.correct, "text": o.text, "rationale": o.rationale} for o in options],
        "case": item.case.key if item.case is not None else None,
    }


def _previous_versions(version: CourseVersion, keys: Sequence[str]) -> dict[str, tuple[int, dict[str, int]]]:
    """Per key: the highest version number the course has had, and the number of each content hash."""
    seen: dict[str, tuple[int, dict[str, int]]] = {}
    rows = Item.objects.filter(course_version__course=version.course_id, key__in=keys).exclude(course_version=version)
    for key, number, digest in rows.values_list("key", "version", "content_hash"):
        highest, numbers = seen.get(key, (0, {}))
        if digest:
            numbers[digest] = number
        seen[key] = (max(highest, number), numbers)
    return seen


def import_item_bank(version: CourseVersion, package: Package) -> None:
    """Write the package's bank into a new course version; unchanged items keep their version number."""
    previous = _previous_versions(version, [data["id"] for data in package.items])
    cases = {
        case["id"]: CaseSet.objects.create(
            course_version=version, key=case["id"], module_slug=case["module"], stem=case["vignette"]
        )
        for case in package.cases
    }
    case_positions: dict[str, int] = {}
    for data in package.items:
        digest = content_hash(data)
        highest, numbers = previous.get(data["id"], (0, {}))
        number = numbers.get(digest) or highest + 1
        item = Item.objects.create(
            course_version=version,
            key=data["id"],
            version=number,
            content_hash=digest,
            module_slug=data["module"],
            type=data["type"],
            scoring=data["scoring"],
            principles=data["principles"],
            difficulty=data["difficulty"],
            stem=data["stem"],
            case=cases.get(data.get("case")),
            case_position=_next_position(case_positions, data.get("case")),
        )
        Option.objects.bulk_create(
            Option(
                item=item,
                key=str(o["id"]),
                position=pos,
                text=o["text"],
                rationale=o["rationale"],
                correct=bool(o.get("correct")),
            )
            for pos, o in enumerate(data["options"], start=1)
        )
    ensure_assessments(version)
    _apply_assessment_settings(version, package)


def _next_position(positions: dict[str, int], case: str | None) -> int | None:
    if not case:
        return None
    positions[case] = positions.get(case, 0) + 1
    return positions[case]


# Package keys of an accreditation profile -> Assessment fields (decision 0203).
ASSESSMENT_FIELDS = {
    "grading": "grading_method",
    "layout": "layout",
    "time_limit_minutes": "time_limit_minutes",
    "grace_minutes": "grace_minutes",
    "principle_quotas": "principle_quotas",
    "review": "review",
}


def _apply_assessment_settings(version: CourseVersion, package: Package) -> None:
    profiles = {p["key"]: p for p in package.course.get("accreditations", [])}
    for assessment in Assessment.objects.filter(course_version=version, accreditation__isnull=False).select_related(
        "accreditation"
    ):
        accreditation = assessment.accreditation  # not None: filtered above
        profile = profiles.get(accreditation.key, {}) if accreditation is not None else {}
        changed = [field for key, field in ASSESSMENT_FIELDS.items() if key in profile]
        for key, field in ASSESSMENT_FIELDS.items():
            if key in profile:
                value = profile[key]
                if key == "review":
                    value = {moment: list(profile[key].get(moment, [])) for moment in review.MOMENTS}
                setattr(assessment, field, value)
        if changed:
            assessment.full_clean()
            assessment.save(update_fields=changed)


def export_case_sets(version: CourseVersion) -> list[dict]:
    return [
        {"id": case.key, "module": case.module_slug, "vignette": case.stem}
        for case in CaseSet.objects.filter(course_version=version).order_by("pk")
    ]


def export_item_bank(version: CourseVersion) -> list[dict]:
    """The current versions of the bank as package items, in import order; set members carry their case."""
    items = (
        Item.objects.current().filter(course_version=version).select_related("case").prefetch_related("options")
    ).order_by("pk")
    exported = []
    for item in items:
        spec = _spec(item, list(item.options.all()))
        if not spec["case"]:
            spec.pop("case")
        exported.append(spec)
    return exported


def ensure_assessments(version: CourseVersion) -> list[Assessment]:
    """One assessment per accreditation of the version, and one for enrolments without an accreditation."""
    assessments = [Assessment.objects.get_or_create(course_version=version, accreditation=None)[0]]
    for accreditation in Accreditation.objects.filter(course_version=version):
        assessments.append(Assessment.objects.get_or_create(course_version=version, accreditation=accreditation)[0])
    return assessments


def _check_options(kind: str, options: Sequence[dict[str, Any]]) -> None:
    if not 2 <= len(options) <= 6:
        raise QuizError(_("An item needs 2 to 6 options."), code="option_count")
    keys = [str(o["key"]) for o in options]
    if len(set(keys)) != len(keys):
        raise QuizError(_("Option keys repeat."), code="option_keys")
    correct = sum(1 for o in options if o.get("correct"))
    if kind in {Item.Type.SINGLE, Item.Type.TRUEFALSE} and correct != 1:
        raise QuizError(_("A single-choice or true/false item has exactly one correct option."), code="key_count")
    if kind == Item.Type.MULTIPLE and not correct:
        raise QuizError(_("Mark at least one option correct."), code="key_count")
    for option in options:
        if not option.get("text") or not option.get("rationale"):
            raise QuizError(_("Every option needs a text and a rationale."), code="option_text")


@transaction.atomic
def revise_item(
    item: Item,
    *,
    stem: dict[str, str] | None = None,
    options: Sequence[dict[str, Any]] | None = None,
    principles: Sequence[str] | None = None,
    difficulty: str | None = None,
    scoring: str | None = None,
) -> Item:
    """Write a new version of an item and make it the one drawn; attempts keep the version they showed.

    ``options`` are ``{"key", "text", "rationale", "correct"}`` mappings; omitted arguments are copied.
    """
    current = Item.objects.select_for_update().get(pk=item.pk)
    if not current.is_current:
        raise QuizError(_("Only the current version of an item can be revised."), code="not_current", status=409)
    old_options = list(current.options.order_by("position"))
    new_options = (
        [dict(o) for o in options]
        if options is not None
        else [{"key": o.key, "text": o.text, "rationale": o.rationale, "correct": o.correct} for o in old_options]
    )
    _check_options(current.type, new_options)
    number = Item.objects.filter(course_version=current.course_version_id, key=current.key).aggregate(n=Max("version"))[
        "n"
    ]
    Item.objects.filter(pk=current.pk).update(is_current=False)
    revised = Item(
        course_version_id=current.course_version_id,
        key=current.key,
        version=number + 1,
        case=current.case,
        case_position=current.case_position,
        module_slug=current.module_slug,
        type=current.type,
        scoring=scoring or current.scoring,
        principles=list(principles) if principles is not None else current.principles,
        difficulty=difficulty or current.difficulty,
        stem=stem or current.stem,
    )
    option_rows = [
        Option(
            key=str(o["key"]),
            position=pos,
            text=o["text"],
            rationale=o["rationale"],
            correct=bool(o.get("correct")),
        )
        for pos, o in enumerate(new_options, start=1)
    ]
    revised.content_hash = content_hash(_spec(revised, option_rows))
    revised.save()
    for option in option_rows:
        option.item = revised
    Option.objects.bulk_create(option_rows)
    return revised


@transaction.atomic
def create_case_set(
    version: CourseVersion, *, key: str, module: str, stem: dict[str, str], items: Sequence[Item]
) -> CaseSet:
    """Group items of one module under a shared vignette; they are drawn together, in the order given."""
    if len(items) < 2:
        raise QuizError(_("A case-based set has at least two items."), code="case_size")
    if any(item.module_slug != module or item.course_version_id != version.pk for item in items):
        raise QuizError(_("All items of a case-based set belong to its module and course version."), code="case_mix")
    if AttemptItem.objects.filter(item__in=items).exists():
        # Grouping changes what learners see; items already shown keep the form they were shown in.
        raise QuizError(_("These items have been shown in attempts; revise them instead."), code="case_used")
    case = CaseSet.objects.create(course_version=version, key=key, module_slug=module, stem=stem)
    for position, item in enumerate(items, start=1):
        Item.objects.filter(pk=item.pk).update(case=case, case_position=position)
    return case
