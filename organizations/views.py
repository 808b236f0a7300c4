"""
Back-office pages of an organization: overview, settings, members, invitations and the audit trail;
plus the public page where an invited person accepts. Views authorize, bind a form, call one service.
"""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest
from accounts.models import User
from accounts.services import confirm_email, register_user
from config.text import clean_search

from . import backoffice, services
from .errors import OrganizationError
from .forms import AcceptRegistrationForm, InviteForm, OrganizationSettingsForm, RoleForm
from .models import Invitation, Membership, OrgAuditEvent
from .permissions import (
    OrganizationRequest,
    can_manage,
    can_use_backoffice,
    can_view_audit,
    organization_required,
    role_in,
)

PAGE_SIZE = 50


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    """The person's organizations: every membership with its role, the back offices they may open, and leaving."""
    memberships = (
        Membership.objects.filter(user=request.user).select_related("organization").order_by("organization__name")
    )
    return render(request, "organizations/index.html", {"memberships": memberships})


@require_POST
@login_required
def leave(request: AuthenticatedRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.filter(user=request.user), pk=membership_id)
    try:
        services.leave_organization(membership, by=request.user)
    except OrganizationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have left %(organization)s.") % {"organization": membership.organization.name})
    return redirect("organizations:index")


@organization_required(can_use_backoffice)
def overview(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    roles = dict(
        Membership.objects.for_organization(organization).values_list("role").annotate(n=Count("pk")).order_by()
    )
    context = backoffice.context(
        request,
        organization,
        active="overview",
        role=role_in(request.user, organization),
        counts=[(label, roles.get(value, 0)) for value, label in Membership.Role.choices],
        open_invitations=Invitation.objects.for_organization(organization).open().count()
        if can_manage(request.user, organization)
        else None,
    )
    return render(request, "organizations/backoffice/overview.html", context)


@organization_required(can_manage)
def settings_view(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    form = OrganizationSettingsForm(request.POST or None, request.FILES or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_organization(organization, by=request.user, changes=changes)
        except OrganizationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("organizations:settings", org_slug=organization.slug)
    # The form's instance was changed by validation; show the stored organization in the navigation.
    organization.refresh_from_db()
    context = backoffice.context(request, organization, active="settings", form=form)
    return render(request, "organizations/backoffice/settings.html", context, status=400 if form.errors else 200)


@organization_required(can_manage)
def members(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    memberships = Membership.objects.for_organization(organization).select_related("user").order_by("user__name", "pk")
    query = clean_search(request.GET.get("q", ""))
    if query:
        memberships = memberships.filter(Q(user__name__icontains=query) | Q(user__email__icontains=query))
    role = request.GET.get("role", "")
    if role in Membership.Role.values:
        memberships = memberships.filter(role=role)
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    invitations = Invitation.objects.for_organization(organization).open().select_related("invited_by")[:PAGE_SIZE]
    context = backoffice.context(
        request,
        organization,
        active="members",
        page=page,
        query=query,
        role=role,
        roles=Membership.Role.choices,
        invitations=invitations,
    )
    return render(request, "organizations/backoffice/members.html", context)


@organization_required(can_manage)
def invite(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_member(
                organization, email=form.cleaned_data["email"], role=form.cleaned_data["role"], by=request.user
            )
        except OrganizationError as error:
            error.field = error.field or "email"
            error.add_to_form(form)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"].lower()}
            )
            return redirect("organizations:members", org_slug=organization.slug)
    context = backoffice.context(request, organization, active="members", form=form)
    return render(request, "organizations/backoffice/invite.html", context, status=400 if form.errors else 200)


@require_POST
@organization_required(can_manage)
@reauthentication_required
def change_role(request: OrganizationRequest, membership_id: int) -> HttpResponse:
    organization = request.organization
    membership = get_object_or_404(Membership.objects.for_organization(organization), pk=membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(membership, role=form.cleaned_data["role"], by=request.user)
        except OrganizationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The role is changed."))
    else:
        messages.error(request, _("Choose one of the roles offered."))
    return redirect("organizations:members", org_slug=organization.slug)


@require_POST
@organization_required(can_manage)
def remove_member(request: OrganizationRequest, membership_id: int) -> HttpResponse:
    organization = request.organization
    membership = get_object_or_404(Membership.objects.for_organization(organization), pk=membership_id)
    try:
        services.remove_member(membership, by=request.user)
    except OrganizationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The member is removed."))
    if membership.user_id == request.user.pk:
        return redirect("organizations:index")
    return redirect("organizations:members", org_slug=organization.slug)


@require_POST
@organization_required(can_manage)
def revoke_invitation(request: OrganizationRequest, invitation_id: int) -> HttpResponse:
    organization = request.organization
    invitation = get_object_or_404(Invitation.objects.for_organization(organization), pk=invitation_id)
    try:
        services.revoke_invitation(invitation, by=request.user)
    except OrganizationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation is withdrawn."))
    return redirect("organizations:members", org_slug=organization.slug)


@organization_required(can_view_audit)
def audit_log(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    events = OrgAuditEvent.objects.for_organization(organization).select_related("actor")
    action = request.GET.get("action", "")
    if action in OrgAuditEvent.Action.values:
        events = events.filter(action=action)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = backoffice.context(
        request,
        organization,
        active="audit",
        page=page,
        action=action,
        actions=OrgAuditEvent.Action.choices,
    )
    return render(request, "organizations/backoffice/audit.html", context)


@login_not_required
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail: join with the current account, log in first, or create one."""
    try:
        invitation = services.invitation_from_token(token)
    except OrganizationError as error:
        return render(request, "organizations/accept_invalid.html", {"message": error.message}, status=400)
    user = request.user
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if user.is_authenticated:
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, user=user)
            except OrganizationError as error:
                messages.error(request, error.message)
            else:
                return _welcome(request, invitation)
    elif has_account:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
    else:
        form = AcceptRegistrationForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            new_user = register_user(
                email=invitation.email,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                language=invitation.organization.default_language,
            )
            services.accept_invitation(invitation, user=new_user)
            confirm_email(new_user, request=request)  # the invitation reached this address
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            return _welcome(request, invitation)
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "form": form,
        "has_account": has_account,
        "wrong_account": user.is_authenticated and user.email.lower() != invitation.email,
        "login_url": reverse("accounts:login") + "?next=" + request.path,
    }
    status = 400 if (form is not None and form.errors) or request.method == "POST" else 200
    return render(request, "organizations/accept.html", context, status=status)


def _welcome(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    messages.success(request, _("Welcome to %(organization)s.") % {"organization": invitation.organization.name})
    if invitation.role in {Membership.Role.ADMIN, Membership.Role.TUTOR}:
        return redirect("organizations:overview", org_slug=invitation.organization.slug)
    return redirect("certificates:dashboard")
