"""Template helpers for localized course content and sanitized Markdown."""

import re
from functools import lru_cache
from typing import Any

import markdown as md
import nh3
from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from courses.citations import CITATION
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


# A citation link as _render_markdown leaves it, before the page's URL and the source's label go in.
_CITATION_LINK = re.compile(rf'<a href="{_REFERENCES}#ref-([a-z][a-z0-9-]*)"([^>]*)>\[\1\]</a>')


def _citation_link(url: str, key: str, labels: dict[str, str], attributes: str = "") -> str:
    """A citation as "(Author, Year)" linked to its source, or as its "[key]" when the source has no author-year."""
    href = f'href="{escape(url)}#ref-{key}"{attributes}'
    label = labels.get(key)
    return f"(<a {href}>{escape(label)}</a>)" if label else f"<a {href}>[{key}]</a>"


@register.filter
def markdown(value: Any, references_url: str = "") -> SafeString:
    """Render author Markdown; nh3 strips anything outside a small safe set of tags.

    With ``references_url``, citations like ``[heimes2023]`` become links to that page's entry, labelled with
    author and year when ``references_url`` is a ``courses.citations.SourcesLink``.
    """
    html = _render_markdown(str(localized(value) or ""), citations=bool(references_url))
    if references_url and _REFERENCES in html:
        labels = getattr(references_url, "labels", {})
        html = _CITATION_LINK.sub(lambda m: _citation_link(references_url, m[1], labels, m[2]), html)
    return mark_safe(html)  # noqa: S308 - sanitized by nh3 in _render_markdown


@register.filter
def cite(value: Any, references_url: str = "") -> SafeString:
    """Plain text (an item's rationale) with its citations linked like those in ``markdown``; the rest escaped."""
    text = escape(str(localized(value) or ""))
    if not references_url:
        return text
    labels = getattr(references_url, "labels", {})
    return mark_safe(CITATION.sub(lambda m: _citation_link(references_url, m[1], labels), text))  # noqa: S308


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
