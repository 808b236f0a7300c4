"""
The navigation of the organization back office (``/org/<slug>/``), which higher apps extend.

``organizations`` may not import ``courses`` or ``certificates``; they register a :class:`Section` from their
``AppConfig.ready`` instead, naming a URL that takes ``org_slug`` and the predicate that shows it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from .models import Organization

Predicate = Callable[[Any, Organization], bool]


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    url_name: str
    predicate: Predicate
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url: str


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> Section:
    """Add (or replace, by key) a navigation entry; idempotent so that ``ready()`` may run twice."""
    SECTIONS[section.key] = section
    return section


def navigation(user: Any, organization: Organization) -> list[NavItem]:
    """The entries this user may open, in order; predicates share one cached role lookup."""
    return [
        NavItem(section.key, section.label, reverse(section.url_name, kwargs={"org_slug": organization.slug}))
        for section in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key))
        if section.predicate(user, organization)
    ]


def context(request: Any, organization: Organization, *, active: str, **extra: Any) -> dict[str, Any]:
    """The template context every back-office page starts from."""
    return {
        "organization": organization,
        "backoffice_nav": navigation(request.user, organization),
        "backoffice_active": active,
        **extra,
    }
