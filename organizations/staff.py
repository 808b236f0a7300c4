"""
The operator's staff back office under ``/staff/`` (not the Django admin): onboarding of chambers and
institutes. Higher apps add pages (course ownership) by registering a :class:`StaffSection` from ``ready()``.

Only active staff users open it; everyone else gets 404, anonymous visitors the login page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class StaffSection:
    key: str
    label: str | Promise
    url_name: str
    order: int = 100


SECTIONS: dict[str, StaffSection] = {}


def register_section(section: StaffSection) -> StaffSection:
    """Add (or replace, by key) a staff navigation entry; idempotent."""
    SECTIONS[section.key] = section
    return section


def is_operator(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff only; others get 404 so the pages reveal nothing, anonymous visitors the login page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_operator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def context(*, active: str, **extra: Any) -> dict[str, Any]:
    """The template context every staff page starts from: the navigation, in order."""
    navigation = [
        (section.key, section.label, reverse(section.url_name))
        for section in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key))
    ]
    return {"staff_nav": navigation, "staff_active": active, **extra}
