"""
What the attempt page shows of an item version, kept per process and keyed by the item's primary key.

An ``Item`` row is one version of an item: revising it writes a new row with new options (decision 0201,
``bank.revise_item``), the admin cannot change items, options or case sets, and ``bank.create_case_set``
refuses items an attempt has shown. So the stem, type, case vignette and option texts of an item an attempt
points at never change under its key, and a process can keep them; a revision is a new key. Only item
content lives here. The learner's answers, flags, option order and opaque values are read on every request
and never cached. Like the per-version caches, this one is emptied by ``courses.versioncache.clear()``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from courses import versioncache

from .models import Item, Option

# Items of every course version a process serves; when full it starts over (a bank is a few hundred items).
MAXSIZE = 4096


@dataclass(frozen=True, slots=True)
class ShownItem:
    """An item version as the attempt page shows it; shared between requests, so read only."""

    stem: Any  # localized mapping, like every course text
    multiple: bool
    case_id: int | None
    case_stem: Any
    options: Mapping[int, Any]  # option primary key -> localized text


_items: dict[int, ShownItem] = {}
versioncache.register(_items.clear)


def shown_items(item_ids: Iterable[int]) -> dict[int, ShownItem]:
    """The items by primary key, reading the ones this process has not seen in two queries."""
    found: dict[int, ShownItem] = {}
    missing = []
    for pk in item_ids:
        shown = _items.get(pk)
        if shown is None:
            missing.append(pk)
        else:
            found[pk] = shown
    if missing:
        loaded = _load(missing)
        if len(_items) + len(loaded) > MAXSIZE:
            _items.clear()
        _items.update(loaded)
        found.update(loaded)
    return found


def _load(item_ids: list[int]) -> dict[int, ShownItem]:
    options: dict[int, dict[int, Any]] = {pk: {} for pk in item_ids}
    for item_id, pk, text in (
        Option.objects.filter(item_id__in=item_ids).order_by().values_list("item_id", "pk", "text")
    ):
        options[item_id][pk] = text
    return {
        pk: ShownItem(stem, kind == Item.Type.MULTIPLE, case_id, case_stem, options[pk])
        for pk, stem, kind, case_id, case_stem in Item.objects.filter(pk__in=item_ids).values_list(
            "pk", "stem", "type", "case_id", "case__stem"
        )
    }
