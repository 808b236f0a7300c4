"""
Corrections an organization's admin makes in the back office instead of the Django admin (decision 0313):
take a learner out of a cohort, move a learner to another cohort, undo an upload nobody has started on.
Each is one durable transaction with an audit row that says what happened to progress and attempts.

What each one does with the learner's work:

- **Unenrol**: the enrolment leaves the cohort and the organization and loses the organization's
  accreditation. Progress, vignette choices, reflections and test attempts stay with the learner, who may
  finish the course on their own without the organization's CPD points. A certified learner is not
  unenrolled: the certificate is a record (revoke it instead).
- **Move**: to another cohort of the same organization and course version, with seats free. The enrolment
  takes the new cohort's accreditation; progress and attempts stay and count under the new one (its attempt
  limit includes the attempts already taken). Not for certified learners.
- **Undo an upload**: within ``ORGANIZATIONS_IMPORT_UNDO_HOURS`` of its end and only while none of its
  learners has opened a step. Enrolments the upload created are deleted (they hold nothing), self-enrolments
  it took into the cohort go back to being the learner's own, and learner memberships it created end.
  Its still-open invitations are withdrawn (people who accepted joined by consent and stay). Accounts it
  created stay: their owners were e-mailed a link and may use Haltung on their own.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import audit
from organizations.models import OrgAuditEvent
from organizations.services import drop_new_learners, revoke_open_invitations

from ..errors import EnrolmentError
from ..models import Cohort, Enrollment, EnrolmentImport, StepProgress


def _steps_done(enrollment: Enrollment) -> int:
    return StepProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).count()


def _lock(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("user", "cohort__organization", "accreditation")
        .get(pk=enrollment.pk)
    )


def _refuse_certified(enrollment: Enrollment) -> None:
    if enrollment.status == Enrollment.Status.COMPLETED:
        raise EnrolmentError(
            _("%(name)s has completed the course; the certificate is a record. Revoke it instead if it is wrong.")
            % {"name": enrollment.user.name},
            code="completed",
        )


@transaction.atomic(durable=True)
def unenrol(enrollment: Enrollment, *, by: Any) -> Enrollment:
    """Take a learner out of their cohort; their progress and attempts stay with them, without the points."""
    enrollment = _lock(enrollment)
    cohort = enrollment.cohort
    if cohort is None:
        raise EnrolmentError(_("This learner is in no cohort."), code="not_in_cohort")
    _refuse_certified(enrollment)
    before = {
        "cohort": cohort.pk,
        "organization": enrollment.organization_id,
        "accreditation": enrollment.accreditation_id,
        "steps_completed": _steps_done(enrollment),
    }
    enrollment.cohort, enrollment.organization, enrollment.accreditation = None, None, None
    enrollment.save(update_fields=["cohort", "organization", "accreditation"])
    audit.record(
        cohort.organization,
        actor=by,
        action=OrgAuditEvent.Action.UNENROLLED,
        target=enrollment,
        object_repr=f"{enrollment.user.name} <{enrollment.user.email}> · {cohort.name}",
        before=before,
        after={"cohort": None, "accreditation": None, "progress_and_attempts": "kept by the learner"},
    )
    return enrollment


@transaction.atomic(durable=True)
def move(enrollment: Enrollment, *, to: Cohort, by: Any) -> Enrollment:
    """Move a learner to another cohort of the organization; progress and attempts come along."""
    enrollment = _lock(enrollment)
    source = enrollment.cohort
    target = Cohort.objects.select_for_update(of=("self",)).select_related("accreditation").get(pk=to.pk)
    if source is None or target.organization_id != source.organization_id:
        raise EnrolmentError(_("Choose a cohort of this organization."), code="other_organization", field="cohort")
    if target.pk == source.pk:
        raise EnrolmentError(_("The learner is in this cohort already."), code="same_cohort", field="cohort")
    if target.course_version_id != enrollment.course_version_id:
        raise EnrolmentError(
            _("That cohort runs another version of the course; the learner's progress belongs to this one."),
            code="other_version",
            field="cohort",
        )
    _refuse_certified(enrollment)
    if target.seats is not None and target.enrollments.count() >= target.seats:
        raise EnrolmentError(
            _("The cohort “%(name)s” has no free seat.") % {"name": target.name}, code="no_seat", field="cohort"
        )
    before = {"cohort": source.pk, "accreditation": enrollment.accreditation_id}
    enrollment.cohort, enrollment.accreditation = target, target.accreditation
    enrollment.save(update_fields=["cohort", "accreditation"])
    audit.record(
        source.organization,
        actor=by,
        action=OrgAuditEvent.Action.ENROLMENT_MOVED,
        target=enrollment,
        object_repr=f"{enrollment.user.name} <{enrollment.user.email}> · {source.name} → {target.name}",
        before=before,
        after={
            "cohort": target.pk,
            "accreditation": target.accreditation_id,
            "steps_completed": _steps_done(enrollment),
            "progress_and_attempts": "kept",
        },
    )
    return enrollment


def undo_deadline(run: EnrolmentImport) -> Any:
    finished = run.finished_at or run.created_at
    return finished + timedelta(hours=settings.ORGANIZATIONS_IMPORT_UNDO_HOURS)


def _started(enrollments: Any) -> int:
    return (
        enrollments.filter(
            Q(status=Enrollment.Status.COMPLETED) | Q(last_step__isnull=False) | Q(progress__isnull=False)
        )
        .distinct()
        .count()
    )


def can_undo(run: EnrolmentImport, *, now: Any = None) -> bool:
    """Whether the page offers to undo the upload (the service checks again, under a lock)."""
    return (
        run.status == EnrolmentImport.Status.DONE
        and run.write_started_at is not None
        and (now or timezone.now()) <= undo_deadline(run)
    )


@transaction.atomic(durable=True)
def undo_import(run: EnrolmentImport, *, by: Any) -> EnrolmentImport:
    """Take back what an upload did, if it is recent and none of its learners has started."""
    run = EnrolmentImport.objects.select_for_update(of=("self",)).select_related("cohort__organization").get(pk=run.pk)
    cohort = Cohort.objects.select_for_update(of=("self",)).get(pk=run.cohort_id)
    if run.status != EnrolmentImport.Status.DONE or run.write_started_at is None:
        raise EnrolmentError(_("Only a finished upload can be undone."), code="not_done")
    if timezone.now() > undo_deadline(run):
        raise EnrolmentError(
            _("Uploads can be undone for %(hours)d hours; this one is older. Unenrol learners one by one instead.")
            % {"hours": settings.ORGANIZATIONS_IMPORT_UNDO_HOURS},
            code="too_late",
        )
    enrollments = Enrollment.objects.filter(cohort=cohort, user_id__in=run.learner_ids)
    started = _started(enrollments)
    if started:
        raise EnrolmentError(
            _("%(count)d learners of this upload have started; unenrol learners one by one instead.")
            % {"count": started},
            code="started",
        )
    created = enrollments.filter(enrolled_at__gte=run.write_started_at)
    removed = created.count()
    created.delete()
    # Self-enrolments the upload took into the cohort: the learner's own again, without the cohort's accreditation.
    returned = enrollments.update(cohort=None, organization=None, accreditation=None)
    memberships = drop_new_learners(cohort.organization, user_ids=run.learner_ids, since=run.write_started_at)
    # People it invited (not yet members): open invitations are withdrawn; whoever accepted joined by consent.
    invitations = revoke_open_invitations(cohort.organization, invitation_ids=run.invitation_ids)
    run.status, run.undone_at, run.undone_by = EnrolmentImport.Status.UNDONE, timezone.now(), by
    run.save(update_fields=["status", "undone_at", "undone_by"])
    audit.record(
        cohort.organization,
        actor=by,
        action=OrgAuditEvent.Action.IMPORT_UNDONE,
        target=cohort,
        object_repr=f"{run.filename} → {cohort.name}",
        before={"enrolled": run.enrolled},
        after={
            "enrolments_removed": removed,
            "self_enrolments_returned": returned,
            "memberships_ended": memberships,
            "invitations_withdrawn": invitations,
            "accounts_kept": run.accounts_created,
        },
    )
    return run
