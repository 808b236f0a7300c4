"""
Who may do what in an organization: plain predicates plus one mixin/decorator pair.

Roles (decision 0301):

| page or action                                   | admin | tutor             | learner |
|--------------------------------------------------|-------|-------------------|---------|
| back-office overview, cohort list, dashboards    | yes   | own cohorts only  | no      |
| members, invitations, roles, audit, exports      | yes   | no                | no      |
| cohorts, enrolment uploads, accreditations       | yes   | no                | no      |
| a chamber's accreditations and their lists       | yes (chambers only) | no  | no      |

A foreign organization answers 404, never 403, so that pages reveal nothing about other tenants; a member
whose role does not allow a page gets the same 404. Anonymous visitors are sent to the login page.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts import security
from accounts.http import AuthenticatedRequest

from .models import Membership, Organization

Predicate = Callable[[Any, Organization], bool]


class OrganizationRequest(AuthenticatedRequest):
    """A request that passed :func:`organization_required`: a signed-in user and the organization it is about."""

    organization: Organization


def role_in(user: Any, organization: Organization) -> str | None:
    """The user's role in the organization, or None; remembered on the user object for the request."""
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_organization_roles", {})
    if organization.pk not in cache:
        cache[organization.pk] = (
            Membership.objects.filter(user=user, organization=organization).values_list("role", flat=True).first()
        )
    return cache[organization.pk]


def forget_roles(user: Any) -> None:
    """Drop the remembered roles (after a role change in the same request)."""
    user.__dict__.pop("_organization_roles", None)


def is_member(user: Any, organization: Organization) -> bool:
    return role_in(user, organization) is not None


def can_manage(user: Any, organization: Organization) -> bool:
    """Administrators: members, cohorts, enrolments, accreditations, exports, audit."""
    return role_in(user, organization) == Membership.Role.ADMIN


def can_view_reports(user: Any, organization: Organization) -> bool:
    """Administrators and tutors: the back office, cohort dashboards (tutors: their cohorts only)."""
    return role_in(user, organization) in {Membership.Role.ADMIN, Membership.Role.TUTOR}


def can_view_chamber(user: Any, organization: Organization) -> bool:
    """A chamber's administrators: the read-only pages of the accreditations naming the chamber (decision 0312)."""
    return organization.kind == Organization.Kind.CHAMBER and role_in(user, organization) == Membership.Role.ADMIN


can_use_backoffice = can_view_reports
can_export = can_manage
can_view_audit = can_manage


def can_follow_cohort(user: Any, organization: Organization, *, tutor_ids: set[int]) -> bool:
    """Admins follow every cohort of their organization; tutors the cohorts they are named on."""
    role = role_in(user, organization)
    return role == Membership.Role.ADMIN or (role == Membership.Role.TUTOR and user.pk in tutor_ids)


def access_organization(user: Any, slug: str, predicate: Predicate, request: HttpRequest | None = None) -> Organization:
    """Load an organization by slug and authorize in one step; 'missing' and 'not yours' look alike.

    An administrator without a second factor gets no back-office page: the middleware sends them to set one
    up (docs/decisions/0701). Views pass ``request`` so the session can tell; the role is already known.
    """
    organization = get_object_or_404(Organization, slug=slug)
    if not predicate(user, organization):
        raise Http404
    if (
        request is not None
        and role_in(user, organization) == Membership.Role.ADMIN
        and not security.has_second_factor(request)
    ):
        raise security.SecondFactorRequired
    return organization


def organization_required(predicate: Predicate) -> Callable:
    """Decorator for function views taking ``org_slug``; puts the organization on ``request.organization``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            organization_request = cast(OrganizationRequest, request)
            organization_request.organization = access_organization(request.user, org_slug, predicate, request)
            return view(organization_request, *args, **kwargs)

        return wrapped

    return decorator


class OrganizationRequiredMixin:
    """Class-based twin of :func:`organization_required`."""

    organization_predicate: Predicate = staticmethod(can_manage)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        slug = kwargs.pop("org_slug")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.organization = access_organization(request.user, slug, self.organization_predicate, request)
        cast(OrganizationRequest, request).organization = self.organization
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # the view it is mixed into has one
