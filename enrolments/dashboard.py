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

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import User
from courses.i18n import localized
from courses.models import Module
from organizations.charts import Bar, Chart

from .models import Cohort, Enrollment

BEHIND_LISTED = 50
# Learners count as behind when their share of required steps trails the share of the cohort's time
# that has passed by more than this many percentage points.
BEHIND_TOLERANCE = 10


@dataclass(frozen=True)
class Laggard:
    """A learner behind schedule: their enrolment, who they are, and the required steps done (count, percent)."""

    enrollment_id: int
    user: User
    done: int
    percent: int


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
    behind: list[Laggard]
    behind_count: int


def expected_share(cohort: Cohort, today: date) -> float:
    """The share of the cohort's time that has passed (0 before the start, 1 from the end date)."""
    if today <= cohort.starts_on:
        return 0.0
    days = (cohort.ends_on - cohort.starts_on).days
    if days <= 0 or today >= cohort.ends_on:
        return 1.0
    return (today - cohort.starts_on).days / days


def cohort_stats(cohort: Cohort, *, today: date) -> CohortStats:
    """Three queries, whatever the number of learners."""
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
    share = expected_share(cohort, today)
    expected_percent = round(100 * share)
    threshold = (share - BEHIND_TOLERANCE / 100) * required_total
    rows: list[ModuleRow] = []
    laggards: list[tuple[int, str, int, int, str]] = []
    if modules and counts["enrolled"]:
        # One pass over the cohort: per learner, the required steps done in each module. Module figures and
        # the learners behind schedule are summed from these rows in Python; asking the database for each of
        # them cost two more scans of the step progress (2,000 learners: the page went from about 390 to
        # 215 ms; docs/PERFORMANCE.md). Only the listed laggards become objects.
        per_learner = enrollments.annotate(
            **{
                f"m{m.pk}": Count(
                    "progress",
                    filter=Q(
                        progress__step__module_id=m.pk,
                        progress__step__required=True,
                        progress__completed_at__isnull=False,
                    ),
                )  # progress is the only multi-valued join, so no row counts twice (and no DISTINCT sort)
                for m in modules
            }
        ).values_list("pk", "status", "user_id", "user__name", "user__email", *(f"m{m.pk}" for m in modules))
        width = len(modules)
        done, finished = [0] * width, [0] * width
        needed = [m.required for m in modules]
        lagging = required_total and threshold > 0
        for pk, status, user_id, name, email, *per_module in per_learner:
            for index in range(width):
                done[index] += per_module[index]
                finished[index] += per_module[index] >= needed[index]
            total = sum(per_module)
            if lagging and total < threshold and status == Enrollment.Status.ACTIVE:
                laggards.append((total, name, pk, user_id, email))
        for index, m in enumerate(modules):
            possible = m.required * counts["enrolled"]
            rows.append(
                ModuleRow(
                    module=m,
                    required=m.required,
                    finished=finished[index] if m.required else counts["enrolled"],
                    average_percent=round(100 * done[index] / possible) if possible else 100,
                )
            )
    laggards.sort()
    behind = [
        Laggard(
            enrollment_id=pk,
            user=User(pk=user_id, name=name, email=email),
            done=total,
            percent=round(100 * total / required_total),
        )
        for total, name, pk, user_id, email in laggards[:BEHIND_LISTED]
    ]
    behind_count = len(laggards)
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
