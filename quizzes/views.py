"""
The final test for learners: start, take (autosave, pages, flags, timer, live counts), confirm, submit and
review the result.

Grading happens only in services, on the server; the attempt page carries option texts in a shuffled order
with opaque per-attempt values (``courses.opaque``), never database ids, which option is correct or any
rationale, and the autosave answers carry only times.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from courses.citations import SourcesLink
from courses.models import VERSION_PACKAGE_FIELDS
from enrolments import next_action
from enrolments import selectors as enrolment_selectors
from enrolments.models import Enrollment

from . import markup, policy, selectors, services
from .errors import QuizError
from .models import Assessment, Attempt, AttemptItem
from .next_action import attempts_left_text, state_for_page, way_on
from .panels import final_test_panel

# Announced once each, when the remaining time crosses them (seconds).
TIMER_THRESHOLDS = (900, 300, 60)


def _own_attempt(request: HttpRequest, attempt_id: int, attempts: QuerySet[Attempt] | None = None) -> Attempt:
    # Someone else's attempt answers 404, exactly like a missing one.
    if attempts is None:
        attempts = Attempt.objects.select_related(
            "enrollment__course_version", "enrollment__accreditation", "assessment"
        ).defer(*(f"enrollment__course_version__{name}" for name in VERSION_PACKAGE_FIELDS))
    return get_object_or_404(attempts, pk=attempt_id, enrollment__user=request.user)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _post_lists(request: HttpRequest) -> dict[str, list[str]]:
    return {key: request.POST.getlist(key) for key in request.POST if key not in {"csrfmiddlewaretoken", "go"}}


def _refused(
    request: HttpRequest, error: QuizError, *, enrollment: Enrollment, attempt: Attempt | None = None
) -> HttpResponse:
    # Each refusal says what is missing and links to it (decision 0604); after the last attempt, the way on.
    state = policy.final_test_state(enrollment) if error.code == "no_attempts_left" else None
    return render(
        request,
        "quizzes/refused.html",
        {
            "error": error,
            "enrollment": enrollment,
            "attempt": attempt,
            "link": next_action.refusal_link(enrollment, error.code),
            "way_on": way_on(enrollment, state) if state is not None and state.exhausted else None,
        },
        status=error.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    """POST starts (or resumes) the attempt; GET, e.g. a bookmark, shows the test's panel to start it from."""
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, user=request.user)
    if request.method == "GET":
        panel = final_test_panel(request, enrollment, None)
        if panel.context["open_attempt"] is not None:
            return redirect(panel.context["open_attempt"])
        return render(request, "quizzes/start.html", {"enrollment": enrollment, "panel": panel.context})
    try:
        attempt = services.start_attempt(enrollment)
    except QuizError as error:
        return _refused(request, error, enrollment=enrollment)
    return redirect(attempt)


@login_required
def attempt_detail(request: HttpRequest, attempt_id: int) -> HttpResponse:
    # The page reads the attempt and its layout, not the enrolment and version (about 0.7 ms less to compile
    # and decode, decision 0416); an overdue attempt is graded from its own rows.
    attempt = _own_attempt(request, attempt_id, Attempt.objects.select_related("assessment"))
    if services.submit_if_overdue(attempt):
        messages.info(request, _("The time limit has passed; your saved answers have been submitted."))
    if attempt.status == Attempt.Status.SUBMITTED:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    return _render_attempt(request, attempt)


def _timer(attempt: Attempt) -> dict | None:
    if attempt.deadline is None:
        return None
    remaining = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
    announcements = {
        str(seconds): _("%(minutes)d minutes left.") % {"minutes": seconds // 60}
        if seconds > 60
        else _("One minute left.")
        for seconds in TIMER_THRESHOLDS
        if seconds < remaining
    }
    announcements["0"] = _("Time is up. Your answers are being submitted.")
    return {"deadline": attempt.deadline, "remaining": remaining, "announcements": announcements}


def _ui_messages() -> dict[str, str]:
    # Strings the script shows, translated here (no catalogue request needed).
    return {
        "saving": _("Saving…"),
        "saved": _("All answers saved at {time}."),
        "offline": _("Connection lost: your latest answers are not saved yet. Retrying…"),
        "failed": _("Not saved: {error}"),
        "hide": _("Hide timer"),
        "show": _("Show timer"),
    }


def _counts(attempt_items: list[AttemptItem]) -> dict:
    """What is open: counts with their sentences, and per question whether it is answered and flagged.

    The page's script recounts as the learner answers; it gets the sentence for every possible count, so the
    plural forms stay the server's (German and English alike).
    """
    total = len(attempt_items)
    unanswered = sum(1 for ai in attempt_items if not ai.selected)
    flagged = sum(1 for ai in attempt_items if ai.flagged)
    unanswered_texts = [
        ngettext("%(count)s question is unanswered.", "%(count)s questions are unanswered.", n) % {"count": n}
        for n in range(total + 1)
    ]
    flagged_texts = [
        ngettext("%(count)s question is flagged for review.", "%(count)s questions are flagged for review.", n)
        % {"count": n}
        for n in range(total + 1)
    ]
    return {
        "unanswered": unanswered,
        "flagged": flagged,
        "unanswered_text": unanswered_texts[unanswered],
        "flagged_text": flagged_texts[flagged],
        "state": {
            "questions": {
                str(ai.position): {"answered": bool(ai.selected), "flagged": ai.flagged} for ai in attempt_items
            },
            "unanswered": unanswered_texts,
            "flagged": flagged_texts,
        },
    }


def _render_attempt(request: HttpRequest, attempt: Attempt, *, error: str = "", status: int = 200) -> HttpResponse:
    # Only the learner's side of each row; what the items say comes from the per-process item cache.
    attempt_items = list(
        AttemptItem.objects.filter(attempt=attempt).only(
            "item_id", "position", "page", "option_order", "selected", "flagged"
        )
    )
    paged = attempt.assessment is not None and attempt.assessment.layout == Assessment.Layout.PAGED
    pages = sorted({ai.page for ai in attempt_items}) or [1]
    try:
        page = int(request.GET.get("page", pages[0]))
    except ValueError:
        page = pages[0]
    page = page if page in pages else pages[0]
    shown = [ai for ai in attempt_items if ai.page == page] if paged else attempt_items
    marks = markup.nav_marks()
    navigation = []
    for number in pages:
        on_page = [ai for ai in attempt_items if ai.page == number]
        answered, flagged = all(ai.selected for ai in on_page), any(ai.flagged for ai in on_page)
        navigation.append(
            {
                "page": number,
                "numbers": [ai.position for ai in on_page],
                "answered": answered,
                "marks": marks[answered, flagged],
                "current": number == page,
            }
        )
    counts = _counts(attempt_items)
    context = {
        "attempt": attempt,
        "question_list": markup.question_list(
            selectors.attempt_questions(shown, language=translation.get_language() or settings.LANGUAGE_CODE)
        ),
        "question_count": len(attempt_items),
        "paged": paged,
        "page": page,
        "previous_page": page - 1 if paged and page > pages[0] else None,
        "next_page": page + 1 if paged and page < pages[-1] else None,
        "navigation": navigation,
        "question_nav": markup.question_nav(attempt_items, marks),
        "counts": counts,
        "timer": _timer(attempt),
        "ui_messages": _ui_messages(),
        "error": error,
    }
    return render(request, "quizzes/attempt.html", context, status=status)


def _save_payload(attempt: Attempt) -> dict:
    return {
        "saved_at": attempt.saved_at.isoformat() if attempt.saved_at else None,
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "remaining": max(int((attempt.deadline - timezone.now()).total_seconds()), 0) if attempt.deadline else None,
    }


def _save_form(request: HttpRequest, attempt: Attempt) -> Attempt | HttpResponse:
    """Save the posted form; a refusal comes back as the page to show (without the script)."""
    try:
        answers = services.parse_form(_post_lists(request))
        return services.save_answers(attempt, answers=answers)
    except QuizError as error:
        if error.code in {"time_up", "submitted"}:
            attempt.refresh_from_db()
            return _refused(request, error, enrollment=attempt.enrollment, attempt=attempt)
        return _render_attempt(request, attempt, error=error.message, status=error.status)


@login_required
@require_POST
def save(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Autosave (JSON) and the plain-form Save and page buttons (redirect)."""
    attempt = _own_attempt(request, attempt_id)
    if _wants_json(request):
        try:
            attempt = services.save_answers(attempt, answers=services.parse_form(_post_lists(request)))
        except QuizError as error:
            result_url = reverse("quizzes:result", args=[attempt.pk])
            return JsonResponse(
                {"error": error.message, "code": error.code, "result_url": result_url}, status=error.status
            )
        return JsonResponse(_save_payload(attempt))
    saved = _save_form(request, attempt)
    if isinstance(saved, HttpResponse):
        return saved
    attempt = saved
    go = request.POST.get("go", "")
    if go.isdigit():
        return redirect(f"{attempt.get_absolute_url()}?page={go}")
    messages.success(request, _("Your answers are saved. You can come back to this attempt later."))
    return redirect(attempt)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The step before the final submit: POST saves the form; GET lists what is unanswered or flagged."""
    attempt = _own_attempt(request, attempt_id)
    if request.method == "POST":
        saved = _save_form(request, attempt)
        if isinstance(saved, HttpResponse):
            return saved
        return redirect("quizzes:review", attempt_id=attempt.pk)
    if services.submit_if_overdue(attempt):
        messages.info(request, _("The time limit has passed; your saved answers have been submitted."))
    if attempt.status == Attempt.Status.SUBMITTED:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    attempt_items = list(
        AttemptItem.objects.filter(attempt=attempt)
        .select_related("item")
        .only("position", "page", "selected", "flagged", "item__stem")
    )
    paged = attempt.assessment is not None and attempt.assessment.layout == Assessment.Layout.PAGED
    base = attempt.get_absolute_url()
    rows = [
        {
            "number": ai.position,
            "stem": ai.item.stem,
            "url": f"{base}?page={ai.page}#q-{ai.position}" if paged else f"{base}#q-{ai.position}",
            "answered": bool(ai.selected),
            "flagged": ai.flagged,
        }
        for ai in attempt_items
    ]
    counts = _counts(attempt_items)
    return render(
        request,
        "quizzes/review.html",
        {
            "attempt": attempt,
            "question_count": len(rows),
            "answered_count": len(rows) - counts["unanswered"],
            "unanswered": [row for row in rows if not row["answered"]],
            "flagged": [row for row in rows if row["flagged"]],
            "timer": _timer(attempt),
            "ui_messages": _ui_messages(),
        },
    )


@login_required
@require_POST
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == Attempt.Status.SUBMITTED:
        # A double click or a second tab: show the one result there is.
        return redirect("quizzes:result", attempt_id=attempt.pk)
    try:
        answers = services.parse_form(_post_lists(request))
        services.submit_attempt(attempt, answers=answers)
    except QuizError as error:
        if error.code == "time_up":
            attempt.refresh_from_db()
            return _refused(request, error, enrollment=attempt.enrollment, attempt=attempt)
        return _render_attempt(request, attempt, error=error.message, status=error.status)
    return redirect("quizzes:result", attempt_id=attempt.pk)


@login_required
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
    services.submit_if_overdue(attempt)
    if attempt.status != Attempt.Status.SUBMITTED:
        return redirect(attempt)
    enrollment = attempt.enrollment
    assessment = attempt.assessment
    aspects = selectors.review_aspects(attempt, assessment)
    questions, principles = [], []
    if aspects & {"principles", "correctness", "rationale", "answer"}:
        attempt_items = list(
            AttemptItem.objects.filter(attempt=attempt).select_related("item__case").prefetch_related("item__options")
        )
        if "principles" in aspects:
            principles = selectors.principle_results(attempt_items, enrollment.course_version.principles)
        if aspects & {"correctness", "rationale", "answer"}:
            questions = selectors.question_rows(attempt_items, reveal=aspects)
    outline = enrolment_selectors.outline(enrollment)
    state = state_for_page(enrollment, outline)
    attempts = state.attempts
    method = assessment.grading_method if assessment else Assessment.GradingMethod.HIGHEST
    counted = selectors.graded_attempt(attempts, method)
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "enrollment": enrollment,
            "aspects": aspects,
            "principles": principles,
            "questions": questions,
            "counted": counted if len([a for a in attempts if a.status == Attempt.Status.SUBMITTED]) > 1 else None,
            "grading_method_label": Assessment.GradingMethod(method).label,
            # How many attempts remain and from when the next may start, and what to do now (decision 0604).
            "attempts_left": attempts_left_text(state) if not attempt.passed and state.allowed is not None else "",
            "ready_at": policy.when(state.ready_at) if state.ready_at and not state.passed else "",
            "next_action": next_action.for_enrollment(enrollment, outline),
            # Citations in rationales read as author and year, linked to the sources (decision 0616).
            "references_url": SourcesLink(
                reverse("enrolments:references", args=[enrollment.pk]), enrollment.course_version_id
            ),
        },
    )


@login_required
@require_POST
def enrol_again(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    """After the last failed attempt, where the accreditation offers it: a fresh enrolment (decision 0605)."""
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, user=request.user)
    try:
        fresh = services.enrol_again_after_last_attempt(enrollment)
    except QuizError as error:
        return _refused(request, error, enrollment=enrollment)
    messages.success(request, _("You are enrolled again. Your earlier progress and results stay in your records."))
    return redirect(fresh)
