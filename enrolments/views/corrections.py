"""
Corrections in the back office (decision 0313): a cohort's learners with unenrol and move, and undoing an
upload. Admins only; another organization's cohorts, enrolments and uploads answer 404. Each destructive
action has a page that says what will happen before the button that does it.
"""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organizations import backoffice
from organizations.permissions import OrganizationRequest, can_manage, organization_required

from ..errors import EnrolmentError
from ..models import Cohort, Enrollment, EnrolmentImport
from ..services import corrections

PAGE_SIZE = 100


class MoveForm(forms.Form):
    cohort = forms.ModelChoiceField(label=gettext_lazy("Move to cohort"), queryset=Cohort.objects.none())

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = (
            Cohort.objects.for_organization(cohort.organization)
            .filter(course_version_id=cohort.course_version_id)
            .exclude(pk=cohort.pk)
            .order_by("name")
        )


def _cohort(request: OrganizationRequest, cohort_id: int) -> Cohort:
    return get_object_or_404(
        Cohort.objects.for_organization(request.organization).select_related(
            "organization", "course_version__course", "accreditation"
        ),
        pk=cohort_id,
    )


def _enrollment(cohort: Cohort, enrollment_id: int) -> Enrollment:
    return get_object_or_404(Enrollment.objects.filter(cohort=cohort).select_related("user"), pk=enrollment_id)


@organization_required(can_manage)
def cohort_learners(request: OrganizationRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    enrollments = (
        Enrollment.objects.filter(cohort=cohort).with_progress().select_related("user").order_by("user__name", "pk")
    )
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = backoffice.context(
        request,
        request.organization,
        active="cohorts",
        cohort=cohort,
        page=page,
        move_form=MoveForm(cohort=cohort),
    )
    return render(request, "enrolments/backoffice/cohort_learners.html", context)


@organization_required(can_manage)
def unenrol(request: OrganizationRequest, cohort_id: int, enrollment_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    enrollment = _enrollment(cohort, enrollment_id)
    if request.method == "POST":
        try:
            corrections.unenrol(enrollment, by=request.user)
        except EnrolmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s is no longer in this cohort.") % {"name": enrollment.user.name})
        return redirect("enrolments:cohort_learners", org_slug=request.organization.slug, cohort_id=cohort.pk)
    context = backoffice.context(request, request.organization, active="cohorts", cohort=cohort, enrollment=enrollment)
    return render(request, "enrolments/backoffice/unenrol_confirm.html", context)


@require_POST
@organization_required(can_manage)
def move(request: OrganizationRequest, cohort_id: int, enrollment_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    enrollment = _enrollment(cohort, enrollment_id)
    form = MoveForm(request.POST, cohort=cohort)
    if form.is_valid():
        try:
            corrections.move(enrollment, to=form.cleaned_data["cohort"], by=request.user)
        except EnrolmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is now in “%(cohort)s”.")
                % {"name": enrollment.user.name, "cohort": form.cleaned_data["cohort"].name},
            )
    else:
        messages.error(request, _("Choose a cohort of this course version."))
    return redirect("enrolments:cohort_learners", org_slug=request.organization.slug, cohort_id=cohort.pk)


@organization_required(can_manage)
def undo_import(request: OrganizationRequest, cohort_id: int, import_id: int) -> HttpResponse:
    run = get_object_or_404(
        EnrolmentImport.objects.for_organization(request.organization).select_related("cohort"),
        pk=import_id,
        cohort_id=cohort_id,
    )
    if request.method == "POST":
        try:
            corrections.undo_import(run, by=request.user)
        except EnrolmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The upload %(file)s is undone.") % {"file": run.filename})
        return redirect(
            "enrolments:enrolment_import", org_slug=request.organization.slug, cohort_id=cohort_id, import_id=run.pk
        )
    context = backoffice.context(
        request,
        request.organization,
        active="cohorts",
        cohort=run.cohort,
        run=run,
        deadline=corrections.undo_deadline(run),
        possible=corrections.can_undo(run),
    )
    return render(request, "enrolments/backoffice/undo_confirm.html", context)
