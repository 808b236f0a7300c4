"""
The final test for learners: start, take (autosave, pages, flags, timer), submit and review the result.

Grading happens only in services, on the server; the attempt page carries option texts in a shuffled order
with opaque per-attempt values (``courses.opaque``), never database ids, which option is correct or any
rationale, and the autosave answers carry only times.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import VERSION_PACKAGE_FIELDS
from enrolments import next_action
from enrolments import selectors as enrolment_selectors
from enrolments.models import Enrollment

from . import policy, selectors, services
from .errors import QuizError
from .models import Assessment, Attempt, AttemptItem
from .next_action import attempts_left_text, state_for_page, way_on

# Announced once each, when the remaining time crosses them (seconds).
TIMER_THRESHOLDS = (900, 300, 60)


def _own_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    # Someone else's attempt answers 404, exactly like a missing one.
    return get_object_or_404(
        Attempt.objects.select_related("enrollment__course_version", "enrollment__accreditation", "assessment").defer(
            *(f"enrollment__course_version__{name}" for name in VERSION_PACKAGE_FIELDS)
        ),
        pk=attempt_id,
        enrollment__user=request.user,
    )


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
@require_POST
def start(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, user=request.user)
    try:
        attempt = services.start_attempt(enrollment)
    except QuizError as error:
        return _refused(request, error, enrollment=enrollment)
    return redirect(attempt)


@login_required
def attempt_detail(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
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


def _render_attempt(request: HttpRequest, attempt: Attempt, *, error: str = "", status: int = 200) -> HttpResponse:
    attempt_items = list(
        AttemptItem.objects.filter(attempt=attempt).select_related("item__case").prefetch_related("item__options")
    )
    paged = attempt.assessment is not None and attempt.assessment.layout == Assessment.Layout.PAGED
    pages = sorted({ai.page for ai in attempt_items}) or [1]
    try:
        page = int(request.GET.get("page", pages[0]))
    except ValueError:
        page = pages[0]
    page = page if page in pages else pages[0]
    shown = [ai for ai in attempt_items if ai.page == page] if paged else attempt_items
    navigation = [
        {
            "page": number,
            "numbers": [ai.position for ai in attempt_items if ai.page == number],
            "answered": all(ai.selected for ai in attempt_items if ai.page == number),
            "flagged": any(ai.flagged for ai in attempt_items if ai.page == number),
            "current": number == page,
        }
        for number in pages
    ]
    context = {
        "attempt": attempt,
        "questions": selectors.question_rows(shown),
        "question_count": len(attempt_items),
        "paged": paged,
        "page": page,
        "previous_page": page - 1 if paged and page > pages[0] else None,
        "next_page": page + 1 if paged and page < pages[-1] else None,
        "navigation": navigation,
        "items_nav": [
            {"number": ai.position, "answered": bool(ai.selected), "flagged": ai.flagged} for ai in attempt_items
        ],
        "unanswered": sum(1 for ai in attempt_items if not ai.selected),
        "flagged": sum(1 for ai in attempt_items if ai.flagged),
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


@login_required
@require_POST
def save(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Autosave (JSON) and the plain-form Save and page buttons (redirect)."""
    attempt = _own_attempt(request, attempt_id)
    result_url = reverse("quizzes:result", args=[attempt.pk])
    try:
        answers = services.parse_form(_post_lists(request))
        attempt = services.save_answers(attempt, answers=answers)
    except QuizError as error:
        if _wants_json(request):
            return JsonResponse(
                {"error": error.message, "code": error.code, "result_url": result_url}, status=error.status
            )
        if error.code in {"time_up", "submitted"}:
            attempt.refresh_from_db()
            return _refused(request, error, enrollment=attempt.enrollment, attempt=attempt)
        return _render_attempt(request, attempt, error=error.message, status=error.status)
    if _wants_json(request):
        return JsonResponse(_save_payload(attempt))
    go = request.POST.get("go", "")
    if go.isdigit():
        return redirect(f"{attempt.get_absolute_url()}?page={go}")
    messages.success(request, _("Your answers are saved. You can come back to this attempt later."))
    return redirect(attempt)


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
    state = state_for_page(enrollment, steps_done=outline.all_done)
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
