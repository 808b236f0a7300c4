"""
A layout check for the browser suite: what axe-core cannot see, measured on the page as drawn.

``assert_layout(page, name)`` fails when, at the page's current width,

(a) a visible radio button or checkbox is not drawn beside its own label: its box must lie left of the label's
    first line of text, at most ``MAX_GAP`` pixels from it, overlapping that line vertically, and must not
    cover the label's text or the text of its fieldset's legend;
(b) anything overflows sideways: the document is wider than the viewport, or a visible element's right edge
    lies beyond it (content clipped by a scrolling or hidden-overflow container counts as clipped);
(c) form controls, buttons or links overlap each other, or cover text outside themselves.

Boxes are measured with ``getBoundingClientRect`` (inline links per line fragment, text per text node via a
Range) and cut to what the clipping ancestors and ``clip`` leave visible, so visually hidden text and the
skip link do not count. ``check_layout`` runs the check at each of ``WIDTHS`` and restores the viewport; the
axe-core scanner in ``tests/browser/conftest.py`` calls it on every page it scans.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Desktop and a small phone.
WIDTHS = (1280, 375)
# Largest distance from a choice control's right edge to its label's text (Bootstrap draws 0.5em, 8 px).
MAX_GAP = 16
# Overlaps up to this many pixels are borders meeting (Bootstrap's button and input groups overlap by 1 px).
TOLERANCE = 2
# At most this many problems are listed in a failure message.
SHOWN = 25
# Pages outside the final test that failed the check when it was added (issue 15), by path, with the cause
# found. Their findings are reported as warnings (in pytest's summary) instead of failing; each is to be fixed
# and then removed here. Not a place for new pages.
KNOWN_FAULTS: dict[str, str] = {}


class KnownLayoutFault(UserWarning):
    """A finding on a page listed in ``KNOWN_FAULTS``."""


LAYOUT_SCRIPT = (Path(__file__).parent / "layout.js").read_text()


def measure(page) -> dict[str, Any]:
    """The layout problems of the page as drawn now: ``{"viewport", "misplaced", "problems"}``."""
    return page.evaluate(LAYOUT_SCRIPT, {"maxGap": MAX_GAP, "tolerance": TOLERANCE})


def _boxes(boxes: dict[str, dict[str, int]]) -> str:
    return ", ".join(f"{name} ({b['left']},{b['top']})–({b['right']},{b['bottom']})" for name, b in boxes.items())


def describe_problems(name: str, url: str, result: dict[str, Any]) -> str:
    problems = result["problems"]
    lines = [
        f"Layout problems on {name or url} ({url}) at {result['viewport']} px: {len(problems)}"
        f" ({result['misplaced']} radio buttons or checkboxes not beside their labels)"
    ]
    for problem in problems[:SHOWN]:
        lines.append(f"- {problem['kind']}: {problem['element']} {problem['detail']}; {_boxes(problem['boxes'])}")
    if len(problems) > SHOWN:
        lines.append(f"- … and {len(problems) - SHOWN} more")
    return "\n".join(lines)


def known_fault(url: str) -> str:
    path = urlsplit(url).path
    return next((cause for pattern, cause in KNOWN_FAULTS.items() if re.search(pattern, path)), "")


def assert_layout(page, name: str = "") -> None:
    """Fail, naming the page, the elements and their boxes, when the page as drawn breaks the layout rules."""
    result = measure(page)
    if result["problems"] and known_fault(page.url):
        message = describe_problems(name, page.url, result)
        warnings.warn(KnownLayoutFault(f"{message}\nKnown cause: {known_fault(page.url)}"), stacklevel=2)
        return
    assert not result["problems"], describe_problems(name, page.url, result)


def check_layout(page, name: str = "", widths: tuple[int, ...] = WIDTHS) -> None:
    """Run :func:`assert_layout` at each width (the viewport keeps its height), then restore the viewport.

    With ``HALTUNG_LAYOUT_SURVEY=<file>`` in the environment the problems are appended to that file (one JSON
    line per page and width) instead of failing: a way to list every page with a finding in one run.
    """
    original = page.viewport_size or {"width": 1280, "height": 900}
    survey = os.environ.get("HALTUNG_LAYOUT_SURVEY")
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": original["height"]})
            if not survey:
                assert_layout(page, name)
                continue
            result = measure(page)
            if result["problems"]:
                with Path(survey).open("a") as out:
                    out.write(json.dumps({"name": name, "url": page.url, **result}) + "\n")
    finally:
        page.set_viewport_size(original)
