"""
The one thing a learner should do now in an enrolment (decision 0604), shown at the top of the enrolment page
and the dashboard, and the link that goes with a refusal.

This app knows the steps and the evaluation; the final test (``quizzes``) and the certificate
(``certificates``) are above it, so the whole answer is composed in ``certificates.next_action``, which
registers itself here from its ``AppConfig.ready``. Without it the page still leads with the steps.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from courses.i18n import localized

from . import selectors
from .models import Enrollment
from .selectors import Outline


@dataclass(frozen=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True)
class NextAction:
    """What to do now: a heading, a line of detail, and the button that does it (a link or a form post)."""

    key: str
    title: str
    text: str = ""
    url: str = ""
    label: str = ""
    post: bool = False
    contact_name: str = ""
    contact_email: str = ""


Composer = Callable[[Enrollment, Outline], NextAction]
COMPOSERS: list[Composer] = []


def register(function: Composer) -> Composer:
    """Let a higher app compose the whole answer (the last registered wins; idempotent for ``ready()``)."""
    if function not in COMPOSERS:
        COMPOSERS.append(function)
    return function


def for_enrollment(enrollment: Enrollment, outline: Outline) -> NextAction:
    if COMPOSERS:
        return COMPOSERS[-1](enrollment, outline)
    return steps_action(enrollment, outline) or evaluation_action(enrollment) or done_action(enrollment)


def step_url(enrollment: Enrollment, step: Any) -> str:
    return reverse("enrolments:step", args=[enrollment.pk, step.pk])


def steps_action(enrollment: Enrollment, outline: Outline) -> NextAction | None:
    """Start the course or continue the module with the first open required step; None when all are done."""
    if outline.all_done:
        return None
    step = outline.resume_step()
    if step is None:
        return None
    if not outline.required_done:
        return NextAction(
            "start_course",
            _("Start the course"),
            _("%(total)d steps in %(modules)d modules.")
            % {"total": outline.required_total, "modules": len(outline.modules)},
            step_url(enrollment, step),
            _("Start the course"),
        )
    number = next(i for i, state in enumerate(outline.modules, start=1) if state.module.pk == step.module_id)
    module = outline.modules[number - 1].module
    return NextAction(
        "continue",
        _("Continue with module %(number)d: %(title)s") % {"number": number, "title": localized(module.title)},
        _("Next step: %(step)s. %(done)d of %(total)d steps done.")
        % {
            "step": localized(step.title) or step.get_kind_display(),
            "done": outline.required_done,
            "total": outline.required_total,
        },
        # Through the resume view: a vignette opens at the question it waits on, not at its top.
        reverse("enrolments:resume", args=[enrollment.pk]),
        _("Continue"),
    )


def evaluation_action(enrollment: Enrollment) -> NextAction | None:
    """The course evaluation, when the version requires it before the certificate and it is not in yet."""
    if not enrollment.course_version.require_evaluation or enrollment.evaluated_at is not None:
        return None
    return NextAction(
        "evaluation",
        _("Fill in the course evaluation"),
        _("It is required before your certificate, takes about five minutes and is anonymous."),
        reverse("enrolments:evaluation", args=[enrollment.pk]),
        _("Evaluate the course"),
    )


def done_action(enrollment: Enrollment) -> NextAction:
    return NextAction("done", _("You have completed every step of this course."))


def ended_action(enrollment: Enrollment) -> NextAction:
    return NextAction(
        "ended",
        _("This enrolment has ended: you enrolled again."),
        _("Its progress and results stay here as a record. Continue in your new enrolment."),
        reverse("certificates:dashboard"),
        _("My learning"),
    )


def refusal_link(enrollment: Enrollment, code: str, outline: Outline | None = None) -> Link | None:
    """Where the learner can do what a refusal says is missing (the codes of the final test and certificate)."""
    if code == "steps_open":
        step = (outline or selectors.outline(enrollment)).resume_step()
        return Link(step_url(enrollment, step), _("Go to the next open step")) if step else None
    if code == "evaluation_open":
        return Link(reverse("enrolments:evaluation", args=[enrollment.pk]), _("Evaluate the course"))
    if code == "active_time":
        missing = selectors.active_time_missing(enrollment)
        if missing:
            return module_link(enrollment, missing[0].module.pk, outline)
    if code in {"not_passed", "active_time", "no_attempts_left", "cooldown"}:
        return Link(enrollment.get_absolute_url() + "#next-action", _("See what to do next"))
    return None


def module_link(enrollment: Enrollment, module_id: int, outline: Outline | None = None) -> Link | None:
    """The first step of a module (to spend more time in it)."""
    states = (outline or selectors.outline(enrollment)).modules
    for number, state in enumerate(states, start=1):
        if state.module.pk == module_id and state.steps:
            return Link(
                step_url(enrollment, state.steps[0]),
                _("Go to module %(number)d: %(title)s") % {"number": number, "title": localized(state.module.title)},
            )
    return None


def with_link(message: str, link: Link | None) -> str | SafeString:
    """A refusal as a message with its link (escaped; safe to pass to ``django.contrib.messages``)."""
    if link is None:
        return message
    return format_html('{} <a href="{}" class="alert-link">{}</a>', message, link.url, link.label)
