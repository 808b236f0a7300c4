"""
Rules for the sign-off block in ``course.yaml`` (decision 0504): who wrote the course and in which role, their
declared interests, the neutrality statement, audience, prerequisites, review dates and version history.

A package without accreditation profiles may leave the block out. With profiles it is required, and a review
that is overdue (``next_review`` before today) refuses every profile: accredited CPD must say when its content
was last checked, and content nobody has re-checked in time must not go on earning points.
"""

from datetime import date
from pathlib import Path

from .checker import Checker
from .yamlio import LineDict, line_of_node


def _date(check: Checker, path: Path, parent: LineDict, key: str, where: str) -> date | None:
    try:
        return date.fromisoformat(str(parent[key]))
    except ValueError:
        check.error(path, parent.line_of(key), f"{where}: {key} {parent[key]!r} is not a calendar date")
        return None


def check_signoff(check: Checker, path: Path, course: LineDict, *, today: date) -> None:
    signoff = course.get("signoff")
    profiles = course.get("accreditations") or []
    if signoff is None:
        for profile in profiles:
            check.error(
                path,
                profile.line_of("key"),
                f"accreditation {profile['key']!r}: an accredited course needs a 'signoff' block "
                "(authors, interests, neutrality, audience, prerequisites, review dates, versions)",
            )
        return
    for index, author in enumerate(signoff["authors"]):
        where = f"signoff author {author['name']!r}"
        check.localized(path, author, "role", where)
        check.localized(path, author, "interests", where)
        if index and author["name"] in [a["name"] for a in signoff["authors"][:index]]:
            check.error(path, line_of_node(author), f"{where} is listed twice")
    for key in ("neutrality", "audience", "prerequisites"):
        check.localized(path, signoff, key, "signoff")
    last = _date(check, path, signoff, "last_review", "signoff")
    upcoming = _date(check, path, signoff, "next_review", "signoff")
    if last and last > today:
        check.error(path, signoff.line_of("last_review"), f"signoff: last_review {last} lies in the future")
    if last and upcoming and upcoming <= last:
        check.error(path, signoff.line_of("next_review"), "signoff: next_review must come after last_review")
    _check_versions(check, path, signoff, today)
    if upcoming and upcoming < today:
        for profile in profiles:
            check.error(
                path,
                profile.line_of("key"),
                f"accreditation {profile['key']!r}: the course's review was due on {upcoming}; review the content "
                "and set signoff.last_review and signoff.next_review",
            )


def _check_versions(check: Checker, path: Path, signoff: LineDict, today: date) -> None:
    seen: set[str] = set()
    previous: date | None = None
    for entry in signoff["versions"]:
        where = f"signoff version {entry['version']!r}"
        if entry["version"] in seen:
            check.error(path, entry.line_of("version"), f"{where} is listed twice")
        seen.add(entry["version"])
        check.localized(path, entry, "changes", where)
        when = _date(check, path, entry, "date", where)
        if when is None:
            continue
        if when > today:
            check.error(path, entry.line_of("date"), f"{where}: its date {when} lies in the future")
        if previous and when < previous:
            check.error(path, entry.line_of("date"), f"{where}: versions are listed oldest first")
        previous = when
