"""
The cohort dashboard: what courses knows (enrolled, in progress, completed, progress per module, learners
behind schedule), plus sections that higher apps register here from their ``AppConfig.ready`` (the final
test's pass rate and scores from quizzes, certificates and reporting deadlines from certificates).

Every figure is an aggregate in SQL, so the page's query count is fixed whatever the cohort's size; a
section function must keep to that (the dashboard test pins the total).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from organizations.charts import Bar, Chart

from .i18n import localized
from .models import Cohort, Enrollment, Module

BEHIND_LISTED = 50
# Learners count as behind when their share of required steps trails the share of the cohort's time
# that has passed by more than this many percentage points.
BEHIND_TOLERANCE = 10


@dataclass(frozen=True)
class Figure:
    """A headline number a section adds to the summary (e.g. "certified")."""

    key: str
    label: str
    value: int
    order: int = 100


@dataclass
class DashboardSection:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    order: int = 100


SectionFunction = Callable[[Cohort, "CohortStats"], DashboardSection | None]
COHORT_SECTIONS: list[SectionFunction] = []


def register_section(function: SectionFunction) -> SectionFunction:
    if function not in COHORT_SECTIONS:
        COHORT_SECTIONS.append(function)
    return function


@dataclass
class ModuleRow:
    module: Module
    required: int
    finished: int
    average_percent: int


@dataclass
class CohortStats:
    cohort: Cohort
    today: date
    enrolled: int
    not_started: int
    in_progress: int
    completed: int
    required_total: int
    modules: list[ModuleRow]
    expected_percent: int
    behind: list[Enrollment]
    behind_count: int


def _required_done() -> Count:
    return Count(
        "progress",
        filter=Q(progress__step__required=True, progress__completed_at__isnull=False),
        distinct=True,
    )


def expected_share(cohort: Cohort, today: date) -> float:
    """The share of the cohort's time that has passed (0 before the start, 1 from the end date)."""
    if today <= cohort.starts_on:
        return 0.0
    days = (cohort.ends_on - cohort.starts_on).days
    if days <= 0 or today >= cohort.ends_on:
        return 1.0
    return (today - cohort.starts_on).days / days


def cohort_stats(cohort: Cohort, *, today: date) -> CohortStats:
    """Five queries, whatever the number of learners."""
    enrollments = Enrollment.objects.filter(cohort=cohort)
    counts = enrollments.aggregate(
        enrolled=Count("pk"),
        completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
        started=Count("pk", filter=Q(status=Enrollment.Status.ACTIVE, last_step__isnull=False)),
    )
    modules = list(
        Module.objects.filter(version=cohort.course_version_id)
        .annotate(required=Count("steps", filter=Q(steps__required=True)))
        .order_by("position")
    )
    required_total = sum(m.required for m in modules)
    rows: list[ModuleRow] = []
    if modules and counts["enrolled"]:
        # One pass: per learner, required steps done in each module; then per module, sums and finishers.
        per_learner = enrollments.annotate(
            **{
                f"m{m.pk}": Count(
                    "progress",
                    filter=Q(
                        progress__step__module_id=m.pk,
                        progress__step__required=True,
                        progress__completed_at__isnull=False,
                    ),
                    distinct=True,
                )
                for m in modules
            }
        )
        aggregates: dict[str, Any] = {}
        for m in modules:
            aggregates[f"done{m.pk}"] = Coalesce(Sum(f"m{m.pk}"), 0)
            aggregates[f"finished{m.pk}"] = Count("pk", filter=Q(**{f"m{m.pk}__gte": m.required}))
        totals = per_learner.aggregate(**aggregates)
        for m in modules:
            possible = m.required * counts["enrolled"]
            rows.append(
                ModuleRow(
                    module=m,
                    required=m.required,
                    finished=totals[f"finished{m.pk}"] if m.required else counts["enrolled"],
                    average_percent=round(100 * totals[f"done{m.pk}"] / possible) if possible else 100,
                )
            )
    share = expected_share(cohort, today)
    expected_percent = round(100 * share)
    behind: list[Enrollment] = []
    behind_count = 0
    threshold = (share - BEHIND_TOLERANCE / 100) * required_total
    if required_total and threshold > 0:
        laggards = (
            enrollments.filter(status=Enrollment.Status.ACTIVE)
            .annotate(done=_required_done())
            .filter(done__lt=threshold)
        )
        behind_count = laggards.count()
        behind = list(laggards.select_related("user").order_by("done", "user__name")[:BEHIND_LISTED])
        for enrollment in behind:
            enrollment.percent = round(100 * enrollment.done / required_total)
    return CohortStats(
        cohort=cohort,
        today=today,
        enrolled=counts["enrolled"],
        not_started=counts["enrolled"] - counts["completed"] - counts["started"],
        in_progress=counts["started"],
        completed=counts["completed"],
        required_total=required_total,
        modules=rows,
        expected_percent=expected_percent,
        behind=behind,
        behind_count=behind_count,
    )


def summary_chart(stats: CohortStats, figures: list[Figure]) -> Chart:
    bars = [
        Bar(_("Enrolled"), stats.enrolled),
        Bar(_("Not started"), stats.not_started),
        Bar(_("In progress"), stats.in_progress),
        Bar(_("Completed"), stats.completed),
        *[Bar(figure.label, figure.value) for figure in sorted(figures, key=lambda f: f.order)],
    ]
    return Chart(_("Learners by state"), bars, column=_("State"))


def module_chart(stats: CohortStats) -> Chart:
    return Chart(
        _("Average progress per module"),
        [Bar(str(localized(row.module.title)), row.average_percent) for row in stats.modules],
        column=_("Module"),
        unit=" %",
        max_value=100,
    )


def sections_for(cohort: Cohort, stats: CohortStats) -> list[DashboardSection]:
    found = [section for function in COHORT_SECTIONS if (section := function(cohort, stats))]
    return sorted(found, key=lambda s: s.order)
