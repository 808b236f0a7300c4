"""
The operator's course page (``/staff/courses/``): which organization owns each imported course, and the
assignment of an owner to a course imported without one. Staff only (404 for anyone else).
"""

from django import forms
from django.contrib import messages
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organizations import staff
from organizations.models import Organization

from .errors import CourseError
from .models import Course, CourseVersion
from .ownership import assign_owner
from .retirement import retire_version


class OwnerForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Owning organization"), queryset=Organization.objects.order_by("name")
    )


@staff.operator_required
def course_list(request: HttpRequest) -> HttpResponse:
    courses = (
        Course.objects.select_related("organization")
        .annotate(version_count=Count("versions", distinct=True), newest=Max("versions__number"))
        .order_by("slug")
    )
    public_versions = (
        CourseVersion.objects.filter(course__organization__isnull=True, status=CourseVersion.Status.PUBLISHED)
        .select_related("course")
        .only("course__slug", "number", "status", "title", "published_at")
        .order_by("course__slug", "-number")
    )
    context = staff.context(active="courses", courses=courses, form=OwnerForm(), public_versions=public_versions)
    return render(request, "courses/staff/course_list.html", context)


@require_POST
@staff.operator_required
def course_owner(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=course_id)
    form = OwnerForm(request.POST)
    if form.is_valid():
        try:
            assign_owner(course, form.cleaned_data["organization"], by=request.user)
        except CourseError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(course)s now belongs to %(owner)s.")
                % {"course": course.slug, "owner": form.cleaned_data["organization"].name},
            )
    else:
        messages.error(request, _("Choose an organization."))
    return redirect("courses:staff_courses")


@staff.operator_required
def version_retire(request: HttpRequest, version_id: int) -> HttpResponse:
    """Retire a version of a public course from new cohorts; the organizations holding accreditations are told."""
    version = get_object_or_404(CourseVersion.objects.select_related("course"), pk=version_id)
    if request.method == "POST":
        try:
            retire_version(version, by=request.user, organization=None)
        except CourseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Version %(number)d takes no new cohorts now.") % {"number": version.number})
        return redirect("courses:staff_courses")
    return render(request, "courses/staff/version_retire.html", staff.context(active="courses", version=version))
