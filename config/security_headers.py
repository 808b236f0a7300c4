"""
Content-Security-Policy, Permissions-Policy and ``no-store`` on downloads, for every response
(docs/decisions/0702).

The policy lives in ``HALTUNG_CSP`` (directive → sources, the shape of Django 6's ``SECURE_CSP``, so moving to
Django's own middleware later is a settings rename). No page runs inline script, so no nonce is needed:
scripts, styles, fonts and images come from our own origin. The only inline styles are the released
certificate designs' ``<style>`` blocks, which may never change; apps allow exactly those by hash through
:func:`allow_inline_style`.
"""

import base64
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_EXTRA_SOURCES: dict[str, list[str]] = {}
_header_cache: dict[str, str] = {}


def allow_inline_style(css: str) -> None:
    """Allow one exact ``<style>`` block (its text between the tags) by its SHA-256 hash."""
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    source = f"'sha256-{digest}'"
    if source not in _EXTRA_SOURCES.setdefault("style-src", []):
        _EXTRA_SOURCES["style-src"].append(source)
        _header_cache.clear()


def content_security_policy() -> str:
    if "csp" not in _header_cache:
        parts = []
        for directive, sources in settings.HALTUNG_CSP.items():
            values = [*sources, *_EXTRA_SOURCES.get(directive, [])]
            parts.append(" ".join([directive, *values]) if values else directive)
        _header_cache["csp"] = "; ".join(parts)
    return _header_cache["csp"]


def permissions_policy() -> str:
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in settings.HALTUNG_PERMISSIONS_POLICY.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's technical 404/500 pages (DEBUG only) are built from inline script and style.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if not debug_page and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy()
        response.setdefault("Permissions-Policy", permissions_policy())
        # A file with someone's data (certificate, transcript, participant list, report) must not stay in a
        # shared computer's cache or a proxy: downloads are never stored.
        if response.get("Content-Disposition", "").startswith("attachment"):
            response["Cache-Control"] = "no-store, private"
        return response
