"""Template helpers for localized course content and sanitized Markdown."""

import re
from typing import Any

import markdown as md
import nh3
from django import template
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


@register.filter
def markdown(value: Any, references_url: str = "") -> SafeString:
    """Render author Markdown; nh3 strips anything outside a small safe set of tags.

    With ``references_url``, citations like ``[heimes2023]`` become links to that page's entry.
    """
    text = localized(value) or ""
    if references_url:
        text = CITATION.sub(lambda m: f"[\\[{m.group(1)}\\]]({references_url}#ref-{m.group(1)})", text)
    html = md.markdown(text, extensions=["tables", "sane_lists"])
    # Authors write headings from level 1 in their files; pages already own the h1.
    for level in (3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer")
    return mark_safe(cleaned)  # noqa: S308 - sanitized by nh3 just above


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
