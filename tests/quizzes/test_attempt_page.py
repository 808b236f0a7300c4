"""The final-test page without the script: counts and navigator after a save, the confirmation step before the
submit, and the start address opened by GET."""

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from quizzes import services
from quizzes.models import Assessment, Attempt, AttemptItem
from tests.quizzes.conftest import add_bank, age, assessment_of, post_data, set_policy


@pytest.fixture
def english(learner_client) -> Client:
    """The learner's client with the language switched to English (the cookie beats the profile)."""
    learner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return learner_client


@pytest.fixture
def attempt(ready_enrollment):
    """Two questions on one page (the mini course's draw)."""
    return services.start_attempt(ready_enrollment)


@pytest.fixture
def paged(ready_enrollment, version):
    """Four questions, one per page."""
    add_bank(version, per_module=1)
    set_policy(ready_enrollment, blueprint={"one": 2, "two": 2}, draw=4)
    assessment = assessment_of(ready_enrollment)
    assessment.layout = Assessment.Layout.PAGED
    assessment.save()
    return services.start_attempt(ready_enrollment)


def items_of(attempt):
    return list(AttemptItem.objects.filter(attempt=attempt).order_by("position"))


def answer_first_flag_second(attempt) -> dict[str, list[str]]:
    """The form with question 1 answered and question 2 unanswered and flagged."""
    second = items_of(attempt)[1]
    data = post_data(attempt, correct=True, flagged={second.pk})
    data.pop(f"item-{second.pk}")
    return data


def nav_entry(html: str, number: int) -> str:
    match = re.search(rf'<(a|button)[^>]*data-nav-numbers="{number}"[^>]*>.*?</\1>', html, re.S)
    assert match, f"no navigator entry for question {number}"
    return match.group(0)


def state_of(html: str) -> dict:
    return json.loads(re.search(r'id="quiz-state" type="application/json">(.*?)</script>', html).group(1))


@pytest.mark.django_db
def test_counts_and_navigator_are_right_after_a_plain_save(english, attempt):
    """Without the script a save redirects to the page, which counts and marks what was saved and flagged."""
    html = english.get(attempt.get_absolute_url()).content.decode()
    assert "2 questions are unanswered." in html and "0 questions are flagged for review." in html

    english.post(reverse("quizzes:save", args=[attempt.pk]), answer_first_flag_second(attempt))
    html = english.get(attempt.get_absolute_url()).content.decode()
    assert "1 question is unanswered." in html and "1 question is flagged for review." in html
    first, second = nav_entry(html, 1), nav_entry(html, 2)
    assert "btn-secondary" in first and "btn-outline-secondary" not in first
    assert re.search(r"<span data-nav-answered>", first) and re.search(r"data-nav-unanswered hidden", first)
    assert "btn-outline-secondary" in second
    assert re.search(r"data-nav-answered hidden", second) and re.search(r"<span data-nav-flagged>", second)
    assert "(flagged)" in second and "(unanswered)" in second


@pytest.mark.django_db
def test_the_script_gets_the_state_and_every_count_in_the_page_language(learner_client, attempt):
    """The page hands the script each question's state and the sentences for 0…n in German (plural rules)."""
    learner_client.post(reverse("quizzes:save", args=[attempt.pk]), answer_first_flag_second(attempt))
    state = state_of(learner_client.get(attempt.get_absolute_url()).content.decode())
    assert state["questions"] == {
        "1": {"answered": True, "flagged": False},
        "2": {"answered": False, "flagged": True},
    }
    assert state["unanswered"] == [
        "0 Fragen sind unbeantwortet.",
        "1 Frage ist unbeantwortet.",
        "2 Fragen sind unbeantwortet.",
    ]
    assert state["flagged"][1] == "1 Frage ist zur Überprüfung markiert."
    assert "data-count-unanswered" in learner_client.get(attempt.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_paged_counts_cover_every_page(english, paged):
    """On one page of four, the counts and the page buttons speak for all questions, saved on other pages too."""
    items = items_of(paged)
    services.save_answers(paged, answers={items[2].pk: [items[2].option_order[0]]})
    html = english.get(paged.get_absolute_url() + "?page=1").content.decode()
    assert "3 questions are unanswered." in html
    assert "btn-secondary" in nav_entry(html, 3) and 'aria-current="page"' in nav_entry(html, 1)
    assert set(state_of(html)["questions"]) == {"1", "2", "3", "4"}


@pytest.mark.django_db
def test_submit_the_test_saves_and_asks_for_confirmation(english, attempt):
    """'Submit the test' posts to the confirmation step: it saves, grades nothing, and lists what is open."""
    html = english.get(attempt.get_absolute_url()).content.decode()
    review = reverse("quizzes:review", args=[attempt.pk])
    assert f'formaction="{review}"' in html
    response = english.post(review, answer_first_flag_second(attempt))
    assert response.status_code == 302 and response.url == review
    attempt.refresh_from_db()
    first, second = items_of(attempt)
    assert attempt.status == Attempt.Status.OPEN and first.selected and second.flagged and not second.selected

    html = english.get(review).content.decode()
    back = attempt.get_absolute_url()
    unanswered = re.search(r'id="unanswered-heading".*?</ul>', html, re.S).group(0)
    flagged = re.search(r'id="flagged-heading".*?</ul>', html, re.S).group(0)
    assert f'href="{back}#q-2"' in unanswered and f'href="{back}#q-1"' not in unanswered
    assert f'href="{back}#q-2"' in flagged
    assert "You have answered 1 of 2 questions." in html
    assert re.search(rf'<form[^>]*action="{reverse("quizzes:submit", args=[attempt.pk])}"', html)
    assert "Submit now" in html and f'<a class="btn btn-outline-secondary" href="{back}">Back to the test</a>' in html


@pytest.mark.django_db
def test_submit_now_grades_the_saved_answers(learner_client, attempt):
    """The confirmation's 'Submit now' sends no answers: the saved ones are graded, once."""
    learner_client.post(reverse("quizzes:review", args=[attempt.pk]), post_data(attempt, correct=True))
    submit = reverse("quizzes:submit", args=[attempt.pk])
    response = learner_client.post(submit)
    assert response.url == reverse("quizzes:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.score == 100
    assert learner_client.post(submit).url == response.url  # a double click shows the one result


@pytest.mark.django_db
def test_confirmation_with_everything_answered(english, attempt):
    """With all answered and nothing flagged the page says so and lists nothing."""
    english.post(reverse("quizzes:review", args=[attempt.pk]), post_data(attempt, correct=False))
    html = english.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "All 2 questions are answered." in html
    assert "unanswered-heading" not in html and "flagged-heading" not in html


@pytest.mark.django_db
def test_confirmation_links_to_the_page_of_each_question(english, paged):
    """In the paged layout the links open the question's page."""
    html = english.get(reverse("quizzes:review", args=[paged.pk])).content.decode()
    for number in (1, 2, 3, 4):
        assert f'href="{paged.get_absolute_url()}?page={number}#q-{number}"' in html


@pytest.mark.django_db
def test_confirmation_after_submitting_shows_the_result(learner_client, attempt):
    """Once submitted, the confirmation page leads to the result and a late save through it is refused."""
    services.submit_attempt(attempt)
    review = reverse("quizzes:review", args=[attempt.pk])
    assert learner_client.get(review).url == reverse("quizzes:result", args=[attempt.pk])
    response = learner_client.post(review, post_data(attempt, correct=True))
    assert response.status_code == 403


@pytest.mark.django_db
def test_confirmation_keeps_the_time_limit(learner_client, ready_enrollment):
    """Past limit plus grace the confirmation submits the saved answers and refuses late ones (as save does)."""
    assessment = assessment_of(ready_enrollment)
    assessment.time_limit_minutes = 30
    assessment.grace_minutes = 2
    assessment.save()
    attempt = services.start_attempt(ready_enrollment)
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert f'data-submit-url="{reverse("quizzes:submit", args=[attempt.pk])}"' in html  # the timer's target

    review = reverse("quizzes:review", args=[attempt.pk])
    assert "data-quiz-timer" in learner_client.get(review).content.decode()
    age(attempt, minutes=40)
    response = learner_client.post(review, post_data(attempt, correct=True))
    assert response.status_code == 403
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.submitted_by == Attempt.SubmittedBy.TIME_LIMIT
    assert not any(ai.selected for ai in items_of(attempt))

    other = Attempt.objects.filter(pk=attempt.pk)
    other.update(status=Attempt.Status.OPEN, submitted_at=None, submitted_by="")
    assert learner_client.get(review).url == reverse("quizzes:result", args=[attempt.pk])  # opened late: graded
    assert other.get().submitted_by == Attempt.SubmittedBy.TIME_LIMIT


@pytest.mark.django_db
def test_confirmation_query_count_is_fixed(learner_client, paged, django_assert_num_queries):
    """One query reads all questions, however many there are."""
    with django_assert_num_queries(3):  # user (the session comes from the cache, decision 0413), attempt, its items
        learner_client.get(reverse("quizzes:review", args=[paged.pk]))


@pytest.mark.django_db
def test_someone_elses_confirmation_is_404(make_user, attempt):
    client = Client()
    client.force_login(make_user("other@example.org", "Other"))
    assert client.get(reverse("quizzes:review", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("quizzes:review", args=[attempt.pk]), post_data(attempt)).status_code == 404


@pytest.mark.django_db
def test_get_start_offers_the_test_to_start_by_post(english, ready_enrollment):
    """The start address by GET is a page with the start button (a POST), not a blank 405."""
    url = reverse("quizzes:start", args=[ready_enrollment.pk])
    response = english.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'<form method="post" action="{url}">', html) and "Take the final test" in html
    assert f'href="{ready_enrollment.get_absolute_url()}"' in html
    assert not Attempt.objects.exists()  # a GET starts nothing


@pytest.mark.django_db
def test_get_start_continues_an_open_attempt(learner_client, attempt):
    response = learner_client.get(reverse("quizzes:start", args=[attempt.enrollment_id]))
    assert response.status_code == 302 and response.url == attempt.get_absolute_url()


@pytest.mark.django_db
def test_get_start_says_why_the_test_cannot_start(english, enrollment):
    """Steps still open: the page gives the reason and no start button."""
    html = english.get(reverse("quizzes:start", args=[enrollment.pk])).content.decode()
    assert "Complete all required steps before the final test." in html
    assert "Take the final test" not in html


@pytest.mark.django_db
def test_get_start_of_someone_elses_enrolment_is_404(make_user, ready_enrollment):
    client = Client()
    client.force_login(make_user("other@example.org", "Other"))
    assert client.get(reverse("quizzes:start", args=[ready_enrollment.pk])).status_code == 404
