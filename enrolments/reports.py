"""
Report builders courses contributes to the organization report framework: participant list, completions
and the anonymous evaluation summary. Each yields rows lazily from ``values_list(...).iterator()``, so a
report of 100,000 enrolments streams through without being held in memory.
"""

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.i18n import localized
from courses.models import CourseVersion, Step
from organizations.models import Organization
from organizations.reports import ReportDefinition

from . import evaluation
from .models import Cohort, Enrollment, EvaluationResponse

CHUNK = 2000
# Fewer answers than this are not summarised: a small group's answers could point at a person.
MIN_EVALUATIONS = 5


def cohort_scopes(organization: Organization) -> list[tuple[str, str]]:
    return [
        (f"cohort:{pk}", name) for pk, name in Cohort.objects.for_organization(organization).values_list("pk", "name")
    ]


def _enrollments(organization: Organization, params: dict[str, Any]) -> QuerySet[Enrollment]:
    enrollments = Enrollment.objects.for_organization(organization)
    scope = params.get("scope", "")
    if scope.startswith("cohort:"):
        enrollments = enrollments.filter(cohort_id=int(scope.split(":", 1)[1]))
    return enrollments


def _titles(organization: Organization, enrollments: QuerySet[Enrollment]) -> dict[int, tuple[str, int, int]]:
    """Title, number and required steps of every version the enrolments use (two queries)."""
    version_ids = enrollments.order_by().values("course_version_id").distinct()
    required = dict(
        Step.objects.filter(module__version__in=version_ids, required=True)
        .values("module__version_id")
        .annotate(n=Count("pk"))
        .values_list("module__version_id", "n")
    )
    return {
        pk: (str(localized(title)), number, required.get(pk, 0))
        for pk, title, number in CourseVersion.objects.filter(pk__in=version_ids).values_list("pk", "title", "number")
    }


def participant_headers() -> list[str]:
    return [
        _("Cohort"),
        _("Name"),
        _("E-mail"),
        _("EFN"),
        _("Course"),
        _("Version"),
        _("VNR"),
        _("Enrolled at"),
        _("Status"),
        _("Progress (%)"),
        _("Completed at"),
    ]


def participant_rows(organization: Organization, params: dict[str, Any]) -> Iterator[list[Any]]:
    enrollments = _enrollments(organization, params)
    titles = _titles(organization, enrollments)
    statuses = dict(Enrollment.Status.choices)
    rows = (
        enrollments.annotate(
            done=Count("progress", filter=Q(progress__step__required=True, progress__completed_at__isnull=False))
        )
        .order_by("cohort__name", "user__name", "pk")
        .values_list(
            "cohort__name",
            "user__name",
            "user__email",
            "user__efn",
            "course_version_id",
            "accreditation__vnr",
            "enrolled_at",
            "status",
            "done",
            "completed_at",
        )
    )
    for cohort, name, email, efn, version_id, vnr, enrolled_at, status, done, completed_at in rows.iterator(CHUNK):
        title, number, required = titles.get(version_id, ("", 0, 0))
        percent = round(100 * done / required) if required else 100
        yield [
            cohort or "",
            name,
            email,
            efn,
            title,
            number,
            vnr or "",
            enrolled_at,
            statuses.get(status, status),
            percent,
            completed_at,
        ]


def participant_count(organization: Organization, params: dict[str, Any]) -> int:
    return _enrollments(organization, params).count()


def completion_headers() -> list[str]:
    return [
        _("Cohort"),
        _("Name"),
        _("E-mail"),
        _("EFN"),
        _("Course"),
        _("Version"),
        _("Accrediting body"),
        _("VNR"),
        _("Points"),
        _("Completed at"),
    ]


def _completions(organization: Organization, params: dict[str, Any]) -> QuerySet[Enrollment]:
    return _enrollments(organization, params).filter(status=Enrollment.Status.COMPLETED)


def completion_rows(organization: Organization, params: dict[str, Any]) -> Iterator[list[Any]]:
    completions = _completions(organization, params)
    titles = _titles(organization, completions)
    rows = completions.order_by("completed_at", "pk").values_list(
        "cohort__name",
        "user__name",
        "user__email",
        "user__efn",
        "course_version_id",
        "accreditation__body",
        "accreditation__vnr",
        "accreditation__points",
        "completed_at",
    )
    for cohort, name, email, efn, version_id, body, vnr, points, completed_at in rows.iterator(CHUNK):
        title, number, _required = titles.get(version_id, ("", 0, 0))
        yield [cohort or "", name, email, efn, title, number, body or "", vnr or "", points, completed_at]


def completion_count(organization: Organization, params: dict[str, Any]) -> int:
    return _completions(organization, params).count()


def evaluation_headers() -> list[str]:
    return [
        _("Course"),
        _("Version"),
        _("Statement"),
        _("Answers"),
        _("Mean (1–5)"),
        *[str(label) for _value, label in evaluation.LIKERT],
    ]


def evaluation_rows(organization: Organization, params: dict[str, Any]) -> Iterator[list[Any]]:
    """Per version of the organization's own courses and statement: counts and mean. Never comments.

    Evaluations have no link to an enrolment (by design), so they cannot be limited to a cohort, and
    versions of public courses are left out: their answers come from other organizations' learners too.
    """
    versions = CourseVersion.objects.filter(course__organization=organization).order_by("course__slug", "number")
    for version in versions.only("pk", "title", "number"):
        counts: dict[str, Counter] = {key: Counter() for key, _text in evaluation.ITEMS}
        total = 0
        for answers in (
            EvaluationResponse.objects.filter(course_version=version).values_list("answers", flat=True).iterator(CHUNK)
        ):
            total += 1
            for key, value in answers.items():
                if key in counts:
                    counts[key][value] += 1
        if total < MIN_EVALUATIONS:
            continue
        for key, text in evaluation.ITEMS:
            answered = sum(counts[key].values())
            mean = round(sum(v * n for v, n in counts[key].items()) / answered, 2) if answered else None
            yield [
                str(localized(version.title)),
                version.number,
                str(text),
                answered,
                mean,
                *[counts[key].get(value, 0) for value, _label in evaluation.LIKERT],
            ]


REPORTS = [
    ReportDefinition(
        key="participants",
        label=gettext_lazy("Participant list"),
        description=gettext_lazy("Every enrolment: cohort, name, e-mail, EFN, course, status and progress."),
        headers=participant_headers,
        rows=participant_rows,
        count=participant_count,
        scope_label=gettext_lazy("Cohort"),
        scope_choices=cohort_scopes,
        order=10,
    ),
    ReportDefinition(
        key="completions",
        label=gettext_lazy("Completions"),
        description=gettext_lazy("Completed enrolments with accreditation, VNR and points."),
        headers=completion_headers,
        rows=completion_rows,
        count=completion_count,
        scope_label=gettext_lazy("Cohort"),
        scope_choices=cohort_scopes,
        order=20,
    ),
    ReportDefinition(
        key="evaluation",
        label=gettext_lazy("Evaluation summary (anonymous)"),
        description=gettext_lazy(
            "Answers to the course evaluation per statement, for versions with at least 5 answers; no comments."
        ),
        headers=evaluation_headers,
        rows=evaluation_rows,
        order=40,
    ),
]
