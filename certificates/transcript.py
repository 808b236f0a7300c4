"""The CPD transcript: certificates and external entries, with points per accrediting body and per 5-year period."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .models import Certificate, ExternalCredit

PERIOD_YEARS = 5


@dataclass(frozen=True)
class Entry:
    on: date
    title: str
    body: str
    category: str
    points: Decimal
    source: str  # "certificate" or "external"
    reference: str  # certificate code, or the external entry's id
    status: str = ""
    evidence: bool = False


@dataclass
class Period:
    start: date
    end: date  # exclusive
    entries: list[Entry] = field(default_factory=list)

    @property
    def last_day(self) -> date:
        """The period's last day, as printed: ``end`` is the first day of the next period."""
        return self.end if self.end == date.max else self.end - timedelta(days=1)

    @property
    def total(self) -> Decimal:
        return sum((e.points for e in self.entries), Decimal(0))

    @property
    def by_body(self) -> list[tuple[str, Decimal]]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for entry in self.entries:
            totals[entry.body or "–"] += entry.points
        return sorted(totals.items())


def entries_for(user: Any) -> list[Entry]:
    """Two queries: current certificates that still count, and external entries."""
    certificates = Certificate.objects.for_user(user).filter(status=Certificate.Status.VALID, points__isnull=False)
    entries = [
        Entry(
            on=timezone.localtime(c.completed_at).date(),
            title=c.course_title,
            body=c.accreditation_body,
            category=c.category,
            points=c.points,
            source="certificate",
            reference=c.code,
            status=c.public_status(),
        )
        for c in certificates
        if c.points is not None  # filtered in the query too; this tells the type checker
    ]
    entries += [
        Entry(
            on=x.completed_on,
            title=x.title,
            body=x.body,
            category=x.category,
            points=x.points,
            source="external",
            reference=str(x.pk),
            evidence=bool(x.evidence),
        )
        for x in ExternalCredit.objects.for_user(user)
    ]
    return sorted(entries, key=lambda e: (e.on, e.title))


def _add_years(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for 29 February); clamped to the calendar's first and last day."""
    year = day.year + years
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def periods(entries: list[Entry], *, start: date | None = None) -> list[Period]:
    """Consecutive 5-year periods from ``start`` (default: 1 January of the first entry's year)."""
    if not entries:
        return []
    start = start or date(entries[0].on.year, 1, 1)
    result: list[Period] = []
    current = Period(start=start, end=_add_years(start, PERIOD_YEARS))
    while current.start > entries[0].on:  # entries before the chosen start open earlier periods
        current = Period(start=_add_years(current.start, -PERIOD_YEARS), end=current.start)
    for entry in entries:
        # The last period of the calendar ends at date.max and takes everything up to it.
        while entry.on >= current.end and current.end < date.max:
            result.append(current)
            current = Period(start=current.end, end=_add_years(current.end, PERIOD_YEARS))
        current.entries.append(entry)
    result.append(current)
    return [p for p in result if p.entries]


def totals_by_body(entries: list[Entry]) -> list[tuple[str, Decimal]]:
    return Period(start=date.min, end=date.max, entries=entries).by_body
