"""
Rebuild the canonical package of a course version from the database, and write a package directory: one
file per module, the bank (with case-based sets nested again) in ``items/bank.yaml``, take-aways and media.
"""

from pathlib import Path
from typing import Any

import yaml
from django.core.files.storage import default_storage

from courses.models import CourseVersion, Module

from .canonical import canonical_step
from .package import Package, media_files
from .registry import PACKAGE_CASE_READERS, PACKAGE_ITEM_READERS


def export_package(version: CourseVersion) -> Package:
    """Rebuild the canonical package of a version from the database."""
    modules = version.modules.prefetch_related("steps").order_by("position")
    return Package(
        root=Path(),
        course=version.manifest,
        principles=version.principles,
        modules=[_export_module(module) for module in modules],
        items=[item for reader in PACKAGE_ITEM_READERS for item in reader(version)],
        takeaways={t["slug"]: t["text"] for t in version.takeaways},
        cases=[case for reader in PACKAGE_CASE_READERS for case in reader(version)],
        terminology=version.terminology,
        media=_stored_media(version),
    )


def _export_module(module: Module) -> dict[str, Any]:
    steps = []
    for step in module.steps.order_by("position"):
        data = {"kind": step.kind, "slug": step.slug, "required": step.required}
        if step.title:
            data["title"] = step.title
        data.update({k: v for k, v in step.data.items() if k != "files"})
        steps.append(canonical_step(data))
    return {
        "slug": module.slug,
        "minutes": module.minutes,
        "title": module.title,
        **({"objectives": module.objectives} if module.objectives else {}),
        "steps": steps,
        "items": module.items,
    }


def _stored_media(version: CourseVersion) -> dict[str, str]:
    """Package-relative path -> storage name of every media file the version's steps use."""
    return {
        relative: step.data["files"][relative.rsplit("/", 1)[-1]]
        for module in version.modules.all()
        for step in module.steps.filter(kind="media")
        for relative in media_files(step.data)
    }


def write_package(package: Package, target: Path) -> None:
    """Write a package directory: one file per module, the bank in items/bank.yaml."""
    target.mkdir(parents=True, exist_ok=True)
    for sub in ("modules", "items", "takeaways"):
        (target / sub).mkdir(exist_ok=True)
    _dump(target / "course.yaml", package.course)
    _dump(target / "principles.yaml", package.principles)
    if package.terminology:
        _dump(target / "terminology.yaml", package.terminology)
    for position, module in enumerate(package.modules, start=1):
        _dump(target / "modules" / f"{position:02d}-{module['slug']}.yaml", module)
    _dump(target / "items" / "bank.yaml", _bank_entries(package))
    for slug, texts in package.takeaways.items():
        for language, text in texts.items():
            (target / "takeaways" / f"{slug}.{language}.md").write_text(text, encoding="utf-8")
    for relative, stored in package.media.items():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(stored, "rb") as source:
            destination.write_bytes(source.read())


def _bank_entries(package: Package) -> list[dict[str, Any]]:
    """Loose items, and each case-based set once (where its first item was) with its items nested."""
    cases = {case["id"]: case for case in package.cases}
    entries: list[dict[str, Any]] = []
    written: set[str] = set()
    for item in package.items:
        case_id = item.get("case")
        if not case_id:
            entries.append(item)
        elif case_id not in written:
            written.add(case_id)
            members = [{k: v for k, v in i.items() if k != "case"} for i in package.items if i.get("case") == case_id]
            entries.append(
                {
                    "case": case_id,
                    "module": cases[case_id]["module"],
                    "vignette": cases[case_id]["vignette"],
                    "items": members,
                }
            )
    return entries


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def _dump(path: Path, data: Any) -> None:
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    path.write_text(text, encoding="utf-8")
