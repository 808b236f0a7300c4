"""Template helpers for localized course content and sanitized Markdown."""

import re
from functools import lru_cache
from typing import Any

import markdown as md
import nh3
from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from courses.i18n import localized

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "blockquote",
    "a",
    "code",
    "pre",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


@register.filter
def loc(value: Any) -> Any:
    return localized(value)


CITATION = re.compile(r"\[([a-z][a-z0-9-]*)\](?![(\[:])")


# Citation links point here while rendering; the cached HTML gets each page's own references URL.
_REFERENCES = "/__haltung_references__/"


@lru_cache(maxsize=2048)
def _render_markdown(text: str, *, citations: bool) -> str:
    """Markdown to sanitized HTML. Course content never changes under a version, so each text is rendered
    once per process: Python-Markdown was most of a step page's time (docs/PERFORMANCE.md)."""
    if citations:
        text = CITATION.sub(lambda m: f"[\\[{m.group(1)}\\]]({_REFERENCES}#ref-{m.group(1)})", text)
    html = md.markdown(text, extensions=["tables", "sane_lists"])
    # Authors write headings from level 1 in their files; pages already own the h1.
    for level in (3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer")


@register.filter
def markdown(value: Any, references_url: str = "") -> SafeString:
    """Render author Markdown; nh3 strips anything outside a small safe set of tags.

    With ``references_url``, citations like ``[heimes2023]`` become links to that page's entry.
    """
    html = _render_markdown(str(localized(value) or ""), citations=bool(references_url))
    if references_url:
        html = html.replace(_REFERENCES, escape(references_url))
    return mark_safe(html)  # noqa: S308 - sanitized by nh3 in _render_markdown


@register.filter
def markdown_page(value: Any) -> SafeString:
    """Render a stand-alone Markdown page (a take-away), keeping its own top-level heading."""
    html = md.markdown(localized(value) or "", extensions=["tables", "sane_lists"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS | {"h1"}, link_rel="noopener noreferrer"))  # noqa: S308


@register.filter
def first_line(value: Any) -> str:
    """The title of a Markdown page: its first line without the heading marks."""
    return str(value or "").strip().splitlines()[0].lstrip("# ").strip() if value else ""


@register.filter
def basename(value: Any) -> str:
    return str(value).rsplit("/", 1)[-1]


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def stars(rating: Any) -> str:
    """A 1–5 rating as filled and empty stars, for display beside its spoken form (aria-hidden)."""
    count = max(0, min(5, int(rating or 0)))
    return "★" * count + "☆" * (5 - count)


@register.filter
def initial(name: Any) -> str:
    """The first letter or digit of a mock-up author's name, for the neutral avatar circle."""
    return next((char.upper() for char in str(name) if char.isalnum()), "?")
