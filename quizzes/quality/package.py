"""
Quality records of a course package, with the file and line of every item, option, decision and accreditation
profile, read from the documents the package validator has loaded (``courses.packages.PackageFiles``) once its
own rules have passed; ``read_sources`` loads a directory itself, for use outside an import.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from courses.packages.package import PackageFiles
from courses.packages.yamlio import LineDict, LineList, load

from .records import ItemRecord, OptionRecord, ProfileRecord


@dataclass
class Sources:
    languages: list[str] = field(default_factory=lambda: ["de", "en"])
    final: list[ItemRecord] = field(default_factory=list)
    practice: list[ItemRecord] = field(default_factory=list)
    decisions: list[ItemRecord] = field(default_factory=list)
    profiles: list[ProfileRecord] = field(default_factory=list)


def _line(value: Any) -> int:
    return getattr(value, "line", 0) or 0


def _option_id(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _texts(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _item(data: Any, kind: str, file: str, *, module: str = "", case: str | None = None) -> ItemRecord:
    options = data.get("options") or LineList()
    return ItemRecord(
        id=str(data.get("id", "")),
        kind=kind,  # type: ignore[arg-type]
        type=str(data.get("type", "single")),
        module=str(data.get("module") or module),
        stem=_texts(data.get("stem")),
        options=tuple(
            OptionRecord(_option_id(o.get("id")), _texts(o.get("text")), bool(o.get("correct")), _line(o))
            for o in options
            if isinstance(o, dict)
        ),
        file=file,
        line=data.line_of("id") if isinstance(data, LineDict) else _line(data),
        scoring=str(data.get("scoring", "all_or_nothing")),
        case=case,
        principles=tuple(data.get("principles") or ()),
    )


def _decisions(module: Any, file: str) -> list[ItemRecord]:
    found = []
    for step in module.get("steps") or []:
        if not isinstance(step, dict) or step.get("kind") != "vignette" or not isinstance(step.get("nodes"), dict):
            continue
        nodes = step["nodes"]
        scene: dict[str, list[str]] = {}
        # The scene a learner plays through; debriefs are left out, they speak in the course's general terms.
        for node in (n for n in nodes.values() if isinstance(n, dict) and n.get("type") != "debrief"):
            for language, text in _texts(node.get("text")).items():
                scene.setdefault(language, []).append(text)
        context = {language: "\n".join(texts) for language, texts in scene.items()}
        for node_id, node in nodes.items():
            if node.get("type") != "decision":
                continue
            found.append(
                ItemRecord(
                    id=f"{module.get('slug')}/{step.get('slug')}/{node_id}",
                    kind="decision",
                    type="decision",
                    module=str(module.get("slug")),
                    stem=_texts(node.get("text")),
                    options=tuple(
                        OptionRecord(_option_id(o.get("id")), _texts(o.get("label")), None, _line(o))
                        for o in node.get("options") or []
                        if isinstance(o, dict)
                    ),
                    file=file,
                    line=nodes.line_of(node_id),
                    context=context,
                )
            )
    return found


def read_sources(root: Path) -> Sources:
    """Load a package directory and read its records (the validator's checks are not run)."""
    root = root.resolve()
    return sources_of(
        PackageFiles(
            root=root,
            course=load(root / "course.yaml"),
            principles=None,
            modules=[(path, load(path)) for path in sorted((root / "modules").glob("*.yaml"))],
            items=[(path, load(path)) for path in sorted((root / "items").glob("*.yaml"))],
        )
    )


def sources_of(files: PackageFiles) -> Sources:
    """Records of loaded package files; paths are shown relative to the package's parent, like the validator's."""
    root = files.root
    sources = Sources()

    def relative(path: Path) -> str:
        return str(path.relative_to(root.parent))

    course = files.course
    if isinstance(course, dict) and isinstance(course.get("languages"), list):
        sources.languages = [str(lang) for lang in course["languages"]]
    for path, doc in files.items:
        for entry in doc or []:
            if not isinstance(entry, dict):
                continue
            if "items" in entry and "case" in entry:
                for member in entry.get("items") or []:
                    sources.final.append(
                        _item(member, "final", relative(path), module=str(entry.get("module")), case=str(entry["case"]))
                    )
            else:
                sources.final.append(_item(entry, "final", relative(path)))
    for path, module in files.modules:
        if not isinstance(module, dict):
            continue
        for data in module.get("items") or []:
            if isinstance(data, dict):
                sources.practice.append(_item(data, "practice", relative(path), module=str(module.get("slug"))))
        sources.decisions += _decisions(module, relative(path))
    profiles = course.get("accreditations") if isinstance(course, dict) else None
    for index, profile in enumerate(profiles or []):
        if not isinstance(profile, dict):
            continue
        quality = profile.get("quality")
        sources.profiles.append(
            ProfileRecord(
                key=str(profile.get("key")),
                draw=int(profile.get("draw") or 0),
                pass_mark=int(profile.get("pass_mark") or 0),
                blueprint={str(k): int(v) for k, v in (profile.get("blueprint") or {}).items()},
                principle_quotas={str(k): int(v) for k, v in (profile.get("principle_quotas") or {}).items()},
                quality=dict(quality) if isinstance(quality, dict) else {},
                file=relative(root / "course.yaml"),
                line=_line_in(profile, "quality") if "quality" in profile else _line_in(profiles, index),
            )
        )
    return sources


def _line_in(container: Any, key: Any) -> int:
    """The line of ``key`` in a YAML mapping or sequence read with line numbers (1 when unknown)."""
    line_of = getattr(container, "line_of", None)
    return int(line_of(key)) if line_of else 1
