"""
The attempt page's question list and its navigator's marks, rendered in Python (decision 0416).

The template loop cost about 1,150 nodes for 20 questions, most of the page's time. This renders the same
markup, byte for byte and with the template's whitespace, from ``selectors.attempt_questions``: every
element, class, id, name, value and attribute the browser tests, the axe checks and attempt.js rely on.
Every text from the database is escaped; the case vignette goes through the ``markdown`` filter (sanitized
HTML), as in the template.
"""

from collections.abc import Mapping, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from courses.templatetags.haltung import markdown

from .models import AttemptItem
from .selectors import AttemptQuestion

_CASE = (
    '\n  <section class="card mb-3" aria-labelledby="case-{0}">\n    <div class="card-body">\n'
    '      <h2 class="h6" id="case-{0}">{1}</h2>\n      <div class="prose">{2}</div>\n    </div>\n  </section>\n  '
)
_FIELDSET = (
    '\n  <fieldset class="mb-4" id="q-{0}" data-question="{0}">\n    <legend class="h6">{0}. {1}{2}</legend>\n    '
)
_MULTIPLE = ' <span class="text-body-secondary small">({0})</span>'
_OPTION = (
    '\n    <div class="form-check">\n'
    '      <input class="form-check-input" type="{0}" name="item-{1}" id="q{1}-{2}" value="{2}"{3}>\n'
    '      <label class="form-check-label" for="q{1}-{2}">{4}</label>\n    </div>\n    '
)
# The hidden input comes last, not right after the legend: Bootstrap floats the legend and clears it with
# `legend + *`, and a hidden input there would leave the first option beside the float.
_END = (
    '\n    <div class="form-check mt-2 small">\n'
    '      <input class="form-check-input" type="checkbox" name="flag" value="{0}" id="flag-{0}"{1}>\n'
    '      <label class="form-check-label" for="flag-{0}">{2}</label>\n    </div>\n    \n'
    '    <input type="hidden" name="shown" value="{0}">\n  </fieldset>\n  '
)


def question_list(questions: Sequence[AttemptQuestion]) -> SafeString:
    """The questions as fieldsets of radio buttons or checkboxes, each with its flag and ``shown`` marker.

    Every text goes through ``escape``; the rest are integers and fixed strings. Not ``format_html`` per
    option: its escaping of each argument tripled the cost (decision 0416).
    """
    case_label = escape(gettext("Case"))
    multiple_hint = _MULTIPLE.format(escape(gettext("choose all that apply")))
    flag_label = escape(gettext("Flag this question for review"))
    parts = []
    for question in questions:
        pk = int(question.attempt_item_id)
        parts.append("\n  ")
        if question.case_id is not None:
            parts.append(_CASE.format(int(question.case_id), case_label, markdown(question.case_stem)))
        hint = multiple_hint if question.multiple else ""
        parts.append(_FIELDSET.format(int(question.number), escape(question.stem), hint))
        kind = "checkbox" if question.multiple else "radio"
        parts.extend(
            _OPTION.format(kind, pk, escape(value), " checked" if selected else "", escape(text))
            for value, text, selected in question.options
        )
        parts.append(_END.format(pk, " checked" if question.flagged else "", flag_label))
    return mark_safe("".join(parts))  # noqa: S308 - texts escaped above, the rest integers and fixed markup


# A navigator entry's marks: all present, the ones that do not apply hidden, so attempt.js can switch them.
_MARKS = (
    '<span data-nav-answered{0}> <span aria-hidden="true">✓</span><span class="visually-hidden">{2}</span></span>'
    '<span data-nav-unanswered{1}><span class="visually-hidden">{3}</span></span>'
    '<span data-nav-flagged{4}> <span aria-hidden="true">⚑</span><span class="visually-hidden">{5}</span></span>'
)


def nav_marks() -> dict[tuple[bool, bool], SafeString]:
    """The marks of a navigator entry for each (answered, flagged): four strings instead of one template per
    entry."""
    answered, unanswered = escape(gettext("(answered)")), escape(gettext("(unanswered)"))
    flagged = escape(gettext("(flagged)"))
    return {
        (is_answered, is_flagged): mark_safe(  # noqa: S308 - translations escaped, the rest fixed markup
            _MARKS.format(
                "" if is_answered else " hidden",
                " hidden" if is_answered else "",
                answered,
                unanswered,
                "" if is_flagged else " hidden",
                flagged,
            )
        )
        for is_answered in (False, True)
        for is_flagged in (False, True)
    }


_NAV_ENTRY = (
    '\n    <li class="list-inline-item">'
    '<a href="#q-{0}" class="btn btn-sm {1}" data-nav-numbers="{0}">{0}{2}</a></li>\n    '
)


def question_nav(attempt_items: Sequence[AttemptItem], marks: Mapping[tuple[bool, bool], str]) -> SafeString:
    """The all-on-one-page navigator's entries: a link per question, filled when answered."""
    return mark_safe(  # noqa: S308 - integers, fixed classes and the marks from nav_marks
        "".join(
            _NAV_ENTRY.format(
                int(ai.position),
                "btn-secondary" if ai.selected else "btn-outline-secondary",
                marks[bool(ai.selected), ai.flagged],
            )
            for ai in attempt_items
        )
    )
