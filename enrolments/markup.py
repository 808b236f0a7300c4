"""
Step lists of the learner's pages, rendered once per course version and language (decision 0417).

The course overview lists every step of the version (some 80 on the flagship), each with a link, a title and a
kind label; the step page's side bar lists the module's steps. Rendered by the template engine that took about
two thirds of the overview's time (`{% url %}`, ``get_kind_display`` and translations per step, per request).
The parts that depend only on the version and the language are rendered here once per process and kept with
the version (``courses.versioncache``); per request only the learner's state is put in: which steps are done,
which is open, and the enrolment's id in the links.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from courses import versioncache
from courses.i18n import localized
from courses.models import Step

from . import selectors

# The enrolment id in the cached links, replaced by each page's own: no real id is this large, and the
# int converter of the URL admits it.
_PLACEHOLDER = 9_007_199_254_740_991


@dataclass(frozen=True)
class StepEntry:
    """A step's list item parts, without the enrolment; escaped, safe to put into HTML."""

    pk: int
    href: str  # with the placeholder enrolment id
    label: str  # the link text: the title, else the kind
    open: str  # the state shown beside a step not done
    done: str  # the state shown beside a done step


@versioncache.per_version()
def step_entries(version_id: int, language: str) -> dict[int, tuple[StepEntry, ...]]:
    """Per module id, its steps' list item parts, in the outline's order."""
    _modules, steps = selectors.version_structure(version_id)
    per_module: dict[int, list[StepEntry]] = {}
    with translation.override(language):
        done = _("done")
        for step in steps:
            kind = str(step.get_kind_display())
            title = localized(step.title)
            open_state: str
            done_state: str
            if title and title != kind:
                open_state, done_state = format_html("({})", kind), format_html("({}, {})", kind, done)
            else:
                open_state, done_state = "", format_html("({})", done)
            href = reverse("enrolments:step", args=[_PLACEHOLDER, step.pk])
            entry = StepEntry(step.pk, href, escape(title or kind), open_state, done_state)
            per_module.setdefault(step.module_id, []).append(entry)
    return {module_id: tuple(entries) for module_id, entries in per_module.items()}


def _entries(outline: "selectors.Outline") -> dict[int, tuple[StepEntry, ...]]:
    return step_entries(outline.enrollment.course_version_id, translation.get_language() or "")


def _with_enrollment(html: str, enrollment_id: int) -> SafeString:
    # The placeholder only ever stands in a path segment of a link this module rendered.
    return mark_safe(html.replace(f"/{_PLACEHOLDER}/", f"/{enrollment_id}/"))  # noqa: S308


def overview_step_lists(outline: "selectors.Outline") -> dict[int, SafeString]:
    """Per module id, the ``<li>`` items of its steps for the learner: links into the enrolment, done marked."""
    entries = _entries(outline)
    lists = {}
    for state in outline.modules:
        items = "\n      ".join(
            f'<li><a href="{e.href}">{e.label}</a>\n        <span class="text-body-secondary small">'
            f"{e.done if e.pk in state.done else e.open}</span></li>"
            for e in entries.get(state.module.pk, ())
        )
        lists[state.module.pk] = _with_enrollment(items, outline.enrollment.pk)
    return lists


def step_nav(outline: "selectors.Outline", step: Step) -> SafeString:
    """The step page's side bar: the module's steps, the current one marked, done ones ticked."""
    done = outline.state_of(step).done
    tick = format_html('<span class="visually-hidden">({})</span> ✓', _("done"))
    items = []
    for e in _entries(outline).get(step.module_id, ()):
        active, link_class, current = (
            (" active", "text-white", ' aria-current="step"') if e.pk == step.pk else ("", "", "")
        )
        items.append(
            f'<li class="list-group-item{active}">\n'
            f'        <a class="{link_class}" href="{e.href}"{current}>{e.label}</a>\n'
            f"        {tick if e.pk in done else ''}\n      </li>"
        )
    return _with_enrollment("\n      ".join(items), outline.enrollment.pk)
