"""The anonymous course evaluation: the learner's form and the aggregated results for the course's owners."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from courses.models import Course
from organizations.permissions import can_manage

from .. import evaluation
from ..errors import EnrolmentError
from ..models import EvaluationResponse
from ..services import learning as services
from .learner import _own_enrollment


@login_required
def evaluation_form(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = _own_enrollment(request, enrollment_id)
    error = ""
    if request.method == "POST" and enrollment.evaluated_at is None:
        try:
            answers = {key: int(request.POST[key]) for key, _text in evaluation.ITEMS if request.POST.get(key)}
            services.submit_evaluation(enrollment, answers=answers, comment=request.POST.get("comment", ""))
        except EnrolmentError as exc:
            error = exc.message
        except ValueError:
            error = _("Answer every statement on the scale shown.")
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect(enrollment)
    return render(
        request,
        "enrolments/evaluation.html",
        {
            "enrollment": enrollment,
            "items": evaluation.ITEMS,
            "scale": evaluation.LIKERT,
            "error": error,
            "posted": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@login_required
def evaluation_results(request: HttpRequest, slug: str) -> HttpResponse:
    """Aggregated, anonymous results for staff and the admins of the course's organization."""
    course = get_object_or_404(Course, slug=slug)
    allowed = request.user.is_staff or (
        course.organization is not None and can_manage(request.user, course.organization)
    )
    if not allowed:
        raise Http404
    rows = []
    responses = list(EvaluationResponse.objects.filter(course_version__course=course).only("answers"))
    for key, text in evaluation.ITEMS:
        values = [r.answers[key] for r in responses if key in r.answers]
        counts = [values.count(v) for v, _label in evaluation.LIKERT]
        mean = sum(values) / len(values) if values else None
        rows.append({"text": text, "counts": counts, "mean": mean, "n": len(values)})
    comments = EvaluationResponse.objects.filter(course_version__course=course).exclude(comment="")
    return render(
        request,
        "enrolments/evaluation_results.html",
        {
            "course": course,
            "rows": rows,
            "scale": evaluation.LIKERT,
            "total": len(responses),
            "comments": comments.values_list("comment", flat=True)[:200],
        },
    )
