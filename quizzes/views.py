"""The final test: start, take, submit and see the result. Grading happens only in services, on the server."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from courses.models import Enrollment

from . import services
from .models import Attempt, AttemptItem


def _own_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    # Someone else's attempt answers 404, exactly like a missing one.
    return get_object_or_404(
        Attempt.objects.select_related("enrollment__course_version", "enrollment__accreditation"),
        pk=attempt_id,
        enrollment__user=request.user,
    )


@login_required
@require_POST
def start(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, user=request.user)
    try:
        attempt = services.start_attempt(enrollment)
    except services.QuizError as error:
        messages.error(request, error.message)
        return redirect(enrollment)
    return redirect(attempt)


@login_required
def attempt_detail(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == Attempt.Status.SUBMITTED:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    return _render_attempt(request, attempt)


def _render_attempt(request: HttpRequest, attempt: Attempt, *, error: str = "", status: int = 200) -> HttpResponse:
    attempt_items = AttemptItem.objects.filter(attempt=attempt).select_related("item").prefetch_related("item__options")
    questions = []
    for attempt_item in attempt_items:
        by_id = {o.pk: o for o in attempt_item.item.options.all()}
        # Only ids and texts reach the page: never `correct` or a rationale before submission.
        options = [{"id": pk, "text": by_id[pk].text} for pk in attempt_item.option_order]
        questions.append(
            {
                "attempt_item": attempt_item,
                "stem": attempt_item.item.stem,
                "multiple": attempt_item.item.type == "multiple",
                "options": options,
            }
        )
    return render(
        request, "quizzes/attempt.html", {"attempt": attempt, "questions": questions, "error": error}, status=status
    )


@login_required
@require_POST
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == Attempt.Status.SUBMITTED:
        # A double click or a second tab: show the one result there is.
        return redirect("quizzes:result", attempt_id=attempt.pk)
    try:
        answers = services.parse_answers(attempt, {k: request.POST.getlist(k) for k in request.POST})
    except services.QuizError as error:
        return _render_attempt(request, attempt, error=error.message, status=error.status)
    services.submit_attempt(attempt, answers=answers)
    return redirect("quizzes:result", attempt_id=attempt.pk)


@login_required
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
    if attempt.status != Attempt.Status.SUBMITTED:
        return redirect(attempt)
    enrollment = attempt.enrollment
    can_retry = True
    retry_reason = ""
    if not attempt.passed:
        try:
            services.check_can_start(enrollment)
        except services.QuizError as error:
            can_retry, retry_reason = False, error.message
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "enrollment": enrollment,
            "can_retry": can_retry,
            "retry_reason": retry_reason,
        },
    )
