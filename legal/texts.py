"""
The operator's legal texts: Impressum (§ 5 DDG), privacy notice (Art. 13 GDPR) and accessibility statement.

They are Markdown files the operator writes, ``<page>.<language>.md`` in ``HALTUNG_LEGAL_DIR``, one per page
and language (docs/decisions/0900). Haltung ships samples in ``legal/samples/``: the privacy notice lists
what Haltung stores and why; the operator fills in every ``[[…]]`` placeholder. A production start refuses
missing or empty texts and unfilled placeholders (``legal.checks``).
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
import nh3
from django.conf import settings
from django.utils.translation import gettext_lazy as _

PAGES = {
    "imprint": _("Legal notice (Impressum)"),
    "privacy": _("Privacy notice"),
    "accessibility": _("Accessibility statement"),
}
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
PLACEHOLDER = re.compile(r"\[\[[^\]]*\]\]")
ALLOWED_TAGS = {
    *("p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "blockquote", "a", "code", "br", "hr"),
    *("table", "thead", "tbody", "tr", "th", "td", "address"),
}


@dataclass(frozen=True)
class LegalText:
    page: str
    language: str
    html: str
    sample: bool  # True: the shipped sample, shown only in development


def text_path(page: str, language: str, directory: Path | None = None) -> Path:
    return (directory or Path(settings.HALTUNG_LEGAL_DIR)) / f"{page}.{language}.md"


@lru_cache(maxsize=32)
def _render(source: str) -> str:
    html = markdown.markdown(source, extensions=["tables", "sane_lists"])
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer")


def problems(page: str, language: str) -> list[str]:
    """What is wrong with one operator text, for the system check: missing, empty or still a sample."""
    path = text_path(page, language)
    if not path.is_file():
        return [f"{path} does not exist"]
    source = path.read_text(encoding="utf-8")
    if not source.strip():
        return [f"{path} is empty"]
    placeholders = sorted(set(PLACEHOLDER.findall(source)))
    if placeholders:
        line = source[: source.index(placeholders[0])].count("\n") + 1
        return [f"{path}:{line} still has placeholders to fill in: {', '.join(placeholders[:5])}"]
    return []


def load(page: str, language: str) -> LegalText | None:
    """The operator's text in the language, else in the other language; in development, else the sample."""
    languages = [language] + [code for code, _name in settings.LANGUAGES if code != language]
    for code in languages:
        path = text_path(page, code)
        if path.is_file() and path.read_text(encoding="utf-8").strip():
            return LegalText(page, code, _render(path.read_text(encoding="utf-8")), sample=False)
    if settings.DEBUG:
        for code in languages:
            path = text_path(page, code, SAMPLES_DIR)
            if path.is_file():
                return LegalText(page, code, _render(path.read_text(encoding="utf-8")), sample=True)
    return None
