"""
Course packages: validate a package directory completely, then write it in one transaction.

Nothing is written unless the whole package is valid. Errors carry ``file:line``. Apps that own parts of a
package (the item bank belongs to ``quizzes``) register a writer in ``PACKAGE_WRITERS`` from their
``AppConfig.ready``, which keeps the dependency arrow pointing one way.
"""

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from . import vignettes
from .models import Accreditation, Course, CourseVersion, Module, Principle, Step
from .yamlio import LineDict, LineList, YamlSyntaxError, load, plain

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ITEM_TYPES = {"single", "multiple", "truefalse"}
STEP_KINDS = {"text", "media", "vignette", "reflection", "check"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg", ".webp", ".gif"}
UNIT_MINUTES = 45


@dataclass(frozen=True)
class PackageError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class InvalidPackage(Exception):
    def __init__(self, errors: list[PackageError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the course package")
        self.errors = errors


@dataclass
class Package:
    root: Path
    course: dict[str, Any]
    principles: list[dict[str, Any]]
    modules: list[dict[str, Any]]
    items: list[dict[str, Any]]
    takeaways: dict[str, dict[str, str]] = field(default_factory=dict)
    # Case-based sets of the bank: {id, module, vignette}; their items carry "case": id.
    cases: list[dict[str, Any]] = field(default_factory=list)
    content_hash: str = ""
    # On export: package-relative media path -> storage name.
    media: dict[str, str] = field(default_factory=dict)


PackageWriter = Callable[[CourseVersion, Package], None]
PACKAGE_WRITERS: list[PackageWriter] = []


class _Checker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[PackageError] = []
        self.languages: list[str] = ["de", "en"]

    def error(self, path: Path, line: int, message: str) -> None:
        self.errors.append(PackageError(str(path.relative_to(self.root.parent)), line, message))

    def load(self, path: Path) -> Any:
        try:
            return load(path)
        except YamlSyntaxError as err:
            self.error(path, err.line, err.message)
            return None

    def mapping(self, path: Path, value: Any, where: str, line: int) -> bool:
        if not isinstance(value, dict):
            self.error(path, line, f"{where} must be a mapping")
            return False
        return True

    def require(self, path: Path, data: dict, keys: list[str], where: str) -> bool:
        ok = True
        for key in keys:
            if key not in data or data[key] in (None, "", [], {}):
                self.error(path, _line(data), f"{where}: '{key}' is missing")
                ok = False
        return ok

    def localized(self, path: Path, parent: dict, key: str, where: str, *, required: bool = True) -> None:
        value = parent.get(key)
        line = parent.line_of(key) if isinstance(parent, LineDict) else 1
        if value is None:
            if required:
                self.error(path, _line(parent), f"{where}: '{key}' is missing")
            return
        if not isinstance(value, dict):
            self.error(path, line, f"{where}: '{key}' must give one text per language ({', '.join(self.languages)})")
            return
        for language in self.languages:
            text = value.get(language)
            if isinstance(text, list):
                ok = bool(text) and all(isinstance(t, str) and t.strip() for t in text)
            else:
                ok = isinstance(text, str) and bool(text.strip())
            if not ok:
                self.error(path, line, f"{where}: '{key}' has no {language!r} translation")
        for extra in set(value) - set(self.languages):
            self.error(path, line, f"{where}: '{key}' has a text in {extra!r}, which the course does not list")

    def localized_lists(self, path: Path, parent: dict, key: str, where: str) -> None:
        self.localized(path, parent, key, where)
        value = parent.get(key)
        if isinstance(value, dict):
            lengths = {lang: len(value.get(lang) or []) for lang in self.languages}
            if len(set(lengths.values())) > 1:
                self.error(
                    path, parent.line_of(key), f"{where}: '{key}' differs in length between languages ({lengths})"
                )


SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


@functools.cache
def _validators() -> dict[str, Draft202012Validator]:
    resources = []
    schemas = {}
    for path in SCHEMA_DIR.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schemas[path.name.removesuffix(".schema.json")] = schema
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    return {name: Draft202012Validator(schema, registry=registry) for name, schema in schemas.items()}


def _line_at(document: Any, path: Iterable[Any]) -> int:
    """The line of the deepest part of ``path`` that exists in the loaded document."""
    node, line = document, _line(document)
    for key in path:
        in_dict = isinstance(node, LineDict) and key in node
        in_list = isinstance(node, LineList) and isinstance(key, int) and key < len(node)
        if in_dict or in_list:
            line, node = node.line_of(key), node[key]
        else:
            break
    return line


def schema_check(check: "_Checker", path: Path, document: Any, schema: str) -> None:
    for error in sorted(_validators()[schema].iter_errors(document), key=lambda e: list(map(str, e.path))):
        where = ".".join(str(part) for part in error.absolute_path) or "(file)"
        check.error(path, _line_at(document, error.absolute_path), f"{where}: {error.message}")


def _line(value: Any) -> int:
    return getattr(value, "line", 1) or 1


def read_package(root: Path) -> Package:
    """Parse and validate a package directory; raise :class:`InvalidPackage` with every error found."""
    root = root.resolve()
    check = _Checker(root)
    if not (root / "course.yaml").is_file():
        raise InvalidPackage([PackageError(root.name + "/course.yaml", 1, "course.yaml is missing")])
    course = check.load(root / "course.yaml")
    principles = check.load(root / "principles.yaml") if (root / "principles.yaml").is_file() else LineList()
    module_files = sorted((root / "modules").glob("*.yaml"))
    item_files = sorted((root / "items").glob("*.yaml"))
    modules = [(p, check.load(p)) for p in module_files]
    item_docs = [(p, check.load(p)) for p in item_files]
    if check.errors:
        raise InvalidPackage(check.errors)

    schema_check(check, root / "course.yaml", course, "course")
    if principles:
        schema_check(check, root / "principles.yaml", principles, "principles")
    for path, module in modules:
        schema_check(check, path, module, "module")
    for path, doc in item_docs:
        schema_check(check, path, doc, "items")
    if check.errors:
        # Structure first: the rules below assume well-formed files.
        raise InvalidPackage(check.errors)

    course_path = root / "course.yaml"
    if not check.mapping(course_path, course, "course.yaml", 1):
        raise InvalidPackage(check.errors)
    check.require(course_path, course, ["slug", "languages", "title"], "course")
    if isinstance(course.get("languages"), list) and course["languages"]:
        check.languages = [str(lang) for lang in course["languages"]]
    if course.get("slug") and not SLUG.match(str(course["slug"])):
        check.error(course_path, course.line_of("slug"), f"slug {course['slug']!r} may use a-z, 0-9 and '-' only")
    check.localized(course_path, course, "title", "course")
    check.localized(course_path, course, "summary", "course")
    lead = course.get("scientific_lead")
    if lead is not None and isinstance(lead, dict):
        check.require(course_path, lead, ["name"], "scientific_lead")
        check.localized(course_path, lead, "qualification", "scientific_lead", required=False)

    reference_keys = _check_references(check, course_path, course)

    # Principles
    principle_path = root / "principles.yaml"
    principle_slugs: set[str] = set()
    if not isinstance(principles, list):
        check.error(principle_path, 1, "principles.yaml must be a list")
        principles = LineList()
    for index, principle in enumerate(principles):
        where = f"principle #{index + 1}"
        if not check.mapping(principle_path, principle, where, principles.line_of(index)):
            continue
        slug = principle.get("slug")
        if not slug or not SLUG.match(str(slug)):
            check.error(principle_path, _line(principle), f"{where}: slug {slug!r} is missing or malformed")
            continue
        if slug in principle_slugs:
            check.error(principle_path, _line(principle), f"principle {slug!r} is defined twice")
        principle_slugs.add(slug)
        check.localized(principle_path, principle, "name", f"principle {slug!r}")
        check.localized(principle_path, principle, "definition", f"principle {slug!r}")

    # Items of the final bank (checked before modules so module checks can see the id space).
    all_item_ids: dict[str, Path] = {}
    bank: list[tuple[Path, dict]] = []
    cases: list[dict[str, Any]] = []
    for path, doc in item_docs:
        if not isinstance(doc, list):
            check.error(path, _line(doc), "an item file must be a list of items")
            continue
        for index, item in enumerate(doc):
            if not check.mapping(path, item, f"item #{index + 1}", doc.line_of(index)):
                continue
            if "case" not in item:
                bank.append((path, item))
                continue
            if item["case"] in all_item_ids or item["case"] in {c["id"] for c in cases}:
                check.error(path, item.line_of("case"), f"case id {item['case']!r} is used twice")
            cases.append({"id": item["case"], "module": item["module"], "vignette": item["vignette"]})
            check.localized(path, item, "vignette", f"case {item['case']!r}")
            for member in item["items"]:
                member.setdefault("module", item["module"])
                if member["module"] != item["module"]:
                    check.error(path, member.line_of("module"), f"case {item['case']!r}: all items share its module")
                member["case"] = item["case"]
                bank.append((path, member))

    module_slugs: list[str] = []
    total_minutes = 0
    parsed_modules: list[dict] = []
    if not modules:
        check.error(course_path, 1, "the package has no modules (modules/*.yaml)")
    for path, module in modules:
        if not check.mapping(path, module, "module", 1):
            continue
        check.require(path, module, ["slug", "minutes", "title", "steps"], "module")
        slug = module.get("slug")
        if slug in module_slugs:
            check.error(path, module.line_of("slug"), f"module slug {slug!r} is used by another module")
        module_slugs.append(slug)
        if not isinstance(module.get("minutes"), int) or module["minutes"] <= 0:
            check.error(path, module.line_of("minutes"), "minutes must be a positive whole number")
        else:
            total_minutes += module["minutes"]
        check.localized(path, module, "title", f"module {slug!r}")
        check.localized_lists(path, module, "objectives", f"module {slug!r}")
        module_items: dict[str, dict] = {}
        for index, item in enumerate(module.get("items") or []):
            if check.mapping(path, item, f"module item #{index + 1}", module["items"].line_of(index)):
                _check_item(check, path, item, principle_slugs, all_item_ids, module_slug=slug)
                if item.get("id"):
                    module_items[item["id"]] = item
        _check_steps(check, path, module, principle_slugs, module_items)
        _check_citations(check, path, module, reference_keys)
        parsed_modules.append(module)

    for path, item in bank:
        _check_item(check, path, item, principle_slugs, all_item_ids, module_slug=None)
        if item.get("module") not in module_slugs:
            check.error(
                path,
                item.line_of("module") if "module" in item else _line(item),
                f"item {item.get('id')!r}: module {item.get('module')!r} does not exist",
            )

    _check_accreditations(
        check, course_path, course, total_minutes, module_slugs, [i for _p, i in bank], principle_slugs
    )

    takeaways: dict[str, dict[str, str]] = {}
    for path in sorted((root / "takeaways").glob("*.md")):
        stem, _dot, language = path.stem.rpartition(".")
        if language not in check.languages:
            check.error(path, 1, f"take-away file names end in .<language>.md ({', '.join(check.languages)})")
            continue
        takeaways.setdefault(stem, {})[language] = path.read_text(encoding="utf-8")
    for slug, texts in takeaways.items():
        for language in check.languages:
            if language not in texts:
                check.error(
                    root / "takeaways" / f"{slug}.{check.languages[0]}.md",
                    1,
                    f"take-away {slug!r} has no {language!r} version",
                )

    if check.errors:
        raise InvalidPackage(check.errors)
    package = Package(
        root=root,
        course=plain(course),
        principles=plain(principles),
        modules=[plain(m) for m in parsed_modules],
        items=[plain(i) for _p, i in bank],
        takeaways=takeaways,
        cases=plain(cases),
    )
    canonical(package)
    package.content_hash = _content_hash(package)
    return package


CITATION = re.compile(r"\[([a-z][a-z0-9-]*)\](?![(\[:])")


def _check_references(check: _Checker, path: Path, course: LineDict) -> set[str]:
    references = course.get("references") or []
    keys: set[str] = set()
    if not isinstance(references, list):
        check.error(path, course.line_of("references"), "references must be a list of {key, text, url}")
        return keys
    for index, reference in enumerate(references):
        if not check.mapping(path, reference, f"reference #{index + 1}", references.line_of(index)):
            continue
        check.require(path, reference, ["key", "text"], f"reference #{index + 1}")
        key = reference.get("key")
        if key in keys:
            check.error(path, reference.line_of("key"), f"reference key {key!r} is defined twice")
        keys.add(key)
    return keys


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def _check_citations(check: _Checker, path: Path, module: LineDict, keys: set[str]) -> None:
    """Teaching text cites sources as [key]; every key must be listed in course.yaml's references."""
    for index, step in enumerate(module.get("steps") or []):
        if not isinstance(step, dict):
            continue
        line = module["steps"].line_of(index)
        for text in _texts({k: v for k, v in step.items() if k not in {"kind", "slug", "start"}}):
            for key in CITATION.findall(text):
                if key not in keys:
                    check.error(
                        path,
                        line,
                        f"step {step.get('slug')!r} cites [{key}], which course.yaml's references do not define",
                    )


def _check_item(
    check: _Checker, path: Path, item: LineDict, principles: set[str], seen: dict[str, Path], *, module_slug: str | None
) -> None:
    item_id = item.get("id")
    where = f"item {item_id!r}"
    if not item_id:
        check.error(path, _line(item), "an item needs an 'id'")
        return
    if item_id in seen:
        check.error(path, item.line_of("id"), f"item id {item_id!r} is used twice (also in {seen[item_id].name})")
    seen[item_id] = path
    kind = item.get("type", "single")
    if kind not in ITEM_TYPES:
        check.error(path, item.line_of("type"), f"{where}: type {kind!r} is not one of {sorted(ITEM_TYPES)}")
    check.localized(path, item, "stem", where)
    for tag in item.get("principles") or []:
        if tag not in principles:
            check.error(path, item.line_of("principles"), f"{where}: unknown principle {tag!r}")
    if not item.get("principles"):
        check.error(path, _line(item), f"{where}: tag at least one principle")
    options = item.get("options")
    if not isinstance(options, list) or not 2 <= len(options) <= 6:
        check.error(path, item.line_of("options"), f"{where}: needs 2 to 6 options")
        return
    ids = [o.get("id") for o in options if isinstance(o, dict)]
    if len(set(ids)) != len(ids):
        check.error(path, item.line_of("options"), f"{where}: option ids repeat")
    correct = [o for o in options if isinstance(o, dict) and o.get("correct")]
    if kind in {"single", "truefalse"} and len(correct) != 1:
        check.error(
            path,
            item.line_of("options"),
            f"{where}: a {kind} item has exactly one correct option, this one has {len(correct)}",
        )
    if kind == "multiple" and not correct:
        check.error(path, item.line_of("options"), f"{where}: mark at least one option correct")
    if kind == "multiple" and item.get("scoring", "all_or_nothing") not in {"all_or_nothing", "partial"}:
        check.error(path, item.line_of("scoring"), f"{where}: scoring is all_or_nothing or partial")
    for index, option in enumerate(options):
        if not check.mapping(path, option, f"{where} option #{index + 1}", options.line_of(index)):
            continue
        check.localized(path, option, "text", f"{where} option {option.get('id')!r}")
        check.localized(path, option, "rationale", f"{where} option {option.get('id')!r}")


def _check_steps(
    check: _Checker, path: Path, module: LineDict, principles: set[str], module_items: dict[str, dict]
) -> None:
    steps = module.get("steps")
    if not isinstance(steps, list):
        return
    seen: set[str] = set()
    for index, step in enumerate(steps):
        if not check.mapping(path, step, f"step #{index + 1}", steps.line_of(index)):
            continue
        kind, slug = step.get("kind"), step.get("slug")
        where = f"step {slug!r}"
        if kind not in STEP_KINDS:
            check.error(path, step.line_of("kind"), f"{where}: kind {kind!r} is not one of {sorted(STEP_KINDS)}")
            continue
        if not slug or not SLUG.match(str(slug)):
            check.error(path, _line(step), f"step #{index + 1}: slug {slug!r} is missing or malformed")
        elif slug in seen:
            check.error(path, step.line_of("slug"), f"step slug {slug!r} is used twice in this module")
        seen.add(slug)
        if kind in {"text", "media", "vignette"}:
            check.localized(path, step, "title", where)
        if kind == "text":
            check.localized(path, step, "body", where)
        elif kind == "media":
            _check_media(check, path, step, where)
        elif kind == "reflection":
            check.localized(path, step, "prompt", where)
        elif kind == "check":
            listed = step.get("items") or []
            if not listed:
                check.error(path, _line(step), f"{where}: a check lists at least one item")
            for item_id in listed:
                if item_id not in module_items:
                    check.error(
                        path, step.line_of("items"), f"{where}: item {item_id!r} is not defined in this module's items"
                    )
        elif kind == "vignette":
            _check_vignette(check, path, step, principles, module_items)


VIDEO_SUFFIXES = {".mp4", ".webm"}


def media_files(step: dict[str, Any]) -> list[str]:
    """Package-relative paths of every file a media step uses."""
    files = [step[key] for key in ("image", "video") if step.get(key)]
    return files + list((step.get("captions") or {}).values())


def _check_media(check: _Checker, path: Path, step: LineDict, where: str) -> None:
    def exists(relative: Any, key: str, suffixes: set[str], what: str) -> None:
        target = (check.root / str(relative)).resolve()
        if check.root not in target.parents or not target.is_file():
            check.error(path, step.line_of(key), f"{where}: {what} file {relative!r} does not exist")
        elif target.suffix.lower() not in suffixes:
            check.error(
                path, step.line_of(key), f"{where}: {relative!r} is not a {what} ({', '.join(sorted(suffixes))})"
            )

    if bool(step.get("image")) == bool(step.get("video")):
        check.error(path, _line(step), f"{where}: a media step shows either an 'image' or a 'video'")
    if step.get("image"):
        check.localized(path, step, "alt", f"{where} (alt text)")
        exists(step["image"], "image", IMAGE_SUFFIXES, "image")
    if step.get("video"):
        exists(step["video"], "video", VIDEO_SUFFIXES, "video")
        captions = step.get("captions") or {}
        if not captions and not step.get("transcript"):
            check.error(path, step.line_of("video"), f"{where}: a video needs captions or a transcript")
        for language, track in captions.items():
            if language not in check.languages:
                check.error(path, step.line_of("captions"), f"{where}: captions in {language!r}, not a course language")
            exists(track, "captions", {".vtt"}, "captions")
        if step.get("transcript"):
            check.localized(path, step, "transcript", where)


def _check_vignette(
    check: _Checker, path: Path, step: LineDict, principles: set[str], module_items: dict[str, dict]
) -> None:
    slug = step.get("slug")
    nodes = step.get("nodes")
    if not isinstance(nodes, dict) or not nodes:
        check.error(path, _line(step), f"vignette {slug!r}: 'nodes' must map node ids to nodes")
        return
    if step.get("reflection") is not None:
        check.localized(path, step, "reflection", f"vignette {slug!r}")
    for node_id, node in nodes.items():
        if not check.mapping(path, node, f"vignette {slug!r} node {node_id!r}", nodes.line_of(node_id)):
            return
        check.localized(path, node, "text", f"vignette {slug!r} node {node_id!r}")
        for index, option in enumerate(node.get("options") or []):
            if check.mapping(
                path, option, f"vignette {slug!r} node {node_id!r} option #{index + 1}", node["options"].line_of(index)
            ):
                check.localized(
                    path, option, "label", f"vignette {slug!r} node {node_id!r} option {option.get('id')!r}"
                )
                check.localized(
                    path, option, "feedback", f"vignette {slug!r} node {node_id!r} option {option.get('id')!r}"
                )
    graph = {"start": step.get("start"), "nodes": plain(nodes)}
    for node_id, message in vignettes.validate(graph, item_ids=set(module_items), principles=principles):
        line = nodes.line_of(node_id) if node_id in nodes else step.line_of("start")
        check.error(path, line, f"vignette {slug!r} node {node_id!r}: {message}")


def _fillable(quota: int, singles: int, case_sizes: list[int]) -> bool:
    """Can ``quota`` items be drawn from ``singles`` loose items plus whole cases of the given sizes?"""
    reachable = {0}
    for size in case_sizes:
        reachable |= {total + size for total in reachable if total + size <= quota}
    return any(quota - total <= singles for total in reachable)


def _check_accreditations(
    check: _Checker,
    path: Path,
    course: LineDict,
    minutes: int,
    module_slugs: list[str],
    bank: list[dict],
    principles: set[str],
) -> None:
    units = minutes // UNIT_MINUTES
    per_module: dict[str, int] = {}
    singles: dict[str, int] = {}
    case_sizes: dict[str, dict[str, int]] = {}
    per_principle: dict[str, int] = {}
    for item in bank:
        module = item.get("module")
        per_module[module] = per_module.get(module, 0) + 1
        if item.get("case"):
            sizes = case_sizes.setdefault(module, {})
            sizes[item["case"]] = sizes.get(item["case"], 0) + 1
        else:
            singles[module] = singles.get(module, 0) + 1
        for tag in item.get("principles") or []:
            per_principle[tag] = per_principle.get(tag, 0) + 1
    profiles = course.get("accreditations") or []
    keys: set[str] = set()
    for index, profile in enumerate(profiles):
        if not check.mapping(path, profile, f"accreditation #{index + 1}", profiles.line_of(index)):
            continue
        key = profile.get("key")
        where = f"accreditation {key!r}"
        if not check.require(path, profile, ["key", "body", "points", "pass_mark", "draw", "blueprint"], where):
            continue
        if key in keys:
            check.error(path, profile.line_of("key"), f"{where}: key is used twice")
        keys.add(key)
        check.localized(path, profile, "wording", where, required=False)
        if profile.get("vnr") and not re.fullmatch(r"\d{19}", str(profile["vnr"])):
            check.error(path, profile.line_of("vnr"), f"{where}: a VNR has exactly 19 digits")
        if not isinstance(profile["pass_mark"], int) or not 1 <= profile["pass_mark"] <= 100:
            check.error(path, profile.line_of("pass_mark"), f"{where}: pass_mark is a percentage from 1 to 100")
        unit = profile.get("unit", "fe")
        if unit == "fe" and profile["points"] != units:
            check.error(
                path,
                profile.line_of("points"),
                f"{where}: {minutes} minutes make {units} full 45-minute units, so {units} points, "
                f"not {profile['points']}",
            )
        if unit == "hour" and profile["points"] > minutes / 60:
            check.error(
                path, profile.line_of("points"), f"{where}: {minutes} minutes cannot earn {profile['points']} hours"
            )
        blueprint = profile["blueprint"]
        if not isinstance(blueprint, dict):
            check.error(path, profile.line_of("blueprint"), f"{where}: blueprint maps module slugs to counts")
            continue
        if sum(blueprint.values()) != profile["draw"]:
            check.error(
                path,
                profile.line_of("blueprint"),
                f"{where}: the blueprint draws {sum(blueprint.values())} items, but draw is {profile['draw']}",
            )
        for module, count in blueprint.items():
            if module not in module_slugs:
                check.error(path, profile.line_of("blueprint"), f"{where}: blueprint names unknown module {module!r}")
            elif per_module.get(module, 0) < count:
                check.error(
                    path,
                    profile.line_of("blueprint"),
                    f"{where}: blueprint draws {count} items from {module!r}, "
                    f"but the bank has only {per_module.get(module, 0)}",
                )
            elif not _fillable(count, singles.get(module, 0), list(case_sizes.get(module, {}).values())):
                check.error(
                    path,
                    profile.line_of("blueprint"),
                    f"{where}: {count} items from {module!r} cannot be drawn without splitting a case-based set",
                )
        for tag, count in (profile.get("principle_quotas") or {}).items():
            if tag not in principles:
                check.error(path, profile.line_of("principle_quotas"), f"{where}: unknown principle {tag!r}")
            elif per_principle.get(tag, 0) < count:
                check.error(
                    path,
                    profile.line_of("principle_quotas"),
                    f"{where}: at least {count} items about {tag!r} wanted, the bank has {per_principle.get(tag, 0)}",
                )
        if sum((profile.get("principle_quotas") or {}).values()) > profile["draw"]:
            check.error(path, profile.line_of("principle_quotas"), f"{where}: principle quotas exceed the draw")


def _optional(source: dict[str, Any], key: str) -> dict[str, Any]:
    """Keep an optional key only when it has a value, so exports stay valid against the schema."""
    return {key: source[key]} if source.get(key) not in (None, {}, [], "") else {}


def _option_id(value: Any) -> str:
    # YAML reads unquoted true/false as booleans; true/false items use them as option ids.
    return str(value).lower() if isinstance(value, bool) else str(value)


def canonical_item(item: dict[str, Any]) -> dict[str, Any]:
    kind = item.get("type", "single")
    return {
        "id": item["id"],
        "type": kind,
        "module": item.get("module"),
        "principles": list(item.get("principles") or []),
        "difficulty": item.get("difficulty", "medium"),
        "scoring": item.get("scoring", "all_or_nothing"),
        "stem": item["stem"],
        **({"case": item["case"]} if item.get("case") else {}),
        "options": [
            {
                "id": _option_id(o["id"]),
                "correct": bool(o.get("correct")),
                "text": o["text"],
                "rationale": o["rationale"],
            }
            for o in item["options"]
        ],
    }


def canonical_step(step: dict[str, Any]) -> dict[str, Any]:
    result = {"kind": step["kind"], "slug": step["slug"], "required": bool(step.get("required", True))}
    if "title" in step:
        result["title"] = step["title"]
    for key, value in step.items():
        if key not in result and key != "required":
            result[key] = value
    return result


def canonical_module(module: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": module["slug"],
        "minutes": module["minutes"],
        "title": module["title"],
        **_optional(module, "objectives"),
        "steps": [canonical_step(s) for s in module["steps"]],
        "items": [canonical_item(i) for i in module.get("items") or []],
    }


# Settings of the final test under this accreditation, written by quizzes into its Assessment (decision 0203).
ASSESSMENT_KEYS = ("grading", "layout", "time_limit_minutes", "grace_minutes", "principle_quotas", "review")


def canonical_accreditation(profile: dict[str, Any], index: int) -> dict[str, Any]:
    return {
        "key": profile["key"],
        "default": bool(profile.get("default", index == 0)),
        "body": profile["body"],
        "category": profile.get("category", ""),
        "unit": profile.get("unit", "fe"),
        "points": profile["points"],
        "vnr": str(profile.get("vnr", "")),
        "pass_mark": profile["pass_mark"],
        "max_attempts": profile.get("max_attempts"),
        "cooldown_hours": profile.get("cooldown_hours", 0),
        "draw": profile["draw"],
        "blueprint": dict(profile["blueprint"]),
        **_optional(profile, "wording"),
        **{key: profile[key] for key in ASSESSMENT_KEYS if key in profile},
    }


def canonical_course(course: dict[str, Any]) -> dict[str, Any]:
    lead = course.get("scientific_lead")
    return {
        "slug": course["slug"],
        "languages": list(course["languages"]),
        "title": course["title"],
        **_optional(course, "summary"),
        **({"scientific_lead": {"name": lead["name"], **_optional(lead, "qualification")}} if lead else {}),
        "sequential": bool(course.get("sequential", True)),
        "completion": {
            "assessment": bool((course.get("completion") or {}).get("assessment", True)),
            "evaluation": bool((course.get("completion") or {}).get("evaluation", False)),
        },
        "references": [{k: r[k] for k in ("key", "text", "url") if k in r} for r in course.get("references") or []],
        "accreditations": [canonical_accreditation(p, i) for i, p in enumerate(course.get("accreditations") or [])],
    }


def canonical(package: Package) -> Package:
    """Fill every default explicitly, so that a package and its export hash the same."""
    package.course = canonical_course(package.course)
    package.principles = [
        {"slug": p["slug"], "name": p["name"], "definition": p["definition"]} for p in package.principles
    ]
    package.modules = [canonical_module(m) for m in package.modules]
    package.items = [canonical_item(i) for i in package.items]
    package.cases = [{"id": c["id"], "module": c["module"], "vignette": c["vignette"]} for c in package.cases]
    return package


def _content_hash(package: Package) -> str:
    digest = hashlib.sha256()
    payload = {
        "course": package.course,
        "principles": package.principles,
        "modules": package.modules,
        "items": package.items,
        "takeaways": package.takeaways,
        **({"cases": package.cases} if package.cases else {}),
    }
    digest.update(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())
    media = package.root / "media"
    if media.is_dir():
        for file in sorted(p for p in media.rglob("*") if p.is_file()):
            digest.update(str(file.relative_to(package.root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


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
    number = (course.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    meta = package.course
    version = CourseVersion.objects.create(
        course=course,
        number=number,
        content_hash=package.content_hash,
        title=meta["title"],
        summary=meta.get("summary", {}),
        languages=meta["languages"],
        scientific_lead=meta.get("scientific_lead", {}).get("name", ""),
        scientific_lead_qualification=meta.get("scientific_lead", {}).get("qualification", {}),
        sequential=meta["sequential"],
        require_assessment=meta["completion"]["assessment"],
        require_evaluation=meta["completion"]["evaluation"],
        minutes=sum(m["minutes"] for m in package.modules),
        references=meta["references"],
        takeaways=[{"slug": slug, "text": texts} for slug, texts in sorted(package.takeaways.items())],
        manifest=meta,
        principles=package.principles,
        status=CourseVersion.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    for profile in meta["accreditations"]:
        Accreditation.objects.create(
            course_version=version,
            key=profile["key"],
            body=profile["body"],
            category=profile["category"],
            points=profile["points"],
            vnr=profile["vnr"],
            pass_mark=profile["pass_mark"],
            max_attempts=profile["max_attempts"],
            cooldown_hours=profile["cooldown_hours"],
            draw=profile["draw"],
            blueprint=profile["blueprint"],
            wording=profile.get("wording", {}),
            is_default=profile["default"],
        )
    for position, module_data in enumerate(package.modules, start=1):
        _store_media(package, version, module_data)
        module = Module.objects.create(
            version=version,
            position=position,
            slug=module_data["slug"],
            title=module_data["title"],
            objectives=module_data.get("objectives", {}),
            minutes=module_data["minutes"],
            items=module_data["items"],
        )
        Step.objects.bulk_create(
            Step(
                module=module,
                position=pos,
                slug=s["slug"],
                kind=s["kind"],
                title=s.get("title", {}),
                required=s["required"],
                data={k: v for k, v in s.items() if k not in {"kind", "slug", "title", "required", "_files"}}
                | ({"files": s["_files"]} if "_files" in s else {}),
            )
            for pos, s in enumerate(module_data["steps"], start=1)
        )
    for writer in PACKAGE_WRITERS:
        writer(version, package)
    return ImportResult(version, created=True)


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


PackageReader = Callable[[CourseVersion], list[dict[str, Any]]]
# Apps that write part of a package on import give it back on export (the final item bank).
PACKAGE_ITEM_READERS: list[PackageReader] = []
PACKAGE_CASE_READERS: list[PackageReader] = []


def export_package(version: CourseVersion) -> Package:
    """Rebuild the canonical package of a version from the database."""
    modules = []
    for module in version.modules.prefetch_related("steps").order_by("position"):
        steps = []
        for step in module.steps.order_by("position"):
            data = {"kind": step.kind, "slug": step.slug, "required": step.required}
            if step.title:
                data["title"] = step.title
            data.update({k: v for k, v in step.data.items() if k != "files"})
            steps.append(canonical_step(data))
        modules.append(
            {
                "slug": module.slug,
                "minutes": module.minutes,
                "title": module.title,
                **({"objectives": module.objectives} if module.objectives else {}),
                "steps": steps,
                "items": module.items,
            }
        )
    items = [item for reader in PACKAGE_ITEM_READERS for item in reader(version)]
    cases = [case for reader in PACKAGE_CASE_READERS for case in reader(version)]
    takeaways = {t["slug"]: t["text"] for t in version.takeaways}
    media = {
        relative: step.data["files"][relative.rsplit("/", 1)[-1]]
        for module in version.modules.all()
        for step in module.steps.filter(kind="media")
        for relative in media_files(step.data)
    }
    package = Package(
        media=media,
        root=Path(),
        course=version.manifest,
        principles=version.principles,
        modules=modules,
        items=items,
        takeaways=takeaways,
        cases=cases,
    )
    return package


def write_package(package: Package, target: Path) -> None:
    """Write a package directory: one file per module, the bank in items/bank.yaml."""
    target.mkdir(parents=True, exist_ok=True)
    for sub in ("modules", "items", "takeaways"):
        (target / sub).mkdir(exist_ok=True)
    _dump(target / "course.yaml", package.course)
    _dump(target / "principles.yaml", package.principles)
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
