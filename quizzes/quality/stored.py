"""
Quality records of a stored course version: its final items (any version) and its vignette decisions, so the
checker's findings can stand beside the item analysis. Stored rows have no file and line; findings name the
item key instead.
"""

from collections.abc import Iterable

from courses.models import CourseVersion, Step

from ..models import Item
from .records import ItemRecord, OptionRecord


def item_record(item: Item) -> ItemRecord:
    """An item version with its (prefetched) options, in authored order."""
    options = sorted(item.options.all(), key=lambda o: o.position)
    return ItemRecord(
        id=item.key,
        kind="final",
        type=item.type,
        module=item.module_slug,
        stem=dict(item.stem),
        options=tuple(OptionRecord(o.key, dict(o.text), o.correct) for o in options),
        scoring=item.scoring,
        principles=tuple(item.principles),
    )


def decision_records(version: CourseVersion) -> list[ItemRecord]:
    found = []
    steps: Iterable[Step] = Step.objects.filter(module__version=version, kind=Step.Kind.VIGNETTE).select_related(
        "module"
    )
    for step in steps:
        nodes = step.data.get("nodes") or {}
        scene: dict[str, list[str]] = {}
        for node in (n for n in nodes.values() if n.get("type") != "debrief"):
            for language, text in (node.get("text") or {}).items():
                scene.setdefault(language, []).append(text)
        context = {language: "\n".join(texts) for language, texts in scene.items()}
        for node_id, node in nodes.items():
            if node.get("type") != "decision":
                continue
            found.append(
                ItemRecord(
                    id=f"{step.module.slug}/{step.slug}/{node_id}",
                    kind="decision",
                    type="decision",
                    module=step.module.slug,
                    stem=dict(node.get("text") or {}),
                    options=tuple(
                        OptionRecord(str(o["id"]), dict(o.get("label") or {}), None) for o in node.get("options") or []
                    ),
                    context=context,
                )
            )
    return found
