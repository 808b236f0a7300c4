"""
Retiring a course version from new cohorts (decision 0313): it leaves the cohort form, the accreditation
form and self-enrolment; cohorts and learners already on it finish it, and its accreditations stay valid.
The course's owner retires its versions in the back office; the operator retires those of public courses.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import audit
from organizations.models import Organization, OrgAuditEvent

from .errors import CourseError
from .i18n import localized
from .models import CourseVersion


@transaction.atomic(durable=True)
def retire_version(version: CourseVersion, *, by: Any, organization: Organization | None) -> CourseVersion:
    """Retire a published version; ``organization`` is the owner acting (None: the operator, public courses).

    The audit row goes to the owner, or for a public course to every organization that holds an
    accreditation of the version, since their cohort forms change.
    """
    version = CourseVersion.objects.select_for_update(of=("self",)).select_related("course").get(pk=version.pk)
    owner_id = version.course.organization_id
    if (organization is None and owner_id is not None) or (organization is not None and owner_id != organization.pk):
        raise CourseError(_("Only the course's owner retires its versions."), code="not_owner")
    if version.status != CourseVersion.Status.PUBLISHED:
        raise CourseError(_("This version is not published, so it takes no new cohorts already."), code="not_published")
    version.status, version.retired_at = CourseVersion.Status.RETIRED, timezone.now()
    version.save(update_fields=["status", "retired_at"])
    told = (
        [organization]
        if organization is not None
        else list(Organization.objects.filter(held_accreditations__course_version=version).distinct())
    )
    for affected in told:
        audit.record(
            affected,
            actor=by,
            action=OrgAuditEvent.Action.VERSION_RETIRED,
            target=version,
            object_repr=f"{version.course.slug} v{version.number} · {localized(version.title)}",
            before={"status": CourseVersion.Status.PUBLISHED},
            after={"status": CourseVersion.Status.RETIRED, "retired_at": version.retired_at},
        )
    return version
