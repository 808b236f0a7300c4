"""Log-in and register links that lead back to the page they are on (accounts.returnto)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import returnto


def auth_links(request: HttpRequest) -> dict[str, Any]:
    # Lazy: most pages are seen signed in and never use them.
    def next_url() -> str:
        return returnto.return_to(request)

    return {
        "auth_next": SimpleLazyObject(next_url),
        "login_url": SimpleLazyObject(lambda: returnto.login_url(next_url())),
        "register_url": SimpleLazyObject(lambda: returnto.register_url(next_url())),
    }
