"""Back-office navigation for pages of other apps under ``/org/<slug>/``.

Views guarded by ``organization_required`` or ``OrganizationRequiredMixin`` carry ``request.organization``;
their templates extend ``organizations/backoffice/base.html`` and get the navigation from here, evaluated
only when the template uses it (organizations' own views pass it explicitly).
"""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .backoffice import navigation


def backoffice(request: HttpRequest) -> dict[str, Any]:
    organization = getattr(request, "organization", None)
    if organization is None:
        return {}

    def items() -> list:
        return navigation(request.user, organization)

    def active() -> str:
        # The entry whose URL is the longest prefix of this page's path.
        matches = [item for item in navigation(request.user, organization) if request.path.startswith(item.url)]
        return max(matches, key=lambda item: len(item.url)).key if matches else ""

    return {"backoffice_nav_auto": SimpleLazyObject(items), "backoffice_active_auto": SimpleLazyObject(active)}
