"""Pass policy from the accreditation (attempts, cooldown, grading method) and the review policy."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from quizzes import selectors, services
from quizzes.errors import QuizError
from quizzes.models import Assessment, Attempt, AttemptItem
from tests.quizzes.conftest import age, assessment_of, post_data, set_policy


def start_url(enrollment):
    return reverse("quizzes:start", args=[enrollment.pk])


def take(enrollment, *, correct: bool | None) -> Attempt:
    attempt = services.start_attempt(enrollment)
    return services.submit_attempt(attempt, answers=services.parse_form(post_data(attempt, correct=correct)))


def score_attempt(attempt: Attempt, score: int) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(score=score)


@pytest.mark.django_db
def test_grading_method_highest_counts_the_best_attempt(ready_enrollment):
    """With 'highest', the enrolment's result is the best attempt, whatever came after it."""
    first, second = take(ready_enrollment, correct=None), None
    score_attempt(first, 60)
    second = take(ready_enrollment, correct=None)
    score_attempt(second, 40)
    counted = selectors.enrollment_result(ready_enrollment)
    assert counted.pk == first.pk and counted.score == 60


@pytest.mark.django_db
def test_grading_method_last_counts_the_last_attempt(ready_enrollment):
    """With 'last', the latest attempt counts even when an earlier one scored more."""
    assessment = assessment_of(ready_enrollment)
    assessment.grading_method = Assessment.GradingMethod.LAST
    assessment.save()
    first = take(ready_enrollment, correct=None)
    score_attempt(first, 60)
    second = take(ready_enrollment, correct=None)
    score_attempt(second, 40)
    assert selectors.enrollment_result(ready_enrollment).pk == second.pk


@pytest.mark.django_db
def test_result_page_names_the_counted_attempt(learner_client, ready_enrollment):
    """After two attempts the result page says which attempt counts under the grading method."""
    first = take(ready_enrollment, correct=None)
    score_attempt(first, 50)
    second = take(ready_enrollment, correct=None)
    html = learner_client.get(reverse("quizzes:result", args=[second.pk])).content.decode()
    assert "50 %" in html and ("Versuch 1" in html or "attempt 1" in html)


@pytest.mark.django_db
def test_cooldown_refuses_a_new_attempt_with_403_and_the_time(learner_client, ready_enrollment):
    """During the cooldown, starting answers 403, says when the next attempt opens and creates nothing."""
    set_policy(ready_enrollment, cooldown_hours=24)
    take(ready_enrollment, correct=False)
    response = learner_client.post(start_url(ready_enrollment))
    assert response.status_code == 403
    html = response.content.decode()
    assert "24" in html and ("Wartezeit" in html or "waiting time" in html)
    assert Attempt.objects.filter(enrollment=ready_enrollment).count() == 1


@pytest.mark.django_db
def test_after_the_cooldown_the_next_attempt_starts(learner_client, ready_enrollment):
    """Once the cooldown has passed, a new attempt starts."""
    set_policy(ready_enrollment, cooldown_hours=24)
    first = take(ready_enrollment, correct=False)
    age(first, hours=25)
    response = learner_client.post(start_url(ready_enrollment))
    second = Attempt.objects.get(enrollment=ready_enrollment, number=2)
    assert response.url == second.get_absolute_url()


@pytest.mark.django_db
def test_past_the_attempt_limit_start_is_403_and_saves_nothing(learner_client, ready_enrollment):
    """With all attempts used, starting answers 403 with a clear message and creates no attempt."""
    set_policy(ready_enrollment, max_attempts=1)
    take(ready_enrollment, correct=False)
    response = learner_client.post(start_url(ready_enrollment))
    assert response.status_code == 403
    assert "1" in response.content.decode()
    assert Attempt.objects.filter(enrollment=ready_enrollment).count() == 1


@pytest.mark.django_db
def test_no_new_attempt_after_passing(learner_client, ready_enrollment):
    """A passed test cannot be taken again (403)."""
    take(ready_enrollment, correct=True)
    assert learner_client.post(start_url(ready_enrollment)).status_code == 403


@pytest.mark.django_db
def test_someone_elses_enrolment_cannot_start(make_user, ready_enrollment):
    """Starting the test of another learner's enrolment answers 404."""
    from django.test import Client

    other = Client()
    other.force_login(make_user("other@example.org", "Other"))
    assert other.post(start_url(ready_enrollment)).status_code == 404
    assert not Attempt.objects.exists()


# Review policy ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_certified_default_shows_score_and_principles_but_no_key(learner_client, ready_enrollment):
    """By default a certified test shows score, pass/fail and the result per principle, never the key."""
    attempt = take(ready_enrollment, correct=False)
    html = learner_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "0 %" in html
    assert "Abstinenz" in html or "Abstinence" in html  # a principle row
    for attempt_item in AttemptItem.objects.filter(attempt=attempt).prefetch_related("item__options"):
        for option in attempt_item.item.options.all():
            assert option.rationale["de"] not in html and option.rationale["en"] not in html
    assert "richtige Antwort" not in html and "correct answer" not in html


@pytest.mark.django_db
def test_after_close_column_reveals_what_it_lists(learner_client, ready_enrollment):
    """After the window closes, the after-close column applies: correctness, rationale and the key."""
    assessment = assessment_of(ready_enrollment)
    assessment.review = {
        "during": [],
        "right_after": ["score"],
        "after_close": ["score", "correctness", "rationale", "answer"],
    }
    assessment.closes_at = timezone.now() + timedelta(days=1)
    assessment.save()
    attempt = take(ready_enrollment, correct=False)
    url = reverse("quizzes:result", args=[attempt.pk])
    chosen = AttemptItem.objects.filter(attempt=attempt).select_related("item").first()
    rationale = chosen.item.options.get(pk=chosen.selected[0]).rationale
    before = learner_client.get(url).content.decode()
    assert rationale["de"] not in before and "Abstinenz" not in before
    Assessment.objects.filter(pk=assessment.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    after = learner_client.get(url).content.decode()
    assert rationale["de"] in after or rationale["en"] in after
    assert "richtige Antwort" in after or "correct answer" in after
    assert "falsch" in after or "wrong" in after


@pytest.mark.django_db
def test_hidden_score_shows_only_that_the_attempt_is_in(learner_client, ready_enrollment):
    """A policy without the score shows neither score nor pass/fail right after submission."""
    assessment = assessment_of(ready_enrollment)
    assessment.review = {"during": [], "right_after": [], "after_close": ["score"]}
    assessment.save()
    attempt = take(ready_enrollment, correct=True)
    html = learner_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "100 %" not in html and "Bestanden" not in html and "Passed" not in html


@pytest.mark.django_db
def test_review_policy_refuses_anything_during_the_attempt(ready_enrollment):
    """Nothing is graded before submission, so the 'during' column must stay empty."""
    assessment = assessment_of(ready_enrollment)
    assessment.review = {"during": ["answer"], "right_after": ["score"], "after_close": ["score"]}
    with pytest.raises(ValidationError) as excinfo:
        assessment.full_clean()
    assert "during" in str(excinfo.value)


@pytest.mark.django_db
def test_principle_results_count_each_tagged_item(ready_enrollment):
    """The per-principle result is the share of credit over the items tagged with that principle."""
    attempt = take(ready_enrollment, correct=True)
    items = list(AttemptItem.objects.filter(attempt=attempt).select_related("item").order_by("position"))
    AttemptItem.objects.filter(pk=items[0].pk).update(credit=0.0)
    items = list(AttemptItem.objects.filter(attempt=attempt).select_related("item").order_by("position"))
    results = {r.slug: r for r in selectors.principle_results(items, ready_enrollment.course_version.principles)}
    assert {r.items for r in results.values()} == {1}
    zero = items[0].item.principles[0]
    assert results[zero].percent == 0
    assert all(r.percent == 100 for slug, r in results.items() if slug != zero)


def test_review_moment_switches_at_the_close():
    """Right after submission until the window closes, after close from then on."""
    from quizzes import review

    now = timezone.now()
    assert review.moment(closes_at=None, now=now) == "right_after"
    assert review.moment(closes_at=now + timedelta(seconds=1), now=now) == "right_after"
    assert review.moment(closes_at=now, now=now) == "after_close"
    assert review.aspects({"during": ["answer"]}, "during") == frozenset()


@pytest.mark.django_db
def test_cooldown_message_is_a_quiz_error_code(ready_enrollment):
    """The service refuses with code 'cooldown' and HTTP status 403."""
    set_policy(ready_enrollment, cooldown_hours=2)
    take(ready_enrollment, correct=False)
    with pytest.raises(QuizError) as excinfo:
        services.start_attempt(ready_enrollment)
    assert (excinfo.value.code, excinfo.value.status) == ("cooldown", 403)
