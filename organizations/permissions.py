"""
Who may do what in an organization: plain predicates plus one mixin/decorator pair.

A foreign organization answers 404, never 403, so that pages reveal nothing about other tenants.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import Membership, Organization


def role_in(user: Any, organization: Organization) -> str | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organization=organization).values_list("role", flat=True).first()


def can_manage(user: Any, organization: Organization) -> bool:
    return role_in(user, organization) == Membership.Role.ADMIN


def can_view_reports(user: Any, organization: Organization) -> bool:
    return role_in(user, organization) in {Membership.Role.ADMIN, Membership.Role.TUTOR}


def access_organization(user: Any, slug: str, predicate: Callable[[Any, Organization], bool]) -> Organization:
    """Load an organization by slug and authorize in one step; 'missing' and 'not yours' look alike."""
    organization = get_object_or_404(Organization, slug=slug)
    if not predicate(user, organization):
        raise Http404
    return organization


def organization_required(predicate: Callable[[Any, Organization], bool]) -> Callable:
    """Decorator for function views taking ``org_slug``; puts the organization on ``request.organization``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            request.organization = access_organization(request.user, org_slug, predicate)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class OrganizationRequiredMixin:
    """Class-based twin of :func:`organization_required`."""

    organization_predicate: Callable[[Any, Organization], bool] = staticmethod(can_manage)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.organization = access_organization(request.user, kwargs.pop("org_slug"), self.organization_predicate)
        request.organization = self.organization
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
