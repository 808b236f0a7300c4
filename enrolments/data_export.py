"""The enrolments' part of a person's data export: enrolments, progress, vignette choices, reflections.

Course evaluations are anonymous (no link to the enrolment), so they cannot be found for a person and are
not part of the export; the export says so.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.data_export import Section, labels, record
from courses.i18n import localized

from .models import Enrollment, EnrolmentImport, Reflection, StepProgress, VignetteChoice

ENROLMENT_FIELDS = ["status", "enrolled_at", "completed_at", "evaluated_at"]
PROGRESS_FIELDS = ["started_at", "completed_at", "active_seconds", "last_seen_at", "path", "answers"]
CHOICE_FIELDS = ["path", "node", "option", "correct", "chosen_at"]


def _step(step: Any) -> str:
    return f"{step.module.position}.{step.position} {localized(step.title)}"


def export_enrolments(user: Any) -> list[Section]:
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("course_version__course", "accreditation", "organization", "cohort")
        .order_by("enrolled_at", "pk")
    )
    ids = [e.pk for e in enrollments]
    titles = {e.pk: localized(e.course_version.title) for e in enrollments}
    progress = StepProgress.objects.filter(enrollment_id__in=ids).select_related("step__module").order_by("pk")
    choices = VignetteChoice.objects.filter(enrollment_id__in=ids).select_related("step__module")
    reflections = Reflection.objects.filter(enrollment_id__in=ids).select_related("step__module").order_by("pk")
    # Uploads into the person's cohorts that list them (a JSON list: filtered here, as SQLite has no contains).
    cohorts = {e.cohort_id for e in enrollments if e.cohort_id}
    uploads = EnrolmentImport.objects.filter(cohort_id__in=cohorts).select_related("organization", "cohort")
    imports = [upload for upload in uploads.order_by("created_at") if user.pk in (upload.learner_ids or [])]
    return [
        Section(
            "enrolments",
            _("Enrolments"),
            [
                record(
                    e,
                    ENROLMENT_FIELDS,
                    id=e.pk,
                    course=titles[e.pk],
                    course_version=e.course_version.number,
                    accreditation=e.accreditation.body if e.accreditation else None,
                    organization=e.organization.name if e.organization else None,
                    cohort=e.cohort.name if e.cohort else None,
                )
                for e in enrollments
            ],
            labels(
                Enrollment,
                ENROLMENT_FIELDS,
                id=_("enrolment id"),
                course=_("course"),
                course_version=_("course version"),
                accreditation=_("accreditation"),
                organization=_("organization"),
                cohort=_("cohort"),
            ),
            note=_("Course evaluations are stored anonymously, without a link to you, so they cannot be listed here."),
        ),
        Section(
            "progress",
            _("Progress per step"),
            [
                record(
                    p, PROGRESS_FIELDS, enrolment=p.enrollment_id, course=titles[p.enrollment_id], step=_step(p.step)
                )
                for p in progress
            ],
            labels(StepProgress, PROGRESS_FIELDS, enrolment=_("enrolment id"), course=_("course"), step=_("step")),
        ),
        Section(
            "vignette_choices",
            _("Choices in case vignettes"),
            [
                record(c, CHOICE_FIELDS, enrolment=c.enrollment_id, course=titles[c.enrollment_id], step=_step(c.step))
                for c in choices
            ],
            labels(VignetteChoice, CHOICE_FIELDS, enrolment=_("enrolment id"), course=_("course"), step=_("step")),
        ),
        Section(
            "reflections",
            _("Reflections"),
            [
                record(
                    r,
                    ["text", "updated_at"],
                    enrolment=r.enrollment_id,
                    course=titles[r.enrollment_id],
                    step=_step(r.step),
                )
                for r in reflections
            ],
            labels(Reflection, ["text", "updated_at"], enrolment=_("enrolment id"), course=_("course"), step=_("step")),
        ),
        Section(
            "enrolment_uploads",
            _("Uploads by an organization that enrolled you"),
            [
                record(i, ["filename", "created_at"], organization=i.organization.name, cohort=i.cohort.name)
                for i in imports
            ],
            labels(EnrolmentImport, ["filename", "created_at"], organization=_("organization"), cohort=_("cohort")),
        ),
    ]
