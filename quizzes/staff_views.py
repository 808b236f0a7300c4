"""
Pages for organization admins and authors: accommodations for learners, and the item analysis.

Organization pages sit under ``/org/<slug>/`` and answer 404 to anyone who does not manage that
organization; an enrolment or assessment of another organization answers 404 too. Authors are users with
the ``quizzes.view_item_analysis`` permission (e.g. through an "Authors" group).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from config.tasks import enqueue_on_commit
from enrolments.models import Enrollment
from organizations import backoffice
from organizations.models import Organization
from organizations.permissions import OrganizationRequest, can_manage, organization_required

from . import services, statistics
from .errors import QuizError
from .forms import NONE, AccommodationForm
from .models import Assessment, Attempt, ExtraAttempt, ItemStatistic
from .quality import items as item_quality
from .quality.stored import decision_records, item_record
from .quality.thresholds import DEFAULTS
from .tasks import recompute_item_analysis_task

PAGE_SIZE = 50
AUTHOR_PERMISSION = "quizzes.view_item_analysis"

# What the item-quality checker found on an item, as authors read it beside the statistics.
FINDING_LABELS = {
    "key_longest": _lazy("key longer than every distractor"),
    "key_shortest": _lazy("key shorter than every distractor"),
    "uneven_lengths": _lazy("options of very unequal length"),
    "key_only_hedged": _lazy("only the key hedges"),
    "key_only_without_absolute": _lazy("only the key lacks an absolute word"),
    "tf_absolute_false": _lazy("false statement with an absolute word"),
    "tf_hedge_true": _lazy("true statement that hedges"),
    "all_or_none": _lazy("all/none of the above"),
    "negative_stem": _lazy("negative question without emphasis"),
    "grammatical_cue": _lazy("grammatical cue"),
    "replays_vignette": _lazy("replays a vignette decision"),
}


# Accommodations -------------------------------------------------------------------------------------------


def _accommodation_page(
    request: OrganizationRequest, *, status: int = 200, bound: tuple[int, AccommodationForm] | None = None
) -> HttpResponse:
    organization = request.organization
    enrollments = (
        Enrollment.objects.for_organization(organization)
        .select_related("user", "course_version__course", "accommodation")
        .order_by("user__name", "pk")
    )
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for enrollment in page:
        accommodation = getattr(enrollment, "accommodation", None)
        if bound and bound[0] == enrollment.pk:
            form = bound[1]
        else:
            initial = (
                {"kind": accommodation.kind, "time_multiplier": accommodation.time_multiplier}
                if accommodation
                else {"kind": NONE}
            )
            form = AccommodationForm(initial=initial, prefix=f"e{enrollment.pk}")
        rows.append({"enrollment": enrollment, "accommodation": accommodation, "form": form})
    return render(
        request,
        "quizzes/accommodations.html",
        {"organization": organization, "rows": rows, "page": page},
        status=status,
    )


@login_required
@organization_required(can_manage)
def accommodations(request: OrganizationRequest) -> HttpResponse:
    return _accommodation_page(request)


@login_required
@require_POST
@organization_required(can_manage)
def accommodation_update(request: OrganizationRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("user"), pk=enrollment_id, organization=request.organization
    )
    form = AccommodationForm(request.POST, prefix=f"e{enrollment.pk}")
    if not form.is_valid():
        messages.error(request, _("The accommodation for %(name)s was not saved.") % {"name": enrollment.user.name})
        return _accommodation_page(request, status=400, bound=(enrollment.pk, form))
    kind = form.cleaned_data["kind"]
    try:
        if kind == NONE:
            services.withdraw_accommodation(enrollment, withdrawn_by=request.user)
            messages.success(request, _("%(name)s now has the standard time.") % {"name": enrollment.user.name})
        else:
            services.grant_accommodation(
                enrollment, kind=kind, time_multiplier=form.cleaned_data["time_multiplier"], granted_by=request.user
            )
            messages.success(request, _("The accommodation for %(name)s is saved.") % {"name": enrollment.user.name})
    except QuizError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, error.message)
        return _accommodation_page(request, status=error.status)
    return redirect(reverse("quizzes:accommodations", args=[request.organization.slug]))


# After the last attempt (decision 0605) ---------------------------------------------------------------------


def _concerned(organization: Organization) -> QuerySet[Enrollment]:
    """Enrolments the organization runs or whose accreditation it holds."""
    return Enrollment.objects.live().filter(Q(organization=organization) | Q(accreditation__holder=organization))


@login_required
@organization_required(can_manage)
def attempts_used(request: OrganizationRequest) -> HttpResponse:
    """Learners who have used every attempt and not passed, each with "grant one more attempt"."""
    organization = request.organization
    passed = Attempt.objects.filter(enrollment=OuterRef("pk"), passed=True)
    extra = (
        ExtraAttempt.objects.filter(enrollment=OuterRef("pk"))
        .order_by()
        .values("enrollment")
        .annotate(count=Count("pk"))
        .values("count")
    )
    used = (
        Attempt.objects.filter(enrollment=OuterRef("pk")).order_by().values("enrollment").annotate(n=Count("pk"))
    ).values("n")
    enrollments = (
        _concerned(organization)
        .filter(accreditation__max_attempts__isnull=False)
        .annotate(
            used=Coalesce(Subquery(used, output_field=IntegerField()), 0),
            extra=Coalesce(Subquery(extra, output_field=IntegerField()), 0),
            passed=Exists(passed),
            taking=Exists(Attempt.objects.filter(enrollment=OuterRef("pk"), status=Attempt.Status.OPEN)),
        )
        .filter(passed=False, taking=False, used__gte=F("accreditation__max_attempts") + F("extra"))
        .select_related("user", "course_version__course", "accreditation", "cohort")
        .order_by("user__name", "pk")
    )
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = backoffice.context(request, organization, active="attempts", page=page)
    return render(request, "quizzes/attempts_used.html", context)


@login_required
@require_POST
@organization_required(can_manage)
def grant_attempt(request: OrganizationRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_object_or_404(_concerned(request.organization).select_related("user"), pk=enrollment_id)
    try:
        services.grant_extra_attempt(enrollment, organization=request.organization, granted_by=request.user)
    except QuizError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s can take the final test once more.") % {"name": enrollment.user.name})
    return redirect("quizzes:attempts_used", org_slug=request.organization.slug)


# Item analysis --------------------------------------------------------------------------------------------


def _assessments() -> QuerySet[Assessment]:
    return Assessment.objects.select_related("course_version__course", "accreditation", "statistic").order_by(
        "course_version__course__slug", "-course_version__number", "pk"
    )


def _org_assessment(request: OrganizationRequest, assessment_id: int) -> Assessment:
    return get_object_or_404(
        _assessments(), pk=assessment_id, course_version__course__organization=request.organization
    )


def _analysis_page(request: HttpRequest, assessment: Assessment, *, base: str) -> HttpResponse:
    rows = (
        ItemStatistic.objects.filter(assessment=assessment)
        .select_related("item")
        .prefetch_related("item__options")
        .order_by("item__module_slug", "item__key", "item__version")
    )
    items: list[dict[str, Any]] = []
    # The item-quality checker's findings on each item stand beside its statistics: a cueing flag from the
    # analysis and a cue the checker names usually explain each other.
    decisions = decision_records(assessment.course_version)
    for row in rows:
        options = list(row.item.options.all())
        codes = {f.code for f in item_quality.check_item(item_record(row.item), DEFAULTS, decisions)}
        findings = [FINDING_LABELS[code] for code in sorted(codes) if code in FINDING_LABELS]
        share = [
            {
                "key": o.key,
                "correct": o.correct,
                "count": row.distractors.get(o.key, 0),
                "percent": round(100 * row.distractors.get(o.key, 0) / row.responses) if row.responses else 0,
            }
            for o in options
        ]
        items.append({"stat": row, "options": share, "findings": findings})
    summary = getattr(assessment, "statistic", None)
    return render(
        request,
        "quizzes/analysis.html",
        {
            "assessment": assessment,
            "summary": summary,
            "items": items,
            "flagged": sum(1 for i in items if i["stat"].flags),
            "csv_url": f"{base}.csv",
            "recompute_url": f"{base}/recompute/",
        },
    )


def _csv(assessment: Assessment) -> HttpResponse:
    rows = (
        ItemStatistic.objects.filter(assessment=assessment)
        .select_related("item")
        .prefetch_related("item__options")
        .order_by("item__module_slug", "item__key", "item__version")
    )
    response = HttpResponse(statistics.item_analysis_csv(rows), content_type="text/csv; charset=utf-8")
    name = f"item-analysis-{assessment.course_version.course.slug}-v{assessment.course_version.number}"
    if assessment.accreditation is not None:
        name += f"-{assessment.accreditation.key}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _recompute(request: HttpRequest, assessment: Assessment, *, back: str) -> HttpResponse:
    assessment_id = assessment.pk
    # An explicit request runs now, not after the debounce delay.
    enqueue_on_commit(recompute_item_analysis_task, assessment_id)
    messages.success(request, _("The item analysis is being recomputed; reload the page in a moment."))
    return redirect(back)


@login_required
@permission_required(AUTHOR_PERMISSION, raise_exception=True)
def analysis_index(request: HttpRequest) -> HttpResponse:
    return render(request, "quizzes/analysis_index.html", {"assessments": _assessments(), "organization": None})


@login_required
@permission_required(AUTHOR_PERMISSION, raise_exception=True)
def analysis(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = get_object_or_404(_assessments(), pk=assessment_id)
    return _analysis_page(request, assessment, base=reverse("quizzes:analysis", args=[assessment.pk]).rstrip("/"))


@login_required
@permission_required(AUTHOR_PERMISSION, raise_exception=True)
def analysis_csv(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return _csv(get_object_or_404(_assessments(), pk=assessment_id))


@login_required
@require_POST
@permission_required(AUTHOR_PERMISSION, raise_exception=True)
def analysis_recompute(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment, pk=assessment_id)
    return _recompute(request, assessment, back=reverse("quizzes:analysis", args=[assessment.pk]))


@login_required
@organization_required(can_manage)
def org_analysis_index(request: OrganizationRequest) -> HttpResponse:
    assessments = _assessments().filter(course_version__course__organization=request.organization)
    return render(
        request, "quizzes/analysis_index.html", {"assessments": assessments, "organization": request.organization}
    )


@login_required
@organization_required(can_manage)
def org_analysis(request: OrganizationRequest, assessment_id: int) -> HttpResponse:
    assessment = _org_assessment(request, assessment_id)
    base = reverse("quizzes:org_analysis", args=[request.organization.slug, assessment.pk]).rstrip("/")
    return _analysis_page(request, assessment, base=base)


@login_required
@organization_required(can_manage)
def org_analysis_csv(request: OrganizationRequest, assessment_id: int) -> HttpResponse:
    return _csv(_org_assessment(request, assessment_id))


@login_required
@require_POST
@organization_required(can_manage)
def org_analysis_recompute(request: OrganizationRequest, assessment_id: int) -> HttpResponse:
    assessment = _org_assessment(request, assessment_id)
    return _recompute(
        request, assessment, back=reverse("quizzes:org_analysis", args=[request.organization.slug, assessment.pk])
    )
