"""
Report builders certificates contributes to the organization report framework: the certificate list and
CPD points per VNR. Rows stream from ``values_list(...).iterator()``.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrolments.reports import cohort_scopes
from organizations.models import Organization
from organizations.reports import ReportDefinition

from .models import Certificate, ParticipantReport

CHUNK = 2000


def _certificates(organization: Organization, params: dict[str, Any]) -> QuerySet[Certificate]:
    certificates = Certificate.objects.for_organization(organization)
    scope = params.get("scope", "")
    if scope.startswith("cohort:"):
        certificates = certificates.filter(enrollment__cohort_id=int(scope.split(":", 1)[1]))
    return certificates


def certificate_headers() -> list[str]:
    return [
        _("Certificate code"),
        _("Status"),
        _("Name"),
        _("EFN"),
        _("Course"),
        _("Version"),
        _("Accrediting body"),
        _("VNR"),
        _("Category"),
        _("Points"),
        _("Result (%)"),
        _("Completed at"),
        _("Issued at"),
    ]


def certificate_rows(organization: Organization, params: dict[str, Any]) -> Iterator[list[Any]]:
    statuses = dict(Certificate.Status.choices)
    rows = (
        _certificates(organization, params)
        .order_by("issued_at", "pk")
        .values_list(
            "code",
            "status",
            "participant_name",
            "participant_efn",
            "course_title",
            "course_version",
            "accreditation_body",
            "vnr",
            "category",
            "points",
            "result_percent",
            "completed_at",
            "issued_at",
        )
    )
    for row in rows.iterator(CHUNK):
        yield [row[0], statuses.get(row[1], row[1]), *row[2:]]


def certificate_count(organization: Organization, params: dict[str, Any]) -> int:
    return _certificates(organization, params).count()


def points_headers() -> list[str]:
    return [
        _("VNR"),
        _("Accrediting body"),
        _("Category"),
        _("Course"),
        _("Valid certificates"),
        _("Points in total"),
        _("Reported to the chamber"),
    ]


def points_rows(organization: Organization, params: dict[str, Any]) -> Iterator[list[Any]]:
    """One row per VNR: valid certificates, the points they carry, and how many are reported.

    Grouped by the VNR alone: the course title on a certificate is in its learner's language, so grouping
    by it split one VNR into a row per language (issue 16). Body, category and title come from the group.
    """
    rows = (
        _certificates(organization, params)
        .filter(status=Certificate.Status.VALID)
        .values("vnr")
        .annotate(
            body=Max("accreditation_body"),
            category_=Max("category"),
            course=Min("course_title"),
            certificates=Count("pk", distinct=True),
            points=Sum("points"),
            reported=Count("pk", filter=Q(chamber_report__status=ParticipantReport.Status.REPORTED), distinct=True),
        )
        .order_by("vnr")
    )
    for row in rows.iterator(CHUNK):
        yield [
            row["vnr"],
            row["body"],
            row["category_"],
            row["course"],
            row["certificates"],
            row["points"],
            row["reported"],
        ]


REPORTS = [
    ReportDefinition(
        key="certificates",
        label=gettext_lazy("Certificates"),
        description=gettext_lazy("Every certificate with its status, participant, accreditation, points and result."),
        headers=certificate_headers,
        rows=certificate_rows,
        count=certificate_count,
        scope_label=gettext_lazy("Cohort"),
        scope_choices=cohort_scopes,
        order=30,
    ),
    ReportDefinition(
        key="cpd-points",
        label=gettext_lazy("CPD points per VNR"),
        description=gettext_lazy("Per VNR: valid certificates, the points they carry, and how many are reported."),
        headers=points_headers,
        rows=points_rows,
        scope_label=gettext_lazy("Cohort"),
        scope_choices=cohort_scopes,
        order=50,
    ),
]
