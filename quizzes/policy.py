"""
Whether and when a learner may start the final test, read once: the accreditation's limits (attempts,
waiting time between them, what happens after the last one) applied to the attempts there are.

:func:`final_test_state` is the one reading the pages use (the enrolment page's next action and final-test panel,
the result page); ``services.check_can_start`` raises its refusal. After the last failed attempt the
accreditation says the way on (decision 0605): a new round of attempts after a waiting period, another
attempt the organization grants, or a fresh enrolment in the current course version. Never a dead end.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.i18n import localized
from courses.models import Accreditation
from enrolments.models import Enrollment
from enrolments.selectors import ActiveTime, Progress, active_time_missing, required_steps_done

from .errors import QuizError
from .models import Attempt, ExtraAttempt

Rule = Accreditation.AfterLastAttempt


@dataclass(frozen=True)
class Contact:
    """Whom a learner without attempts left writes to: the accreditation's contact, else its holder's."""

    name: str
    email: str


@dataclass(frozen=True)
class FinalTestState:
    attempts: list[Attempt]
    open_attempt: Attempt | None
    passed: Attempt | None
    # Attempts allowed so far (the accreditation's limit, rounds opened and extra attempts); None: no limit.
    allowed: int | None
    limit: int | None
    # When the next attempt may start, when that is later than now (a waiting time or a new round).
    ready_at: datetime | None
    # Why no attempt can start now; None when one can (or one is open, or the test is passed).
    refusal: QuizError | None
    # Every allowed attempt is used: the accreditation's rule says the way on.
    exhausted: bool
    rule: str
    missing_time: tuple[ActiveTime, ...] = ()

    @property
    def submitted(self) -> list[Attempt]:
        return [a for a in self.attempts if a.status == Attempt.Status.SUBMITTED]

    @property
    def attempts_left(self) -> int | None:
        if self.allowed is None:
            return None
        return max(self.allowed - len(self.attempts), 0)

    @property
    def can_start(self) -> bool:
        return self.refusal is None and self.open_attempt is None and self.passed is None


def when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _allowance(
    accreditation: Accreditation | None, attempts: list[Attempt], extra: int, now: datetime
) -> tuple[int | None, datetime | None]:
    """Attempts allowed by now, and when the next round opens if the learner is waiting for one."""
    if accreditation is None or not accreditation.max_attempts:
        return None, None
    limit = accreditation.max_attempts
    allowed = limit + extra
    if accreditation.after_last_attempt != Rule.NEW_ROUND:
        return allowed, None
    # A new round of ``limit`` attempts opens ``new_round_days`` after the last attempt of the previous one.
    while len(attempts) >= allowed:
        last = attempts[allowed - 1]
        if last.submitted_at is None:
            return allowed, None
        opens = last.submitted_at + timedelta(days=accreditation.new_round_days)
        if now < opens:
            return allowed, opens
        allowed += limit
    return allowed, None


def _active_time_refusal(missing: list[ActiveTime]) -> QuizError:
    modules = "; ".join(
        ngettext("%(module)s: %(minutes)d more minute", "%(module)s: %(minutes)d more minutes", row.missing_minutes)
        % {"module": localized(row.module.title), "minutes": row.missing_minutes}
        for row in missing
    )
    return QuizError(
        _("This accreditation asks for active time in each module before the final test. Still missing: %(modules)s.")
        % {"modules": modules},
        code="active_time",
        status=403,
    )


def _exhausted_refusal(accreditation: Accreditation, round_opens: datetime | None) -> QuizError:
    if round_opens is not None:
        message = _(
            "You have used all %(count)d attempts of this round. A new round of attempts opens on %(time)s."
        ) % {"count": accreditation.max_attempts, "time": when(round_opens)}
    elif accreditation.after_last_attempt == Rule.REENROL:
        message = _(
            "You have used all your attempts for this test. You can enrol again in the current course version "
            "and take the test after working through it."
        )
    else:
        message = _("You have used all your attempts for this test. Your organization can grant you another attempt.")
    return QuizError(message, code="no_attempts_left", status=403)


def final_test_state(
    enrollment: Enrollment,
    *,
    steps_done: bool | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> FinalTestState:
    """Read the attempts once and apply the policy. ``steps_done`` and the page's ``progress`` (decision 0412)
    spare queries when the caller has them.

    Queries: the attempts (1); whether the required steps are done, unless given (1); the active time when
    the accreditation asks for some, unless the progress is given (1); the extra attempts, only once the
    limit is reached (1).
    """
    now = now or timezone.now()
    accreditation = enrollment.accreditation  # None without a query when the id is empty
    attempts = list(enrollment.attempts.order_by("number"))
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.OPEN), None)
    passed = next((a for a in attempts if a.passed), None)
    limit = accreditation.max_attempts if accreditation else None
    extra = 0
    if limit and len(attempts) >= limit:
        extra = ExtraAttempt.objects.filter(enrollment=enrollment).count()
    allowed, round_opens = _allowance(accreditation, attempts, extra, now)
    exhausted = allowed is not None and len(attempts) >= allowed and passed is None and open_attempt is None
    missing: list[ActiveTime] = []
    refusal: QuizError | None = None
    ready_at = round_opens
    if passed is not None:
        refusal = QuizError(_("You have passed this test already."), code="already_passed", status=403)
    elif not (required_steps_done(enrollment, progress) if steps_done is None else steps_done):
        refusal = QuizError(_("Complete all required steps before the final test."), code="steps_open", status=403)
    elif missing := active_time_missing(enrollment, progress):
        refusal = _active_time_refusal(missing)
    elif exhausted and accreditation is not None:
        refusal = _exhausted_refusal(accreditation, round_opens)
    elif accreditation and accreditation.cooldown_hours and attempts and attempts[-1].submitted_at:
        cooldown_ends = attempts[-1].submitted_at + timedelta(hours=accreditation.cooldown_hours)
        if now < cooldown_ends:
            ready_at = cooldown_ends
            refusal = QuizError(
                _(
                    "There is a waiting time of %(hours)d hours between attempts. "
                    "You can start the next attempt on %(time)s."
                )
                % {"hours": accreditation.cooldown_hours, "time": when(cooldown_ends)},
                code="cooldown",
                status=403,
            )
    return FinalTestState(
        attempts=attempts,
        open_attempt=open_attempt,
        passed=passed,
        allowed=allowed,
        limit=limit,
        ready_at=ready_at,
        refusal=refusal,
        exhausted=exhausted,
        rule=accreditation.after_last_attempt if accreditation else Rule.NEW_ROUND,
        missing_time=tuple(missing),
    )


def contact_for(enrollment: Enrollment) -> Contact | None:
    """The accreditation's contact, else the holding organization's, else the enrolling organization's."""
    accreditation = enrollment.accreditation
    if accreditation is not None and accreditation.contact_email:
        return Contact(accreditation.contact_name or accreditation.contact_email, accreditation.contact_email)
    named = accreditation.contact_name if accreditation else ""
    for organization in (accreditation.holder if accreditation else None, enrollment.organization):
        if organization is not None and organization.contact_email:
            return Contact(named or organization.name, organization.contact_email)
    return None
