"""Rules for ``modules/*.yaml``: unique slugs, texts in every language, media files, checks and vignettes."""

from pathlib import Path
from typing import Any

from courses import vignettes

from .checker import Checker
from .course_checks import check_citations
from .files import inside
from .item_checks import check_item
from .mockup_checks import check_mockup
from .yamlio import LineDict, line_of_node, plain

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg", ".webp", ".gif"}
VIDEO_SUFFIXES = {".mp4", ".webm"}


def check_module(
    check: Checker,
    path: Path,
    module: LineDict,
    *,
    other_slugs: list[str],
    principles: set[str],
    item_ids: dict[str, Path],
    reference_keys: set[str],
) -> None:
    """Check one module; ``item_ids`` collects the ids of its formative items for the whole package."""
    slug = module["slug"]
    if slug in other_slugs:
        check.error(path, module.line_of("slug"), f"module slug {slug!r} is used by another module")
    check.localized(path, module, "title", f"module {slug!r}")
    check.localized_lists(path, module, "objectives", f"module {slug!r}")
    module_items: dict[str, LineDict] = {}
    for item in module.get("items") or []:
        check_item(check, path, item, principles, item_ids)
        module_items[item["id"]] = item
    seen: set[str] = set()
    for step in module["steps"]:
        if step["slug"] in seen:
            check.error(path, step.line_of("slug"), f"step slug {step['slug']!r} is used twice in this module")
        seen.add(step["slug"])
        _check_step(check, path, step, principles, module_items)
    check_citations(check, path, module, reference_keys)


def _check_step(
    check: Checker, path: Path, step: LineDict, principles: set[str], module_items: dict[str, LineDict]
) -> None:
    kind, where = step["kind"], f"step {step['slug']!r}"
    if kind in {"text", "media", "vignette"}:
        check.localized(path, step, "title", where)
    if kind == "text":
        check.localized(path, step, "body", where)
    elif kind == "media":
        _check_media(check, path, step, where)
    elif kind == "reflection":
        check.localized(path, step, "prompt", where)
    elif kind == "check":
        for item_id in step["items"]:
            if item_id not in module_items:
                check.error(
                    path, step.line_of("items"), f"{where}: item {item_id!r} is not defined in this module's items"
                )
    elif kind == "vignette":
        _check_vignette(check, path, step, principles, set(module_items))


def _check_media(check: Checker, path: Path, step: LineDict, where: str) -> None:
    def exists(relative: Any, key: str, suffixes: set[str], what: str) -> None:
        target = inside(check.root, relative)
        if target is None:
            check.error(
                path,
                step.line_of(key),
                f"{where}: {what} file {relative!r} must be a relative path inside the package (no '..', no '/')",
            )
        elif not target.is_file():
            check.error(path, step.line_of(key), f"{where}: {what} file {relative!r} does not exist")
        elif target.suffix.lower() not in suffixes:
            check.error(
                path, step.line_of(key), f"{where}: {relative!r} is not a {what} ({', '.join(sorted(suffixes))})"
            )

    if bool(step.get("image")) == bool(step.get("video")):
        check.error(path, line_of_node(step), f"{where}: a media step shows either an 'image' or a 'video'")
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


def _check_vignette(check: Checker, path: Path, step: LineDict, principles: set[str], item_ids: set[str]) -> None:
    where = f"vignette {step['slug']!r}"
    nodes = step["nodes"]
    if step.get("reflection") is not None:
        check.localized(path, step, "reflection", where)
    for node_id, node in nodes.items():
        check.localized(path, node, "text", f"{where} node {node_id!r}")
        if node.get("mockup") is not None:
            check_mockup(check, path, node, f"{where} node {node_id!r}")
        for option in node.get("options") or []:
            option_where = f"{where} node {node_id!r} option {option['id']!r}"
            check.localized(path, option, "label", option_where)
            check.localized(path, option, "feedback", option_where)
    graph = {"start": step["start"], "nodes": plain(nodes)}
    for node_id, message in vignettes.validate(graph, item_ids=item_ids, principles=principles):
        line = nodes.line_of(node_id) if node_id in nodes else step.line_of("start")
        check.error(path, line, f"{where} node {node_id!r}: {message}")
