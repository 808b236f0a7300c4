"""
Cohorts of an organization: which course versions and accreditations it may use, and the services that
create and change cohorts (each writes an audit row for the organization's admins).
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.selectors import versions_for
from courses.validity import refusal_outside_window
from organizations import audit
from organizations.models import Membership, Organization, OrgAuditEvent

from ..errors import EnrolmentError
from ..models import Cohort, Enrollment

COHORT_FIELDS = ["name", "course_version", "accreditation", "starts_on", "ends_on", "seats", "tutors"]


def tutor_candidates(organization: Organization) -> QuerySet[Any]:
    return User.objects.filter(
        memberships__organization=organization,
        memberships__role__in=[Membership.Role.TUTOR, Membership.Role.ADMIN],
    ).order_by("name")


def _check(cohort: Cohort, tutors: list[Any], *, new_version: bool) -> None:
    if new_version and not versions_for(cohort.organization).filter(pk=cohort.course_version_id).exists():
        raise EnrolmentError(
            _("Choose a published version of this organization's or a public course."),
            code="not_available",
            field="course_version",
        )
    accreditation = cohort.accreditation
    if accreditation is not None and accreditation.holder_id != cohort.organization_id:
        # Decision 0310: a cohort runs under its organization's own accreditation, never another's.
        raise EnrolmentError(
            _("Choose an accreditation this organization holds."), code="not_held", field="accreditation"
        )
    if accreditation is not None and accreditation.course_version_id != cohort.course_version_id:
        raise EnrolmentError(
            _("This accreditation belongs to another course version."), code="wrong_version", field="accreditation"
        )
    allowed = set(tutor_candidates(cohort.organization).values_list("pk", flat=True))
    if any(tutor.pk not in allowed for tutor in tutors):
        raise EnrolmentError(_("Tutors must be tutors or admins of this organization."), code="tutor", field="tutors")
    cohort.full_clean()


def _snapshot(cohort: Cohort) -> dict[str, Any]:
    return audit.snapshot(cohort, COHORT_FIELDS)


@transaction.atomic(durable=True)
def create_cohort(organization: Organization, *, by: Any, tutors: list[Any], **fields: Any) -> Cohort:
    cohort = Cohort(organization=organization, **fields)
    _check(cohort, tutors, new_version=True)
    cohort.save()
    cohort.tutors.set(tutors)
    audit.record(
        organization, actor=by, action=OrgAuditEvent.Action.COHORT_CREATED, target=cohort, after=_snapshot(cohort)
    )
    return cohort


@transaction.atomic(durable=True)
def update_cohort(cohort: Cohort, *, by: Any, tutors: list[Any], **fields: Any) -> Cohort:
    """Change a cohort; version and accreditation stay once learners are enrolled (their enrolments pin both)."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    before = _snapshot(cohort)
    old_version = cohort.course_version_id
    if (
        "course_version" in fields
        and fields["course_version"].pk != cohort.course_version_id
        and cohort.enrollments.exists()
    ):
        raise EnrolmentError(
            _("Learners are enrolled; the course version can no longer change."),
            code="version_locked",
            field="course_version",
        )
    if (
        "accreditation" in fields
        and getattr(fields["accreditation"], "pk", None) != cohort.accreditation_id
        and cohort.enrollments.exists()
    ):
        raise EnrolmentError(
            _("Learners are enrolled; the accreditation can no longer change."),
            code="accreditation_locked",
            field="accreditation",
        )
    if "seats" in fields and fields["seats"] is not None and fields["seats"] < cohort.enrollments.count():
        raise EnrolmentError(
            _("More learners are enrolled than this number of seats."), code="seats_below_enrolled", field="seats"
        )
    for name, value in fields.items():
        setattr(cohort, name, value)
    _check(cohort, tutors, new_version=cohort.course_version_id != old_version)
    cohort.save()
    cohort.tutors.set(tutors)
    old, new = audit.changed(before, _snapshot(cohort))
    if new:
        audit.record(
            cohort.organization,
            actor=by,
            action=OrgAuditEvent.Action.COHORT_CHANGED,
            target=cohort,
            before=old,
            after=new,
        )
    return cohort


@transaction.atomic(durable=True)
def enrol_member(cohort: Cohort, user: Any, *, by: Any) -> Enrollment:
    """Enrol one member of the cohort's organization (they joined by consent), or take in their self-enrolment.

    The enrolment takes the cohort's accreditation. Refused: a person who is not a member, a full cohort, an
    enrolment in another cohort or under another organization's accreditation, a completed one.
    """
    cohort = (
        Cohort.objects.select_for_update(of=("self",)).select_related("organization", "accreditation").get(pk=cohort.pk)
    )
    organization = cohort.organization
    if not Membership.objects.for_organization(organization).filter(user=user).exists():
        raise EnrolmentError(_("Only members of this organization can be enrolled here."), code="not_member")
    accreditation = cohort.accreditation
    refusal = refusal_outside_window(accreditation, on=timezone.localdate(), action="enrol") if accreditation else None
    if refusal:
        raise EnrolmentError(refusal, code="outside_validity")
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .live()
        .filter(user=user, course_version_id=cohort.course_version_id)
        .select_related("accreditation")
        .first()
    )
    if enrollment is not None and enrollment.cohort_id == cohort.pk:
        return enrollment
    if enrollment is not None and (
        enrollment.cohort_id is not None
        or enrollment.status == Enrollment.Status.COMPLETED
        or (enrollment.accreditation is not None and enrollment.accreditation.holder_id not in (None, organization.pk))
    ):
        raise EnrolmentError(
            _("%(name)s is enrolled in this course already, in another cohort or under another accreditation.")
            % {"name": user.name},
            code="enrolled_elsewhere",
        )
    if cohort.seats is not None and cohort.enrollments.count() >= cohort.seats:
        raise EnrolmentError(_("The cohort “%(name)s” has no free seat.") % {"name": cohort.name}, code="no_seat")
    if enrollment is None:
        enrollment = Enrollment(user=user, course_version_id=cohort.course_version_id)
    enrollment.cohort, enrollment.organization, enrollment.accreditation = (
        cohort,
        organization,
        cohort.accreditation,
    )
    enrollment.save()
    audit.record(
        organization,
        actor=by,
        action=OrgAuditEvent.Action.ENROLLED,
        target=cohort,
        after={"learner": user.pk, "enrolled": 1},
    )
    return enrollment
