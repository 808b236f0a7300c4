"""
Which organization owns a course: set by the operator in the staff back office or by ``import_course
--owner``. The package's accreditation profiles belong to the course's owner (decision 0310), so assigning
an owner hands them over too.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from organizations import audit
from organizations.models import Organization, OrgAuditEvent

from .errors import CourseError
from .models import Accreditation, Course


@transaction.atomic
def assign_owner(course: Course, organization: Organization, *, by: Any) -> Course:
    """Give an unowned course to an organization; a course owned by another one stays where it is.

    Not durable: ``import_course --owner`` imports and assigns in one transaction.
    """
    course = Course.objects.select_for_update(of=("self",)).select_related("organization").get(pk=course.pk)
    if course.organization_id == organization.pk:
        return course
    if course.organization is not None:
        raise CourseError(
            _("This course belongs to %(owner)s already.") % {"owner": course.organization.name},
            code="owned",
            field="organization",
        )
    course.organization = organization
    course.save(update_fields=["organization"])
    handed_over = Accreditation.objects.filter(course_version__course=course, holder__isnull=True).update(
        holder=organization
    )
    audit.record(
        organization,
        actor=by,
        action=OrgAuditEvent.Action.COURSE_ASSIGNED,
        target=course,
        after={"course": course.slug, "accreditations": handed_over},
    )
    return course
