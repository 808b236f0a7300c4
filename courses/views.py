"""Public pages of the catalogue: the course list, a course's page, its information page and the principles."""

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Course, CourseVersion, Principle, visible_to_q
from .packages import timing


@login_not_required
def catalogue(request: HttpRequest) -> HttpResponse:
    # Only the cards' fields: the versions' package JSON and the modules' item banks are large (bench).
    # Public courses, and organization-only ones for the owner's members and invitees (decision 0706).
    versions = CourseVersion.objects.current().filter(visible_to_q(request.user, prefix="course__")).for_catalogue()
    return render(request, "courses/catalogue.html", {"versions": versions})


@login_not_required
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course.objects.visible_to(request.user), slug=slug)
    version = CourseVersion.objects.current().filter(course=course).with_outline().first()
    if version is None:
        raise Http404
    enrollment = None
    if request.user.is_authenticated:
        # The learner's own enrolment through the reverse relation (``enrolments`` sits above ``courses``).
        enrollment = request.user.enrollments.filter(course_version__course=course).order_by("-enrolled_at").first()
    accreditations = version.accreditations.all()
    return render(
        request,
        "courses/course_detail.html",
        {"course": course, "version": version, "enrollment": enrollment, "accreditations": accreditations},
    )


def _dated(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@login_not_required
def course_info(request: HttpRequest, slug: str) -> HttpResponse:
    """What a scientific lead signs off and a chamber asks for, in one public page (decision 0504)."""
    course = get_object_or_404(Course.objects.visible_to(request.user), slug=slug)
    version = CourseVersion.objects.current().filter(course=course).with_outline().first()
    if version is None:
        raise Http404
    signoff: dict[str, Any] = version.manifest.get("signoff") or {}
    versions = [{**entry, "date": _dated(entry.get("date"))} for entry in signoff.get("versions", [])]
    return render(
        request,
        "courses/course_info.html",
        {
            "course": course,
            "version": version,
            "signoff": signoff,
            "last_review": _dated(signoff.get("last_review")),
            "next_review": _dated(signoff.get("next_review")),
            "history": list(reversed(versions)),
            "accreditations": version.accreditations.all(),
            "time_model": {
                "wpm": timing.READING_WPM_EN,
                "decision": timing.DECISION_SECONDS // 60,
                "reflection": timing.REFLECTION_SECONDS // 60,
            },
        },
    )


@login_not_required
def principles(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/principles.html", {"principles": Principle.objects.all()})
