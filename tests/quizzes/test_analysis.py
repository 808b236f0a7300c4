"""Item analysis: the statistics, their correctness under random draws, the debounced task, flags, CSV, pages."""

import csv
import io

import numpy as np
import pytest
from django.urls import reverse

from courses.models import Course
from enrolments.services import learning as course_services
from quizzes import analysis, services, tasks
from quizzes.models import AssessmentStatistic, AttemptItem, ItemStatistic, Option
from quizzes.statistics import compute_item_analysis
from tests.conftest import complete_all_steps

# A fixed form: 8 attempts × 3 items, 1 = right.
MATRIX = np.array(
    [
        [1, 1, 1],
        [1, 1, 0],
        [1, 0, 1],
        [1, 1, 1],
        [0, 0, 1],
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 0],
    ],
    dtype=float,
)


def long_form(matrix, shown=None):
    attempts, items = np.nonzero(np.ones_like(matrix) if shown is None else shown)
    return attempts, items, matrix[attempts, items]


def test_fixed_form_matches_the_textbook_formulas():
    """Facility, point-biserial (rest score), upper-lower 27 % and KR-20 agree with direct computation."""
    item_results, test = analysis.analyse(*long_form(MATRIX))
    np.testing.assert_allclose(item_results.facility, MATRIX.mean(axis=0))
    totals = MATRIX.sum(axis=1)
    for i in range(3):
        rest = (totals - MATRIX[:, i]) / 2
        expected = np.corrcoef(MATRIX[:, i], rest)[0, 1]
        assert item_results.point_biserial[i] == pytest.approx(expected)
        # Kelley groups: round(0.27 × 8) = 2 attempts, ranked by total (ties: earlier attempt lower).
        order = sorted(range(8), key=lambda a: (totals[a], a))
        lower, upper = order[:2], order[-2:]
        assert item_results.discrimination[i] == pytest.approx(MATRIX[upper, i].mean() - MATRIX[lower, i].mean())
    p = MATRIX.mean(axis=0)
    kr20 = 3 / 2 * (1 - (p * (1 - p)).sum() / totals.var())
    assert test.kr20 == pytest.approx(kr20)
    assert test.mean == pytest.approx(100 * (totals / 3).mean())
    assert test.sd == pytest.approx(100 * (totals / 3).std(ddof=1))


def test_random_draws_count_each_item_over_the_attempts_that_showed_it():
    """An item shown in some attempts only is judged on those: its responses and facility ignore the rest."""
    shown = np.ones_like(MATRIX)
    shown[4:, 2] = 0  # item 2 was not drawn in the last four attempts
    attempts, items, credit = long_form(MATRIX, shown)
    item_results, test = analysis.analyse(attempts, items, credit)
    assert item_results.responses.tolist() == [8, 8, 4]
    assert item_results.facility[2] == pytest.approx(MATRIX[:4, 2].mean())
    # Attempts that saw two items are scored out of two.
    percent = np.array([MATRIX[a][shown[a] == 1].mean() for a in range(8)])
    assert test.mean == pytest.approx(100 * percent.mean())
    assert item_results.facility[0] == pytest.approx(MATRIX[:, 0].mean())


def test_flags_name_easy_hard_and_negative_items():
    """Flags need the minimum of responses; then too easy, too hard and negative discrimination show."""
    assert analysis.flags(responses=5, facility=1.0, discrimination=0, point_biserial=0) == []
    assert analysis.flags(responses=20, facility=0.95, discrimination=0.1, point_biserial=0.1) == ["too_easy"]
    assert analysis.flags(responses=20, facility=0.1, discrimination=0.1, point_biserial=0.1) == ["too_hard"]
    assert analysis.flags(responses=20, facility=0.5, discrimination=-0.2, point_biserial=-0.1) == ["negative"]


def test_very_easy_items_that_do_not_discriminate_suggest_a_cue():
    """Facility at least 0.85 with discrimination and point-biserial near zero: the 'cueing' flag."""
    assert analysis.flags(responses=20, facility=0.95, discrimination=0.02, point_biserial=0.03) == [
        "too_easy",
        "cueing",
    ]
    assert analysis.flags(responses=20, facility=0.87, discrimination=0.0, point_biserial=None) == ["cueing"]
    assert analysis.flags(responses=20, facility=0.87, discrimination=0.35, point_biserial=0.3) == []
    assert analysis.flags(responses=20, facility=0.6, discrimination=0.0, point_biserial=0.0) == []


def test_empty_input_gives_no_figures():
    """No graded attempts: nothing to say."""
    item_results, test = analysis.analyse(np.array([]), np.array([]), np.array([]))
    assert item_results.responses.size == 0 and test.attempts == 0 and test.kr20 is None


def learners_take(version, make_user, patterns, *, first: int = 0):
    """Each pattern maps item key -> answered right; each learner takes the real test once."""
    for n, pattern in enumerate(patterns, start=first):
        enrollment = course_services.enroll(version, user=make_user(f"l{n}@example.org", f"Learner {n}"))
        complete_all_steps(enrollment)
        attempt = services.start_attempt(enrollment)
        answers = {}
        for row in AttemptItem.objects.filter(attempt=attempt).select_related("item").prefetch_related("item__options"):
            right = pattern[row.item.key]
            answers[row.pk] = [next(o.pk for o in row.item.options.all() if o.correct == right)]
        services.submit_attempt(attempt, answers=answers)
        yield attempt


@pytest.fixture
def analysed(version, make_user):
    # q1 right exactly when q2 is wrong: both discriminate negatively; 12 responses each.
    patterns = [{"q1": n % 2 == 0, "q2": n % 2 == 1} for n in range(12)]
    attempts = list(learners_take(version, make_user, patterns))
    assessment = attempts[0].assessment
    compute_item_analysis(assessment)
    return assessment


@pytest.mark.django_db
def test_stored_analysis_has_figures_frequencies_and_flags(analysed):
    """Each item version gets responses, facility, option frequencies and the negative flag."""
    rows = {s.item.key: s for s in ItemStatistic.objects.filter(assessment=analysed).select_related("item")}
    assert set(rows) == {"q1", "q2"}
    assert rows["q1"].responses == 12 and rows["q1"].facility == 0.5
    assert rows["q1"].distractors == {"a": 6, "b": 6, "c": 0, "d": 0, "e": 0}
    assert rows["q1"].point_biserial == pytest.approx(-1.0)
    assert "negative" in rows["q1"].flags
    summary = AssessmentStatistic.objects.get(assessment=analysed)
    assert summary.attempts == 12 and summary.mean == 50.0 and summary.sd == 0.0


@pytest.mark.django_db
def test_csv_export_lists_every_item_version(author_client, analysed):
    """The CSV has a header and a row per item version, with the key starred among the frequencies."""
    response = author_client.get(reverse("quizzes:analysis_csv", args=[analysed.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["item"] for r in rows] == ["q1", "q2"]
    assert rows[0]["facility"] == "0.5000" and rows[0]["option_frequencies"] == "a*:6 b:6 c:0 d:0 e:0"
    assert rows[0]["flags"] == "negative"


@pytest.mark.django_db
def test_submission_requests_the_analysis_on_commit(ready_enrollment, django_capture_on_commit_callbacks):
    """A submission queues the recomputation after commit; the eager run stores the figures."""
    attempt = services.start_attempt(ready_enrollment)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submit_attempt(attempt, answers={})
    assert len(callbacks) == 1
    assert AssessmentStatistic.objects.get(assessment=attempt.assessment).attempts == 1


@pytest.mark.django_db
def test_requests_are_debounced_into_one_task(settings, ready_enrollment):
    """While a recomputation is pending, further requests queue nothing; running it opens the gate again."""
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the task waits in the in-memory broker, as in production
    assessment = services.assessment_for(ready_enrollment)
    assert tasks.request_item_analysis(assessment.pk) is True
    assert tasks.request_item_analysis(assessment.pk) is False
    assert tasks.request_item_analysis(assessment.pk) is False
    tasks.recompute_item_analysis_task(assessment.pk)  # what the worker does when the delay is over
    assert AssessmentStatistic.objects.filter(assessment=assessment).exists()
    assert tasks.request_item_analysis(assessment.pk) is True


@pytest.mark.django_db
def test_page_load_never_computes(author_client, analysed, version, make_user, django_assert_num_queries):
    """The analysis page only reads stored figures, in a fixed number of queries; new attempts wait for the task."""
    list(learners_take(version, make_user, [{"q1": True, "q2": True}], first=100))
    # user (the session comes from the cache, decision 0413), permissions (2), the assessment with its statistic,
    # the rows, their options, and the vignette steps the item-quality checker compares the items with
    with django_assert_num_queries(7):
        response = author_client.get(reverse("quizzes:analysis", args=[analysed.pk]))
    assert response.status_code == 200
    assert AssessmentStatistic.objects.get(assessment=analysed).attempts == 12


@pytest.mark.django_db
def test_checker_findings_stand_beside_the_statistics(author_client, analysed):
    """An item whose key is far longer than its distractor shows the checker's finding next to its figures."""
    key = Option.objects.get(item__key="q1", correct=True)
    key.text = {"de": "Richtig eins, mit einer langen Begründung dazu", "en": "Right one, with a long reason added"}
    key.save()
    html = author_client.get(reverse("quizzes:analysis", args=[analysed.pk])).content.decode()
    assert "key longer than every distractor" in html or "Lösung länger als jeder Distraktor" in html
    assert "Item-writing findings" in html or "Befunde der Itemprüfung" in html


@pytest.mark.django_db
def test_author_sees_flags_on_the_page(author_client, analysed):
    """An author sees the item table with its flags and the whole-test figures."""
    html = author_client.get(reverse("quizzes:analysis", args=[analysed.pk])).content.decode()
    assert "q1" in html and ("negative discrimination" in html or "negative Trennschärfe" in html)
    assert "KR-20" in html
    index = author_client.get(reverse("quizzes:analysis_index")).content.decode()
    assert reverse("quizzes:analysis", args=[analysed.pk]) in index


@pytest.mark.django_db
def test_analysis_roles(
    client, learner_client, analysed, organization, admin_client_org, tutor_client, foreign_admin_client
):
    """Anonymous: login; learner: 403; admin of the owning organization: 200; tutor and foreign admin: 404."""
    Course.objects.filter(pk=analysed.course_version.course_id).update(organization=organization)
    url = reverse("quizzes:analysis", args=[analysed.pk])
    assert client.get(url).status_code == 302
    assert learner_client.get(url).status_code == 403
    assert admin_client_org.get(url).status_code == 403  # authors' page needs the permission
    org_url = reverse("quizzes:org_analysis", args=[organization.slug, analysed.pk])
    assert admin_client_org.get(org_url).status_code == 200
    assert (
        admin_client_org.get(reverse("quizzes:org_analysis_csv", args=[organization.slug, analysed.pk])).status_code
        == 200
    )
    assert tutor_client.get(org_url).status_code == 404
    assert foreign_admin_client.get(org_url).status_code == 404
    foreign_url = reverse("quizzes:org_analysis", args=["kammer-sued", analysed.pk])
    assert foreign_admin_client.get(foreign_url).status_code == 404  # not their course


@pytest.mark.django_db
def test_recompute_button_queues_a_run(author_client, analysed, django_capture_on_commit_callbacks):
    """The explicit button queues a run at once (POST only)."""
    url = reverse("quizzes:analysis_recompute", args=[analysed.pk])
    assert author_client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert author_client.post(url).status_code == 302
    assert len(callbacks) == 1
