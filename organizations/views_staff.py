"""
The operator's onboarding pages (``/staff/organizations/``): list organizations, create a chamber or an
institute with the invitation of its first admin, invite another admin. Staff only (404 for anyone else).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services, staff
from .errors import OrganizationError
from .forms_staff import AdminInviteForm, NewOrganizationForm
from .models import Invitation, Membership, Organization

PAGE_SIZE = 50


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@staff.operator_required
def organization_list(request: HttpRequest) -> HttpResponse:
    organizations = Organization.objects.annotate(
        admins=Count("memberships", filter=Q(memberships__role=Membership.Role.ADMIN), distinct=True),
        open_invitations=Count(
            "invitations",
            filter=Q(
                invitations__role=Membership.Role.ADMIN,
                invitations__accepted_at__isnull=True,
                invitations__revoked_at__isnull=True,
                invitations__expires_at__gt=timezone.now(),
            ),
            distinct=True,
        ),
    ).order_by("kind", "name")
    kind = request.GET.get("kind", "")
    if kind in Organization.Kind.values:
        organizations = organizations.filter(kind=kind)
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = staff.context(active="organizations", page=page, kind=kind, kinds=Organization.Kind.choices)
    return render(request, "organizations/staff/organization_list.html", context)


@staff.operator_required
def organization_create(request: HttpRequest) -> HttpResponse:
    form = NewOrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization, invitation = services.create_organization(**form.cleaned_data, by=request.user)
        except ValidationError as error:  # the model's field validation (a taken address, say)
            _add_errors(form, error)
        except OrganizationError as error:
            form.add_error("first_admin_email", error.message)
        else:
            messages.success(
                request,
                _("%(name)s is created; %(email)s is invited as its administrator.")
                % {"name": organization.name, "email": invitation.email},
            )
            return redirect("staff:organization", slug=organization.slug)
    context = staff.context(active="organizations", form=form)
    return render(request, "organizations/staff/organization_form.html", context, status=400 if form.errors else 200)


@staff.operator_required
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    form = AdminInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_member(
                organization, email=form.cleaned_data["email"], role=Membership.Role.ADMIN, by=request.user
            )
        except OrganizationError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"].lower()}
            )
            return redirect("staff:organization", slug=organization.slug)
    admins = Membership.objects.for_organization(organization).admins().select_related("user").order_by("user__name")
    invitations = Invitation.objects.for_organization(organization).open().filter(role=Membership.Role.ADMIN)
    context = staff.context(
        active="organizations", organization_shown=organization, admins=admins, invitations=invitations, form=form
    )
    return render(request, "organizations/staff/organization_detail.html", context, status=400 if form.errors else 200)
