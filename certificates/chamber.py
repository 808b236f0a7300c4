"""
What a chamber sees of the accreditations that name it (decision 0312): per accreditation its participants,
certificates, points and reporting state, within a period of completion dates. Read-only, and nothing
beyond what the chamber receives anyway by list or EIV: name, EFN, completion date, points, certificate code.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from courses.models import VERSION_PACKAGE_FIELDS, Accreditation
from organizations.models import Organization

from .models import Certificate, ParticipantReport

SHOWN = (Certificate.Status.VALID, Certificate.Status.REVOKED)


@dataclass(frozen=True)
class Period:
    """Completion dates from ``start`` to ``end``, both included; either may be open."""

    start: date | None = None
    end: date | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.start, time.min, tzinfo=zone) if self.start else None
        end = datetime.combine(self.end, time.max, tzinfo=zone) if self.end else None
        return start, end

    def q(self, prefix: str = "") -> Q:
        start, end = self.bounds()
        condition = Q()
        if start:
            condition &= Q(**{f"{prefix}completed_at__gte": start})
        if end:
            condition &= Q(**{f"{prefix}completed_at__lte": end})
        return condition


def accreditations(chamber: Organization, period: Period) -> QuerySet[Accreditation]:
    """The accreditations naming the chamber with their counts in the period; one query."""
    in_period = period.q("certificates__")
    valid = Q(certificates__status=Certificate.Status.VALID) & in_period
    reported = Q(certificates__chamber_report__status=ParticipantReport.Status.REPORTED)
    return (
        Accreditation.objects.naming(chamber)
        .select_related("holder", "course_version__course")
        .defer(*(f"course_version__{name}" for name in VERSION_PACKAGE_FIELDS))
        .annotate(
            participants=Count("certificates__user", filter=valid, distinct=True),
            certificates_valid=Count("certificates", filter=valid, distinct=True),
            certificates_revoked=Count(
                "certificates", filter=Q(certificates__status=Certificate.Status.REVOKED) & in_period, distinct=True
            ),
            points_total=Sum("certificates__points", filter=valid),
            reported=Count("certificates", filter=valid & reported, distinct=True),
        )
        .order_by("-course_version__published_at", "holder__name", "vnr", "pk")
    )


def certificates(accreditation: Accreditation, period: Period) -> QuerySet[Certificate]:
    """Valid and revoked certificates of the accreditation in the period, oldest completion first."""
    return (
        Certificate.objects.for_accreditation(accreditation)
        .filter(period.q(), status__in=SHOWN)
        .select_related("chamber_report")
        .only(
            "code",
            "status",
            "participant_name",
            "participant_efn",
            "completed_at",
            "points",
            "chamber_report__status",
            "chamber_report__reported_at",
            "chamber_report__http_status",
            "chamber_report__retract",
        )
        .order_by("completed_at", "pk")
    )
