"""Template helpers for localized course content and sanitized Markdown."""

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


@register.filter
def markdown(value: Any) -> SafeString:
    """Render author Markdown; nh3 strips anything outside a small safe set of tags."""
    html = md.markdown(localized(value) or "", extensions=["tables", "sane_lists"])
    # Authors write headings from level 1 in their files; pages already own the h1.
    for level in (3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer")
    return mark_safe(cleaned)  # noqa: S308 - sanitized by nh3 just above
