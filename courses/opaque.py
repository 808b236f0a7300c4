"""
What an answer form may show of its options: values that carry nothing of the key, and an order that is
shuffled but stable.

A value is a keyed hash (``salted_hmac`` with the site's secret) of a scope and the option's own id, so it is
unguessable, differs per learner and per attempt, and its rank among the item's values is random; the server
maps it back. The order is sorted by another keyed hash of the same scope: stable for one learner (a reload or
a second visit shows the same order), different between learners. Used by the final test (scope: the attempt
item) and by practice items and vignette decisions (scope: the enrolment, step and node or item).
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from django.utils.crypto import salted_hmac

Id = TypeVar("Id", bound=Hashable)

_VALUE_SALT = "haltung.opaque.value"
_ORDER_SALT = "haltung.opaque.order"
VALUE_LENGTH = 12


def _digest(salt: str, scope: str, option: Hashable) -> str:
    return salted_hmac(salt, f"{scope}\x1f{option}", algorithm="sha256").hexdigest()


def values(scope: str, option_ids: Iterable[Id]) -> dict[Id, str]:
    """One opaque value per option id: 12 hexadecimal characters, unique within the item."""
    found = {option: _digest(_VALUE_SALT, scope, option)[:VALUE_LENGTH] for option in option_ids}
    if len(set(found.values())) != len(found):  # 48 bits: a clash is not expected, but would be ambiguous
        found = {option: _digest(_VALUE_SALT, scope, option) for option in found}
    return found


def resolve(scope: str, option_ids: Iterable[Id], posted: Iterable[str]) -> list[Id] | None:
    """Map posted values back to option ids; None when any value is not one of this scope's."""
    back = {value: option for option, value in values(scope, option_ids).items()}
    try:
        return [back[value] for value in posted]
    except KeyError:
        return None


def order(scope: str, option_ids: Sequence[Id]) -> list[Id]:
    """The option ids in a shuffled order that is the same every time for this scope."""
    return sorted(option_ids, key=lambda option: _digest(_ORDER_SALT, scope, option))


def shuffled_options(scope: str, options: Sequence[Mapping]) -> list[dict]:
    """Authored options (mappings with an ``id``) in the stable shuffled order, each with its opaque ``value``.

    The authored ``id`` and any ``correct`` flag are left out, so a template cannot print them by mistake.
    """
    ids = [str(o["id"]) for o in options]
    by_id = {str(o["id"]): o for o in options}
    opaque = values(scope, ids)
    hidden = {"id", "correct"}
    return [
        {**{k: v for k, v in by_id[option].items() if k not in hidden}, "value": opaque[option]}
        for option in order(scope, ids)
    ]
