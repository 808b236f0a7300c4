"""
What a learner is offered at a vignette decision, an embedded practice item or a module check: the options in an
order that is shuffled but stable for this learner, each with an opaque value (``courses.opaque``), and the way
back from posted values to the authored option ids the services work with (decision 0212).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from courses import opaque

from .errors import EnrolmentError


def scope(enrollment_id: int, step_id: int, where: str) -> str:
    """One scope per learner, step and place in it (a node id, or ``item:<id>`` in a module check)."""
    return f"enrolments.step:{enrollment_id}:{step_id}:{where}"


def offered(
    where: str,
    options: Sequence[Mapping[str, Any]],
    *,
    text: str,
    selected: Iterable[str] = (),
    reveal: bool = False,
) -> list[dict[str, Any]]:
    """The options to render: ``text`` (the label or text field), ``value``, ``selected``; after an answer
    (``reveal``) also ``correct`` and ``rationale``. Nothing else of the authored option reaches the page."""
    chosen = {str(s) for s in selected}
    by_id = {str(o["id"]): o for o in options}
    values = opaque.values(where, list(by_id))
    rows = []
    for option_id in opaque.order(where, list(by_id)):
        option = by_id[option_id]
        row = {"text": option[text], "value": values[option_id], "selected": option_id in chosen}
        if reveal:
            row["correct"] = bool(option.get("correct"))
            row["rationale"] = option.get("rationale", {})
        rows.append(row)
    return rows


def chosen(where: str, options: Sequence[Mapping[str, Any]], posted: Iterable[str]) -> list[str]:
    """The authored ids behind the posted values; a value that is not this learner's is refused."""
    ids = opaque.resolve(where, [str(o["id"]) for o in options], [str(v)[:64] for v in posted])
    if ids is None:
        raise EnrolmentError(_("Choose one of the options shown."), code="invalid_option")
    return ids
