"""
Citations in course text: ``[key]`` names an entry of the version's sources and reads as author and year.

The label comes from the entry's text when it starts the APA way, "Authors (Year)": "Heimes, 2023",
"Eichenberg & Sawyer, 2016", "Neumann et al., 2022". Laws, court decisions and undated sources have no author
and year to show; they keep their key in brackets (docs/decisions/0616).
"""

import re
from functools import cached_property
from typing import Any

from . import versioncache

CITATION = re.compile(r"\[([a-z][a-z0-9-]*)\](?![(\[:])")
# "Authors (2016" at the start of an entry: no brackets, colon or digits in the authors.
AUTHORS_YEAR = re.compile(r"^(?P<authors>[^():\[\]\d]{2,120}?)\s*\((?P<year>\d{4})\b")
INITIALS = re.compile(r"^(?:[A-ZÀ-Þ]\.\s*-?\s*)+$")


def short_label(text: str) -> str:
    """ "Author, Year" for an APA-style entry, "" for any other."""
    match = AUTHORS_YEAR.match(text.strip())
    if not match:
        return ""
    parts = [part.strip() for part in re.split(r",|&", match["authors"]) if part.strip()]
    names = [part for part in parts if not INITIALS.match(part)]
    if not names:
        return ""
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:  # both named
        who = f"{names[0]} & {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {match['year']}"


@versioncache.per_version()
def labels(version_id: int) -> dict[str, str]:
    """Each source key of the version with its author-year label (one query, once per process and version)."""
    from .models import CourseVersion

    references: list[dict[str, Any]] = (
        CourseVersion.objects.filter(pk=version_id).values_list("references", flat=True).first() or []
    )
    return {ref["key"]: label for ref in references if (label := short_label(str(ref.get("text", ""))))}


class SourcesLink(str):
    """The URL of a page's sources, as templates pass it to the ``markdown`` and ``cite`` filters, carrying the
    labels of the version's sources; they are read only when a text on the page cites something."""

    version_id: int

    def __new__(cls, url: str, version_id: int) -> "SourcesLink":
        link = super().__new__(cls, url)
        link.version_id = version_id
        return link

    @cached_property
    def labels(self) -> dict[str, str]:
        return labels(self.version_id)
