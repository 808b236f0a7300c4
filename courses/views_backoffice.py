"""
Back-office pages of courses under ``/org/<slug>/``: the accreditations an organization holds (list, record,
change). Another organization's accreditation answers 404, also when it accredits the same course version.
"""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from organizations import backoffice
from organizations.models import Organization
from organizations.permissions import OrganizationRequest, can_manage, organization_required

from . import accreditations as accreditation_services
from . import selectors
from .errors import CourseError
from .forms import AccreditationForm
from .models import VERSION_PACKAGE_FIELDS, Accreditation, AccreditationSecret, CourseVersion
from .retirement import retire_version


def _held(organization: Organization) -> QuerySet[Accreditation]:
    return selectors.accreditations_for(organization).defer(
        *(f"course_version__{name}" for name in VERSION_PACKAGE_FIELDS)
    )


@organization_required(can_manage)
def accreditation_list(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    accreditations = (
        _held(organization)
        .annotate(has_eiv_password=Exists(AccreditationSecret.objects.filter(accreditation=OuterRef("pk"))))
        .order_by("course_version__course__slug", "-course_version__number", "key")
    )
    own_versions = (
        CourseVersion.objects.filter(course__organization=organization)
        .select_related("course")
        .only("course__slug", "number", "status", "title", "published_at", "retired_at")
        .order_by("course__slug", "-number")
    )
    context = backoffice.context(
        request, organization, active="accreditations", accreditations=accreditations, own_versions=own_versions
    )
    return render(request, "courses/backoffice/accreditation_list.html", context)


def _accreditation_form(request: OrganizationRequest, accreditation: Accreditation | None) -> HttpResponse:
    organization = request.organization
    form = AccreditationForm(
        request.POST or None, request.FILES or None, instance=accreditation, organization=organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            accreditation_services.save_accreditation(
                organization,
                by=request.user,
                fields=form.service_fields(),
                accreditation=Accreditation.objects.get(pk=accreditation.pk) if accreditation else None,
                eiv_password=form.cleaned_data["eiv_password"],
            )
        except CourseError as error:
            error.add_to_form(form)
        except ValidationError as error:  # the model's own field validation (full_clean)
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except accreditation_services.SecretsUnavailable as error:
            form.add_error("eiv_password", str(error))
        else:
            messages.success(request, _("The accreditation is saved."))
            return redirect("courses:accreditations", org_slug=organization.slug)
    has_password = bool(accreditation and AccreditationSecret.objects.filter(accreditation=accreditation).exists())
    context = backoffice.context(
        request,
        organization,
        active="accreditations",
        form=form,
        accreditation=accreditation,
        has_password=has_password,
    )
    return render(request, "courses/backoffice/accreditation_form.html", context, status=400 if form.errors else 200)


# The form holds the EIV password: a password or code entered in the last minutes is asked for (0701).
@organization_required(can_manage)
@reauthentication_required
def accreditation_create(request: OrganizationRequest) -> HttpResponse:
    return _accreditation_form(request, None)


@organization_required(can_manage)
@reauthentication_required
def accreditation_edit(request: OrganizationRequest, accreditation_id: int) -> HttpResponse:
    return _accreditation_form(request, get_object_or_404(_held(request.organization), pk=accreditation_id))


@organization_required(can_manage)
def version_retire(request: OrganizationRequest, version_id: int) -> HttpResponse:
    """Retire a version of one of the organization's own courses from new cohorts (decision 0313)."""
    organization = request.organization
    version = get_object_or_404(
        CourseVersion.objects.filter(course__organization=organization).select_related("course"), pk=version_id
    )
    if request.method == "POST":
        try:
            retire_version(version, by=request.user, organization=organization)
        except CourseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Version %(number)d takes no new cohorts now.") % {"number": version.number})
        return redirect("courses:accreditations", org_slug=organization.slug)
    context = backoffice.context(request, organization, active="accreditations", version=version)
    return render(request, "courses/backoffice/version_retire.html", context)
