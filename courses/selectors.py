"""Reads of the catalogue for an organization: which versions it may run and which accreditations it holds."""

from django.db.models import Q, QuerySet

from organizations.models import Organization

from .models import Accreditation, CourseVersion


def versions_for(organization: Organization) -> QuerySet[CourseVersion]:
    """Published versions an organization may run and accredit: its own courses and the public catalogue.

    Retired versions are not published, so they take no new cohorts and no new accreditations.
    """
    return (
        CourseVersion.objects.published()
        .filter(Q(course__organization=organization) | Q(course__organization__isnull=True))
        .select_related("course")
        .order_by("course__slug", "-number")
    )


def accreditations_for(organization: Organization) -> QuerySet[Accreditation]:
    """Accreditations the organization holds and edits (decision 0310); another's answer 404."""
    return Accreditation.objects.held_by(organization).select_related("course_version__course", "body_organization")


def usable_accreditations(organization: Organization) -> QuerySet[Accreditation]:
    """Accreditations a cohort may use: the organization's own, of versions it may still run."""
    return accreditations_for(organization).filter(course_version__in=versions_for(organization))
