"""
Back-office pages of enrolments under ``/org/<slug>/``: cohorts, their dashboards and bulk enrolment
uploads. Another organization's objects answer 404, as do cohorts a tutor does
not follow.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import selectors
from organizations import backoffice
from organizations.permissions import (
    OrganizationRequest,
    can_manage,
    can_use_backoffice,
    organization_required,
    role_in,
)

from .. import dashboard
from ..errors import EnrolmentError
from ..forms import CohortForm, UploadForm
from ..models import Cohort, CohortQuerySet, EnrolmentImport
from ..services import cohorts as cohort_services
from ..services import imports as enrolment_import

SHOWN_ERRORS = 1000


def _followed(request: OrganizationRequest) -> CohortQuerySet:
    organization = request.organization
    return Cohort.objects.for_organization(organization).followed_by(
        request.user, role=role_in(request.user, organization)
    )


def _cohort(request: OrganizationRequest, cohort_id: int, *, manage: bool = False) -> Cohort:
    cohorts = Cohort.objects.for_organization(request.organization) if manage else _followed(request)
    return get_object_or_404(
        cohorts.select_related("organization", "course_version__course", "accreditation"), pk=cohort_id
    )


@organization_required(can_use_backoffice)
def cohort_list(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    cohorts = (
        _followed(request)
        .select_related("course_version__course", "accreditation")
        .annotate(enrolled=Count("enrollments", distinct=True))
    )
    context = backoffice.context(
        request, organization, active="cohorts", cohorts=cohorts, can_manage=can_manage(request.user, organization)
    )
    return render(request, "enrolments/backoffice/cohort_list.html", context)


def _refuse_foreign_accreditation(request: OrganizationRequest, cohort: Cohort | None) -> None:
    """Naming an accreditation the organization does not hold answers 404, as its pages do (decision 0310)."""
    value = request.POST.get("accreditation", "")
    if not value.isdigit() or (cohort is not None and int(value) == cohort.accreditation_id):
        return
    if not selectors.usable_accreditations(request.organization).filter(pk=int(value)).exists():
        raise Http404


def _save_cohort(request: OrganizationRequest, form: CohortForm, cohort: Cohort | None) -> Cohort | None:
    data = dict(form.cleaned_data)
    tutors = list(data.pop("tutors"))
    try:
        if cohort is None:
            return cohort_services.create_cohort(request.organization, by=request.user, tutors=tutors, **data)
        return cohort_services.update_cohort(cohort, by=request.user, tutors=tutors, **data)
    except EnrolmentError as error:
        error.add_to_form(form)
    except ValidationError as error:  # the model's own field validation (full_clean)
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    return None


@organization_required(can_manage)
def cohort_create(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    if request.method == "POST":
        _refuse_foreign_accreditation(request, None)
    form = CohortForm(request.POST or None, instance=Cohort(organization=organization), organization=organization)
    if request.method == "POST" and form.is_valid():
        cohort = _save_cohort(request, form, None)
        if cohort is not None:
            messages.success(request, _("The cohort is created. Enrol learners by uploading a file."))
            return redirect("enrolments:cohort_enrol", org_slug=organization.slug, cohort_id=cohort.pk)
    context = backoffice.context(request, organization, active="cohorts", form=form, cohort=None)
    return render(request, "enrolments/backoffice/cohort_form.html", context, status=400 if form.errors else 200)


@organization_required(can_manage)
def cohort_edit(request: OrganizationRequest, cohort_id: int) -> HttpResponse:
    organization = request.organization
    cohort = _cohort(request, cohort_id, manage=True)
    if request.method == "POST":
        _refuse_foreign_accreditation(request, cohort)
    form = CohortForm(request.POST or None, instance=cohort, organization=organization)
    if request.method == "POST" and form.is_valid():
        # The form's instance holds unsaved input; the service reloads the row under a lock.
        saved = _save_cohort(request, form, Cohort.objects.get(pk=cohort.pk))
        if saved is not None:
            messages.success(request, _("The cohort is saved."))
            return redirect(saved)
    context = backoffice.context(request, organization, active="cohorts", form=form, cohort=cohort)
    return render(request, "enrolments/backoffice/cohort_form.html", context, status=400 if form.errors else 200)


@organization_required(can_use_backoffice)
def cohort_dashboard(request: OrganizationRequest, cohort_id: int) -> HttpResponse:
    organization = request.organization
    cohort = _cohort(request, cohort_id)
    stats = dashboard.cohort_stats(cohort, today=timezone.localdate())
    sections = dashboard.sections_for(cohort, stats)
    figures = [figure for section in sections for figure in section.figures]
    context = backoffice.context(
        request,
        organization,
        active="cohorts",
        cohort=cohort,
        stats=stats,
        sections=sections,
        summary_chart=dashboard.summary_chart(stats, figures),
        module_chart=dashboard.module_chart(stats),
        can_manage=can_manage(request.user, organization),
    )
    return render(request, "enrolments/backoffice/cohort_dashboard.html", context)


@organization_required(can_manage)
def cohort_enrol(request: OrganizationRequest, cohort_id: int) -> HttpResponse:
    organization = request.organization
    cohort = _cohort(request, cohort_id, manage=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # The size is checked on the spooled upload before a byte of it is read (decision 0803).
        result = enrolment_import.refuse_oversize(upload.size) or enrolment_import.import_upload(
            cohort, source=upload, filename=upload.name, by=request.user
        )
        if isinstance(result, EnrolmentImport):
            return redirect(
                "enrolments:enrolment_import", org_slug=organization.slug, cohort_id=cohort.pk, import_id=result.pk
            )
        if result.ok:
            messages.success(
                request,
                _(
                    "%(done)d people enrolled or invited: your members are enrolled now, everyone else gets an "
                    "e-mail and is enrolled on accepting it; %(skipped)d were enrolled already."
                )
                % {"done": result.enrolled + result.invited, "skipped": result.skipped},
            )
            return redirect("enrolments:cohort_enrol", org_slug=organization.slug, cohort_id=cohort.pk)
        outcome = result
    imports = (
        EnrolmentImport.objects.for_organization(organization).filter(cohort=cohort).select_related("uploaded_by")[:20]
    )
    context = backoffice.context(
        request,
        organization,
        active="cohorts",
        cohort=cohort,
        form=form,
        errors=sorted(outcome.errors, key=lambda e: e.row)[:SHOWN_ERRORS] if outcome else [],
        error_count=len(outcome.errors) if outcome else 0,
        imports=imports,
        seats_taken=cohort.enrollments.count(),
    )
    status = 400 if (outcome or form.errors) else 200
    return render(request, "enrolments/backoffice/cohort_enrol.html", context, status=status)


def _import(request: OrganizationRequest, cohort_id: int, import_id: int) -> EnrolmentImport:
    return get_object_or_404(
        EnrolmentImport.objects.for_organization(request.organization).select_related("cohort", "uploaded_by"),
        pk=import_id,
        cohort_id=cohort_id,
    )


@organization_required(can_manage)
def enrolment_import_detail(request: OrganizationRequest, cohort_id: int, import_id: int) -> HttpResponse:
    run = _import(request, cohort_id, import_id)
    context = backoffice.context(
        request,
        request.organization,
        active="cohorts",
        cohort=run.cohort,
        run=run,
        percent=enrolment_import.current_progress(run),
        running=run.status in {EnrolmentImport.Status.QUEUED, EnrolmentImport.Status.RUNNING},
    )
    return render(request, "enrolments/backoffice/enrolment_import.html", context)


@organization_required(can_manage)
def enrolment_import_progress(request: OrganizationRequest, cohort_id: int, import_id: int) -> JsonResponse:
    run = _import(request, cohort_id, import_id)
    running = run.status in {EnrolmentImport.Status.QUEUED, EnrolmentImport.Status.RUNNING}
    return JsonResponse(
        {"status": run.status, "progress": enrolment_import.current_progress(run), "finished": not running}
    )
