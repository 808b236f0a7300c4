"""
The final test's part of the learner's next action (decision 0604): continue an open attempt, start one
(with the attempts left and the time limit), wait (until when), add active time, or the way on after the
last attempt that the accreditation sets (decision 0605). ``certificates.next_action`` puts it in order.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.models import Accreditation
from enrolments.models import Enrollment
from enrolments.next_action import NextAction, module_link
from enrolments.selectors import Outline

from . import policy
from .policy import FinalTestState

Rule = Accreditation.AfterLastAttempt
STATE_KEY = "_final_test_state"


def state_for_page(enrollment: Enrollment, outline: Outline | None = None) -> FinalTestState:
    """The policy read once per request: the next action and the final-test panel share it. The page's outline
    says whether the steps are done and carries the learner's progress when it read it (decision 0412);
    without one (the start page) the policy reads them itself."""
    cached = enrollment.__dict__.get(STATE_KEY)
    if cached is None:
        cached = enrollment.__dict__[STATE_KEY] = policy.final_test_state(
            enrollment,
            steps_done=outline.all_done if outline is not None else None,
            progress=outline.progress if outline is not None else None,
        )
    return cached


def attempts_left_text(state: FinalTestState) -> str:
    if state.allowed is None:
        return _("No limit on attempts.")
    # The noun follows the total: "1 of 2 attempts left", "1 of 1 attempt left".
    return ngettext("%(left)d of %(total)d attempt left.", "%(left)d of %(total)d attempts left.", state.allowed) % {
        "left": state.attempts_left or 0,
        "total": state.allowed,
    }


def way_on(enrollment: Enrollment, state: FinalTestState) -> NextAction:
    """After the last failed attempt: what the accreditation offers, and whom to ask."""
    contact = policy.contact_for(enrollment)
    name, email = (contact.name, contact.email) if contact else ("", "")
    if state.rule == Rule.NEW_ROUND and state.ready_at is not None:
        return NextAction(
            "new_round",
            _("A new round of attempts opens on %(time)s") % {"time": policy.when(state.ready_at)},
            _("You have used all %(count)d attempts of this round. Until then you can review the modules.")
            % {"count": state.limit},
            contact_name=name,
            contact_email=email,
        )
    if state.rule == Rule.REENROL:
        return NextAction(
            "enrol_again",
            _("Enrol again to take the test anew"),
            _(
                "You have used all your attempts. Enrolling again starts the course afresh in its current "
                "version; your progress and results so far stay in your records."
            ),
            reverse("quizzes:enrol_again", args=[enrollment.pk]),
            _("Enrol again"),
            post=True,
            contact_name=name,
            contact_email=email,
        )
    return NextAction(
        "ask_for_attempt",
        _("Ask for another attempt"),
        _("You have used all your attempts. Your organization can grant you another one."),
        f"mailto:{email}" if email else reverse("legal:imprint"),
        _("Write to %(name)s") % {"name": name} if email else _("Contact the provider"),
        contact_name=name,
        contact_email=email,
    )


def final_test_action(enrollment: Enrollment, outline: Outline) -> NextAction | None:
    """The final test's next action, or None when the test is passed (the certificate comes next)."""
    state = state_for_page(enrollment, outline)
    if state.passed is not None:
        return None
    if state.open_attempt is not None:
        return NextAction(
            "resume_test",
            _("Continue the final test"),
            _("Attempt %(number)d is open; your answers so far are saved.") % {"number": state.open_attempt.number},
            state.open_attempt.get_absolute_url(),
            _("Continue the test"),
        )
    refusal = state.refusal
    if refusal is not None and refusal.code == "active_time" and state.missing_time:
        link = module_link(enrollment, state.missing_time[0].module.pk, outline)
        return NextAction(
            "active_time",
            _("Spend a little more time in the modules"),
            refusal.message,
            link.url if link else "",
            link.label if link else "",
        )
    if state.exhausted:
        return way_on(enrollment, state)
    if refusal is not None and refusal.code == "cooldown" and state.ready_at is not None:
        return NextAction(
            "wait",
            _("Your next attempt opens on %(time)s") % {"time": policy.when(state.ready_at)},
            attempts_left_text(state),
        )
    if refusal is not None:
        return NextAction("test_refused", _("Final test"), refusal.message)
    return NextAction(
        "start_test",
        _("Take the final test") if not state.attempts else _("Try the final test again"),
        " ".join(
            [
                _("Pass mark: %(mark)d %%.") % {"mark": enrollment.pass_mark},
                attempts_left_text(state),
            ]
        ),
        reverse("quizzes:start", args=[enrollment.pk]),
        _("Take the final test") if not state.attempts else _("Start the next attempt"),
        post=True,
    )
