"""
Where log-in and registration send the learner afterwards: back to the page they came from (docs/decisions/0614).

A ``next`` is only ever a path on this host (:func:`safe_next`); links to the log-in and register pages carry
the page they are shown on, and the account pages themselves pass their own ``next`` on.
"""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# Pages that never are the place to return to: the account pages pass on the ``next`` they were given.
ACCOUNT_NAMESPACES = {"accounts"}
ACCOUNT_PREFIXES = ("account_", "mfa_")
# From the front page a log-in leads to the learner's dashboard (LOGIN_REDIRECT_URL), not back to the catalogue.
NOT_RETURNED_TO = {"courses:catalogue"}


def is_safe(request: HttpRequest, url: str) -> bool:
    """Only a path on the host this request came to, over HTTPS when the request was."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest) -> str:
    """The request's own ``next`` (query or form), or "" when it is missing or leads elsewhere."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    return url if is_safe(request, url) else ""


def return_to(request: HttpRequest) -> str:
    """The page a log-in or registration started here should end on ("" for the default)."""
    match = request.resolver_match
    if match is None:
        return ""
    if match.namespace in ACCOUNT_NAMESPACES or (match.url_name or "").startswith(ACCOUNT_PREFIXES):
        return safe_next(request)
    if request.method != "GET" or match.view_name in NOT_RETURNED_TO:
        return ""
    return request.get_full_path()


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def login_url(next_url: str) -> str:
    return with_next(reverse("accounts:login"), next_url)


def register_url(next_url: str) -> str:
    return with_next(reverse("accounts:register"), next_url)
