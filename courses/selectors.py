"""Reads of the catalogue for an organization: which versions it may run and which accreditations it holds."""

from django.db.models import Q, QuerySet

from organizations.models import Organization

from .models import Accreditation, CourseVersion


def versions_for(organization: Organization) -> QuerySet[CourseVersion]:
    """Published versions an organization may run cohorts of: its own courses and the public catalogue."""
    return (
        CourseVersion.objects.published()
        .filter(Q(course__organization=organization) | Q(course__organization__isnull=True))
        .select_related("course")
        .order_by("course__slug", "-number")
    )


def accreditations_for(organization: Organization) -> QuerySet[Accreditation]:
    """Accreditations the organization edits: those of its own courses (``for_organization`` of Accreditation)."""
    return Accreditation.objects.filter(course_version__course__organization=organization).select_related(
        "course_version__course"
    )


def usable_accreditations(organization: Organization) -> QuerySet[Accreditation]:
    """Accreditations a cohort may use: of the versions the organization may run."""
    return Accreditation.objects.filter(course_version__in=versions_for(organization)).select_related(
        "course_version__course"
    )
