"""
The final test on the cohort dashboard (registered in ``courses.dashboard`` from ``QuizzesConfig.ready``):
pass rate, distribution of each learner's best score, and results per principle. Three queries, whatever
the number of learners or attempts.
"""

from django.db.models import Case, Count, IntegerField, Max, Q, Sum, When
from django.utils.translation import gettext as _

from courses.i18n import localized
from enrolments.dashboard import CohortStats, DashboardSection, Figure
from enrolments.models import Cohort
from organizations.charts import Bar, Chart

from .models import Attempt, AttemptItem, Item

BUCKETS = [(low, low + 10) for low in range(0, 100, 10)]


def _label(low: int, high: int) -> str:
    return f"{low}–{high if high == 100 else high - 1} %"


def final_test_section(cohort: Cohort, stats: CohortStats) -> DashboardSection | None:
    submitted = Attempt.objects.filter(enrollment__cohort=cohort, status=Attempt.Status.SUBMITTED)
    per_learner = submitted.values("enrollment_id").annotate(
        best=Max("score"),
        passed_any=Max(Case(When(passed=True, then=1), default=0, output_field=IntegerField())),
    )
    buckets = {
        f"b{low}": Count("enrollment_id", filter=Q(best__gte=low) & (Q(best__lt=high) if high < 100 else Q()))
        for low, high in BUCKETS
    }
    totals = per_learner.aggregate(tested=Count("enrollment_id"), passed=Sum("passed_any"), **buckets)
    tested, passed = totals["tested"] or 0, totals["passed"] or 0
    distribution = Chart(
        _("Best score per learner"),
        [Bar(_label(low, high), totals[f"b{low}"] or 0) for low, high in BUCKETS] if tested else [],
        column=_("Score"),
    )
    by_item = (
        AttemptItem.objects.filter(attempt__in=submitted)
        .values("item_id")
        .annotate(answered=Count("pk"), earned=Sum("credit"))
        .order_by()
    )
    earned: dict[str, float] = {}
    answered: dict[str, int] = {}
    rows = {row["item_id"]: row for row in by_item}
    for item_id, principles in Item.objects.filter(pk__in=list(rows)).values_list("pk", "principles"):
        for slug in principles or []:
            earned[slug] = earned.get(slug, 0.0) + (rows[item_id]["earned"] or 0.0)
            answered[slug] = answered.get(slug, 0) + rows[item_id]["answered"]
    names = {
        p.get("slug"): str(localized(p.get("name", {})) or p.get("slug")) for p in cohort.course_version.principles
    }
    order = [p.get("slug") for p in cohort.course_version.principles]
    slugs = sorted(answered, key=lambda s: (order.index(s) if s in order else len(order), s))
    principles = Chart(
        _("Share of points per principle"),
        [Bar(names.get(s, s), round(100 * earned[s] / answered[s]) if answered[s] else 0) for s in slugs],
        column=_("Principle"),
        unit=" %",
        max_value=100,
    )
    pass_mark = cohort.accreditation.pass_mark if cohort.accreditation is not None else None
    return DashboardSection(
        title=_("Final test"),
        template="quizzes/backoffice/cohort_stats.html",
        context={
            "tested": tested,
            "passed": passed,
            "pass_rate": round(100 * passed / tested) if tested else None,
            "pass_mark": pass_mark,
            "distribution": distribution,
            "principles": principles,
        },
        figures=[Figure("passed", _("Passed the final test"), passed, order=50)],
        order=10,
    )


def register() -> None:
    """Called from ``QuizzesConfig.ready``; idempotent."""
    # Spelled out: makemessages extracts gettext_lazy(...), not an alias of it.
    from django.utils.translation import gettext_lazy

    from enrolments.dashboard import register_section
    from organizations.backoffice import Section
    from organizations.backoffice import register_section as register_nav
    from organizations.permissions import can_manage

    register_section(final_test_section)
    register_nav(
        Section("accommodations", gettext_lazy("Accommodations"), "quizzes:accommodations", can_manage, order=60)
    )
    register_nav(Section("attempts", gettext_lazy("Attempts used up"), "quizzes:attempts_used", can_manage, order=62))
    register_nav(
        Section("item-analysis", gettext_lazy("Item analysis"), "quizzes:org_analysis_index", can_manage, order=65)
    )
