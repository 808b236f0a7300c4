"""
Bulk enrolment of a cohort from a CSV or XLSX file: validate every row, then write everything in one
transaction, or nothing.

- Uploading the same file again creates nothing new: rows already enrolled in the cohort are skipped.
- The cohort row is locked while the plan is made and written, so two uploads cannot overbook the seats.
- Files above ``ORGANIZATIONS_IMPORT_SYNC_BYTES`` (or workbooks unpacking to more than
  ``ORGANIZATIONS_IMPORT_SYNC_UNZIPPED_BYTES``) are stored unread and read by the task; smaller files above
  ``ORGANIZATIONS_IMPORT_SYNC_ROWS`` rows are handed to it too. Its progress goes to the cache (the write is
  one transaction, invisible to other connections until it commits) and the status to the row.
"""

import hashlib
import logging
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import mail
from accounts.models import User
from accounts.services import NewAccount, create_accounts
from config.tasks import enqueue_on_commit
from courses.models import CourseVersion
from courses.validity import refusal_outside_window
from organizations import audit
from organizations.models import Invitation, Membership, OrgAuditEvent
from organizations.services import ensure_learners, held_members, invitation_token, invite_many

from ..models import Cohort, CohortInvitation, Enrollment, EnrolmentImport
from ..uploads import CheckedRow, FileRefused, RowError, check_rows, is_workbook, read_file, too_large_message

logger = logging.getLogger(__name__)

CHUNK = 1000
MAX_STORED_ERRORS = 1000
Progress = Callable[[int], None]


@dataclass
class Plan:
    """What writing the file would do; ``errors`` empty means it may be written."""

    create: list[CheckedRow] = field(default_factory=list)
    enrol_user_ids: list[int] = field(default_factory=list)
    attach_enrollment_ids: list[int] = field(default_factory=list)
    attach_user_ids: list[int] = field(default_factory=list)
    # Accounts that are not this organization's members: invited first, never enrolled by the file.
    invite: list[CheckedRow] = field(default_factory=list)
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def new_seats(self) -> int:
        return len(self.create) + len(self.enrol_user_ids) + len(self.attach_enrollment_ids)


@dataclass
class Outcome:
    rows: int = 0
    accounts_created: int = 0
    enrolled: int = 0
    invited: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    learner_ids: list[int] = field(default_factory=list)
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors[0].message if errors else "")
        self.errors = errors


def _file_error(message: str) -> list[RowError]:
    return [RowError(0, "", message)]


def cohort_refusal(cohort: Cohort) -> str | None:
    """Why the cohort cannot take enrolments now, or None."""
    today = timezone.localdate()
    if cohort.course_version.status != CourseVersion.Status.PUBLISHED:
        return _("This course version is not open for enrolment.")
    if cohort.ends_on < today:
        return _("The cohort ended on %(date)s; it takes no more enrolments.") % {"date": cohort.ends_on}
    if cohort.accreditation is not None:
        return refusal_outside_window(cohort.accreditation, on=today, action="enrol")
    return None


def plan(cohort: Cohort, rows: list[CheckedRow], *, progress: Progress | None = None) -> Plan:
    """Decide per row: new account, enrol a member, take a member's own enrolment in, invite, or skip.

    Consent at the organization boundary (decision 0705): only the organization's own members (with a
    confirmed address, or an account it created that is waiting for its password) are enrolled by the file.
    Anyone else with an account is invited to join first and enrolled on accepting, whatever their account
    looks like; so no answer tells whether an address has an account, or anything another organization holds.
    """
    result = Plan()
    by_email = {row.email: row for row in rows}
    users: dict[str, tuple[int, bool]] = {}
    emails = list(by_email)
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        users.update(
            {
                e: (pk, active)
                for pk, e, active in User.objects.filter(email__in=chunk).values_list("pk", "email", "is_active")
            }
        )
        if progress:
            progress(10 + 20 * (start + len(chunk)) // max(1, len(emails)))
    user_ids = [pk for pk, _active in users.values()]
    members: set[int] = set()
    enrollments: dict[int, Mapping[str, Any]] = {}
    for start in range(0, len(user_ids), CHUNK):
        chunk_ids = user_ids[start : start + CHUNK]
        members.update(held_members(cohort.organization, user_ids=chunk_ids))
        for values in Enrollment.objects.filter(
            course_version_id=cohort.course_version_id, user_id__in=chunk_ids
        ).values(
            "pk",
            "user_id",
            "cohort_id",
            "cohort__name",
            "cohort__organization_id",
            "organization_id",
            "accreditation_id",
            "accreditation__holder_id",
            "status",
        ):
            enrollments[values["user_id"]] = values
    for row in rows:
        if row.email not in users:
            result.create.append(row)
            continue
        user_id, active = users[row.email]
        if user_id not in members:
            result.invite.append(row)
            continue
        existing = enrollments.get(user_id)
        ours = existing is not None and existing["organization_id"] in (None, cohort.organization_id)
        if not active:
            result.errors.append(
                RowError(row.number, "email", _("the account of %(email)s is deactivated.") % {"email": row.email})
            )
        elif existing is None:
            result.enrol_user_ids.append(user_id)
        elif existing["cohort_id"] == cohort.pk:
            result.skipped += 1
        elif existing["cohort_id"] is not None and existing["cohort__organization_id"] == cohort.organization_id:
            result.errors.append(
                RowError(
                    row.number,
                    "email",
                    _("%(email)s is enrolled in this course already, in the cohort “%(cohort)s”.")
                    % {"email": row.email, "cohort": existing["cohort__name"]},
                )
            )
        elif (
            not ours
            or existing["cohort_id"] is not None
            or existing["status"] == Enrollment.Status.COMPLETED
            # A self-enrolment under the package's own profile of a public course (nobody's, decision 0310)
            # joins the cohort and takes its accreditation; one under an organization's accreditation does not.
            or (
                existing["accreditation_id"] not in (None, cohort.accreditation_id)
                and existing["accreditation__holder_id"] is not None
            )
        ):
            # Another organization's enrolment is not ours to name, nor to take over.
            result.errors.append(
                RowError(
                    row.number,
                    "email",
                    _(
                        "%(email)s is enrolled in this course already (completed, elsewhere, or under another "
                        "accreditation)."
                    )
                    % {"email": row.email},
                )
            )
        else:
            result.attach_enrollment_ids.append(existing["pk"])
            result.attach_user_ids.append(user_id)
    if cohort.seats is not None and not result.errors:
        taken = Enrollment.objects.filter(cohort=cohort).count()
        free = max(0, cohort.seats - taken)
        if result.new_seats > free:
            result.errors.append(
                RowError(
                    0,
                    "",
                    _("The file would enrol %(new)d new learners, but the cohort has %(free)d free seats of %(seats)d.")
                    % {"new": result.new_seats, "free": free, "seats": cohort.seats},
                )
            )
    return result


def _create_accounts(rows: list[CheckedRow]) -> list[int]:
    # New people get an unusable password and set their own through the welcome e-mail's link.
    created = create_accounts(
        [NewAccount(email=row.email, name=row.name, efn=row.efn, language=row.language) for row in rows],
        batch_size=CHUNK,
    )
    return [user.pk for user in created]


def _write(cohort: Cohort, result: Plan, *, by: Any, progress: Progress | None) -> tuple[list[int], int, list[int]]:
    new_user_ids = _create_accounts(result.create)
    invitations = invite_many(cohort.organization, emails=[row.email for row in result.invite], by=by)
    CohortInvitation.objects.bulk_create(
        [CohortInvitation(cohort=cohort, invitation=invitation) for invitation in invitations.values()],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )
    if progress:
        progress(60)
    learner_ids = [*new_user_ids, *result.enrol_user_ids, *result.attach_user_ids]
    ensure_learners(cohort.organization, user_ids=learner_ids)
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                user_id=user_id,
                course_version_id=cohort.course_version_id,
                accreditation_id=cohort.accreditation_id,
                organization_id=cohort.organization_id,
                cohort=cohort,
            )
            for user_id in [*new_user_ids, *result.enrol_user_ids]
        ],
        batch_size=CHUNK,
    )
    if progress:
        progress(85)
    for start in range(0, len(result.attach_enrollment_ids), CHUNK):
        chunk = result.attach_enrollment_ids[start : start + CHUNK]
        Enrollment.objects.filter(pk__in=chunk).update(cohort=cohort, organization_id=cohort.organization_id)
        # A self-enrolment under no accreditation, or under the package's own profile of a public course
        # (nobody's, decision 0310), takes the cohort's; one under an organization's accreditation was refused.
        Enrollment.objects.filter(pk__in=chunk).filter(
            Q(accreditation__isnull=True) | Q(accreditation__holder__isnull=True)
        ).update(accreditation_id=cohort.accreditation_id)
    return learner_ids, len(new_user_ids), sorted(invitation.pk for invitation in invitations.values())


def enrol_rows(
    cohort: Cohort,
    rows: list[CheckedRow],
    *,
    by: Any,
    filename: str,
    run: EnrolmentImport | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Validate against the database and write, under a lock on the cohort; raise ImportRefused on errors."""
    with transaction.atomic():
        cohort = (
            Cohort.objects.select_for_update(of=("self",))
            .select_related("organization", "course_version", "accreditation")
            .get(pk=cohort.pk)
        )
        refusal = cohort_refusal(cohort)
        if refusal:
            raise ImportRefused(_file_error(refusal))
        result = plan(cohort, rows, progress=progress)
        if result.errors:
            raise ImportRefused(result.errors)
        write_started_at = timezone.now()
        learner_ids, created, invitation_ids = _write(cohort, result, by=by, progress=progress)
        outcome = Outcome(
            rows=len(rows),
            accounts_created=created,
            enrolled=len(learner_ids),
            invited=len(invitation_ids),
            skipped=result.skipped,
            learner_ids=learner_ids,
        )
        now = timezone.now()
        if run is None:
            run = EnrolmentImport.objects.create(
                organization=cohort.organization,
                cohort=cohort,
                uploaded_by=by,
                filename=filename[:255],
                sha256="",
                status=EnrolmentImport.Status.DONE,
            )
        EnrolmentImport.objects.filter(pk=run.pk).update(
            rows=len(rows),
            status=EnrolmentImport.Status.DONE,
            progress=100,
            accounts_created=created,
            enrolled=len(learner_ids),
            invited=len(invitation_ids),
            invitation_ids=invitation_ids,
            skipped=result.skipped,
            learner_ids=learner_ids,
            finished_at=now,
            write_started_at=write_started_at,
        )
        outcome.import_id = run.pk
        audit.record(
            cohort.organization,
            actor=by,
            action=OrgAuditEvent.Action.ENROLLED,
            target=cohort,
            after={
                "file": filename,
                "rows": len(rows),
                "enrolled_or_invited": len(learner_ids) + len(invitation_ids),
                "already_enrolled": result.skipped,
            },
        )
        enqueue_on_commit(notify_enrolment_import_task, run.pk)
    return outcome


def refuse_oversize(size: int) -> Outcome | None:
    """Refuse a too large upload before reading it into memory."""
    limit = settings.ORGANIZATIONS_IMPORT_MAX_BYTES
    return Outcome(errors=_file_error(too_large_message(size, limit))) if size > limit else None


def _read_in_task(source: BinaryIO) -> bool:
    """Whether the upload is large enough to be read by the task instead of the request (decision 0803)."""
    source.seek(0, 2)
    size = source.tell()
    source.seek(0)
    if size > settings.ORGANIZATIONS_IMPORT_SYNC_BYTES:
        return True
    if not is_workbook(source):
        return False
    try:
        with zipfile.ZipFile(source) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False  # the reader refuses it at once
    finally:
        source.seek(0)
    return unzipped > settings.ORGANIZATIONS_IMPORT_SYNC_UNZIPPED_BYTES


def import_upload(cohort: Cohort, *, source: BinaryIO, filename: str, by: Any) -> Outcome | EnrolmentImport:
    """Check an upload; small files are read and written at once, large ones are stored for the task unread."""
    if _read_in_task(source):
        return queue_import(cohort, source=source, filename=filename, by=by, rows=0)
    try:
        rows = read_file(source, filename)
    except FileRefused as refused:
        return Outcome(errors=_file_error(refused.message))
    if len(rows) > settings.ORGANIZATIONS_IMPORT_SYNC_ROWS:
        return queue_import(cohort, source=source, filename=filename, by=by, rows=len(rows))
    checked = check_rows(rows, default_language=cohort.organization.default_language)
    if checked.errors:
        return Outcome(rows=len(rows), errors=checked.errors)
    try:
        return enrol_rows(cohort, checked.rows, by=by, filename=filename)
    except ImportRefused as refused:
        return Outcome(rows=len(rows), errors=refused.errors)


@transaction.atomic
def queue_import(cohort: Cohort, *, source: BinaryIO, filename: str, by: Any, rows: int) -> EnrolmentImport:
    """Store the upload as it is (streamed to storage, hashed in chunks) and queue the task that reads it."""
    digest = hashlib.sha256()
    source.seek(0)
    for chunk in iter(lambda: source.read(1024 * 1024), b""):
        digest.update(chunk)
    source.seek(0)
    run = EnrolmentImport(
        organization=cohort.organization,
        cohort=cohort,
        uploaded_by=by,
        filename=filename[:255],
        sha256=digest.hexdigest(),
        rows=rows,
    )
    run.file.save("upload.bin", File(source), save=False)
    run.save()
    enqueue_on_commit(run_enrolment_import_task, run.pk)
    return run


def progress_key(import_id: int) -> str:
    return f"courses:enrolment-import:{import_id}:progress"


def current_progress(run: EnrolmentImport) -> int:
    """The progress a poll should show: the task's latest figure from the cache, or the stored one."""
    if run.status in {EnrolmentImport.Status.QUEUED, EnrolmentImport.Status.RUNNING}:
        return max(run.progress, int(cache.get(progress_key(run.pk), 0)))
    return 100


def _check_and_enrol(run: EnrolmentImport, *, progress: Progress) -> list[RowError]:
    try:
        with run.file.open("rb") as handle:  # streamed: the reader keeps only the learners' cells
            source = read_file(handle, run.filename)
    except FileRefused as refused:
        return _file_error(refused.message)
    if run.rows != len(source):
        EnrolmentImport.objects.filter(pk=run.pk).update(rows=len(source))
    progress(5)
    checked = check_rows(source, default_language=run.cohort.organization.default_language)
    if checked.errors:
        return checked.errors
    try:
        enrol_rows(run.cohort, checked.rows, by=run.uploaded_by, filename=run.filename, run=run, progress=progress)
    except ImportRefused as refused:
        return refused.errors
    return []


def run_import(import_id: int) -> str:
    """The task's body: read the stored file, check, write; keep the errors on the row if refused."""
    claimed = EnrolmentImport.objects.filter(pk=import_id, status=EnrolmentImport.Status.QUEUED).update(
        status=EnrolmentImport.Status.RUNNING, progress=1
    )
    if not claimed:
        return "skipped"
    run = EnrolmentImport.objects.select_related("cohort__organization", "uploaded_by").get(pk=import_id)
    language = getattr(run.uploaded_by, "language", "") or run.cohort.organization.default_language

    def progress(percent: int) -> None:
        cache.set(progress_key(import_id), percent, timeout=3600)

    errors: list[RowError] = []
    try:
        with translation.override(language):
            errors = _check_and_enrol(run, progress=progress)
    except Exception:
        logger.exception("Enrolment import %s failed", import_id)
        EnrolmentImport.objects.filter(pk=import_id).update(
            status=EnrolmentImport.Status.FAILED, progress=100, finished_at=timezone.now()
        )
        return "failed"
    finally:
        run.file.delete(save=False)
        EnrolmentImport.objects.filter(pk=import_id).update(file="")
        cache.delete(progress_key(import_id))
    if errors:
        EnrolmentImport.objects.filter(pk=import_id).update(
            status=EnrolmentImport.Status.INVALID,
            progress=100,
            errors=[{"row": e.row, "column": e.column, "message": e.message} for e in errors[:MAX_STORED_ERRORS]],
            error_count=len(errors),
            finished_at=timezone.now(),
        )
        enqueue_on_commit(notify_enrolment_import_task, import_id)
        return "invalid"
    return "done"


def notify_outcome(import_id: int) -> str:
    """Tell the uploader the outcome once; when the upload was imported, welcome the learners it enrolled."""
    with transaction.atomic():
        run = (
            EnrolmentImport.objects.select_for_update(of=("self",))
            .select_related("cohort__organization", "cohort__course_version", "uploaded_by")
            .get(pk=import_id)
        )
        if run.notified_at is not None:
            return "skipped"
        if run.uploaded_by is not None:
            url = settings.SITE_URL + reverse(
                "enrolments:enrolment_import",
                kwargs={"org_slug": run.cohort.organization.slug, "cohort_id": run.cohort_id, "import_id": run.pk},
            )
            mail.queue(
                mail.Mail(
                    key=f"import-done:{run.pk}",
                    template="enrolments/email/import_done",
                    context={"run": run, "url": url},
                    to=run.uploaded_by.email,
                    language=run.uploaded_by.language,
                )
            )
        run.notified_at = timezone.now()
        run.save(update_fields=["notified_at"])
        if run.status == EnrolmentImport.Status.DONE and run.learners_mailed_at is None:
            _welcome_learners(run)
            _invite_people(run)
    return "queued"


def _welcome_learners(run: EnrolmentImport) -> int:
    """Queue one welcome mail per learner this upload enrolled; new accounts get a set-password link."""
    cohort = run.cohort
    queued = 0
    for start in range(0, len(run.learner_ids), 500):
        users = User.objects.filter(pk__in=run.learner_ids[start : start + 500]).only(
            "pk", "email", "name", "language", "password", "last_login"
        )
        mails = []
        for user in users:
            link = ""
            if not user.has_usable_password():
                link = settings.SITE_URL + reverse(
                    "accounts:password_reset_confirm",
                    args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
                )
            context = {
                "user": user,
                "cohort": cohort,
                "organization": cohort.organization,
                "link": link,
                "site_url": settings.SITE_URL,
            }
            mails.append(
                mail.Mail(
                    key=f"enrolled:{run.pk}:{user.pk}",
                    template="enrolments/email/enrolled",
                    context=context,
                    to=user.email,
                    language=user.language,
                )
            )
        queued += mail.queue_many(mails)
    EnrolmentImport.objects.filter(pk=run.pk).update(learners_mailed_at=timezone.now())
    return queued


def _invite_people(run: EnrolmentImport) -> int:
    """One invitation mail per person the upload invited; the same text whether or not they have an account."""
    cohort = run.cohort
    mails = []
    for invitation in Invitation.objects.filter(pk__in=run.invitation_ids).select_related("organization"):
        mails.append(
            mail.Mail(
                key=f"invited:{run.pk}:{invitation.pk}",
                template="enrolments/email/invited",
                context={
                    "organization": cohort.organization,
                    "cohort": cohort,
                    "link": settings.SITE_URL + reverse("organizations:accept", args=[invitation_token(invitation)]),
                    "days": settings.ORGANIZATIONS_INVITATION_DAYS,
                },
                to=invitation.email,
                language=cohort.organization.default_language,
            )
        )
    return mail.queue_many(mails)


def enrol_on_acceptance(invitation: Invitation, membership: Membership) -> None:
    """Accept hook: enrol the person in the cohorts this invitation was for, where that is still possible.

    An enrolment in the course the person already has stays theirs (another organization's is not taken); a
    cohort that ended, is outside its accreditation's window or is full takes nobody.
    """
    user = membership.user
    for pending in CohortInvitation.objects.filter(invitation=invitation, enrolled_at__isnull=True).select_related(
        "cohort__course_version", "cohort__accreditation", "cohort__organization"
    ):
        cohort = pending.cohort
        if cohort_refusal(cohort) or (
            cohort.seats is not None and Enrollment.objects.filter(cohort=cohort).count() >= cohort.seats
        ):
            continue
        existing = Enrollment.objects.live().filter(user=user, course_version_id=cohort.course_version_id).first()
        if existing is None:
            Enrollment.objects.create(
                user=user,
                course_version_id=cohort.course_version_id,
                accreditation_id=cohort.accreditation_id,
                organization_id=cohort.organization_id,
                cohort=cohort,
            )
        elif (
            existing.cohort_id is None
            and existing.organization_id in (None, cohort.organization_id)
            and existing.status != Enrollment.Status.COMPLETED
            and existing.accreditation_id in (None, cohort.accreditation_id)
        ):
            # The person accepted: their own enrolment joins the cohort, progress and all.
            existing.cohort, existing.organization_id = cohort, cohort.organization_id
            existing.accreditation_id = existing.accreditation_id or cohort.accreditation_id
            existing.save(update_fields=["cohort", "organization", "accreditation"])
        else:
            continue
        pending.enrolled_at = timezone.now()
        pending.save(update_fields=["enrolled_at"])


# The tasks sit beside the services they call, so that the services can queue them without a cycle
# (``enrolments.tasks`` re-exports them for Celery's autodiscovery); the names are the published ones.
@shared_task(name="enrolments.tasks.run_enrolment_import_task", soft_time_limit=1800, time_limit=1900, acks_late=True)
def run_enrolment_import_task(import_id: int) -> str:
    return run_import(import_id)


@shared_task(
    name="enrolments.tasks.notify_enrolment_import_task", soft_time_limit=1800, time_limit=1900, acks_late=True
)
def notify_enrolment_import_task(import_id: int) -> str:
    return notify_outcome(import_id)
