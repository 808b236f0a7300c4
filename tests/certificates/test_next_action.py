"""
Issue 15: the learner's next action leads the enrolment page and the dashboard, every refusal names what is
missing and links to it, and a failed attempt says how many attempts remain and when the next may start.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from enrolments.models import Step
from enrolments.services import learning as course_services
from quizzes import services as quiz_services
from tests.quizzes.conftest import post_data, set_policy

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english(learner):
    """These pages are read in English (the learner's preferred language wins over the browser's)."""
    from django.utils import translation

    learner.language = "en"
    learner.save(update_fields=["language"])
    translation.activate("en")  # the composer called outside a request speaks the learner's language too


def take(enrollment, *, correct: bool):
    attempt = quiz_services.start_attempt(enrollment)
    return quiz_services.submit_attempt(attempt, answers=quiz_services.parse_form(post_data(attempt, correct=correct)))


def lead(html: str) -> str:
    """The next-action box, which must come before the first module of the outline."""
    match = re.search(r'<section[^>]*id="next-action".*?</section>', html, re.S)
    assert match, "the page has no next-action box"
    first_module = html.find('aria-labelledby="module-')
    assert first_module == -1 or match.start() < first_module, "the next action is not at the top"
    return match.group(0)


def page(client, enrollment) -> str:
    return client.get(reverse("enrolments:enrollment", args=[enrollment.pk]), **EN).content.decode()


@pytest.mark.django_db
def test_with_every_step_done_the_final_test_leads_the_page(learner_client, ready_enrollment):
    """All steps done and no attempt yet: the top of the page starts the final test, with the attempts it has."""
    box = lead(page(learner_client, ready_enrollment))
    assert reverse("quizzes:start", args=[ready_enrollment.pk]) in box
    assert "Take the final test" in box and "3 attempts" in box
    assert "Resume where you left off" not in box


@pytest.mark.django_db
def test_certificate_refused_for_the_evaluation_links_to_it(learner_client, passed_enrollment):
    """'Please fill in the course evaluation first.' comes with a link to the evaluation."""
    version = passed_enrollment.course_version
    version.require_evaluation = True
    version.save(update_fields=["require_evaluation"])
    response = learner_client.post(reverse("certificates:claim", args=[passed_enrollment.pk]), follow=True, **EN)
    html = response.content.decode()
    evaluation = reverse("enrolments:evaluation", args=[passed_enrollment.pk])
    alert = re.search(r'<div class="alert alert-danger">(.*?)</div>', html, re.S)
    assert alert and "Please fill in the course evaluation first." in alert.group(1)
    assert f'href="{evaluation}"' in alert.group(1)


@pytest.mark.django_db
def test_final_test_refused_for_open_steps_links_to_the_first_open_step(learner_client, enrollment):
    """Starting the test with steps missing is refused with a link to the first step still open."""
    first = Step.objects.filter(module__version=enrollment.course_version).order_by("module__position", "position")[0]
    response = learner_client.post(reverse("quizzes:start", args=[enrollment.pk]), **EN)
    assert response.status_code == 403
    assert f'href="{reverse("enrolments:step", args=[enrollment.pk, first.pk])}"' in response.content.decode()


@pytest.mark.django_db
def test_failed_attempt_result_says_how_many_attempts_remain(learner_client, ready_enrollment):
    """After one failed attempt of three the result page says two remain; with a cooldown, from when."""
    set_policy(ready_enrollment, cooldown_hours=24)
    attempt = take(ready_enrollment, correct=False)
    html = learner_client.get(reverse("quizzes:result", args=[attempt.pk]), **EN).content.decode()
    assert "2 of 3 attempts left" in html
    assert "next attempt" in html.lower() and str((attempt.submitted_at + timedelta(hours=24)).year) in html


@pytest.mark.django_db
def test_enrolment_page_counts_down_the_attempts(learner_client, ready_enrollment):
    """The course page no longer says 'You have 3 attempts' after a failure."""
    take(ready_enrollment, correct=False)
    html = page(learner_client, ready_enrollment)
    assert "You have 3 attempts" not in html
    assert "2 of 3 attempts left" in lead(html)


@pytest.mark.django_db
def test_dashboard_shows_steps_done_of_the_total(learner_client, enrollment):
    """'22' alone says little: the dashboard shows 'n of N steps done'."""
    first = Step.objects.filter(module__version=enrollment.course_version, kind="text").first()
    course_services.complete_step(enrollment, first)
    total = Step.objects.filter(module__version=enrollment.course_version, required=True).count()
    html = learner_client.get(reverse("certificates:dashboard"), **EN).content.decode()
    assert f"1 of {total} steps done" in html


# Each state of the next action, composed by certificates.next_action ------------------------------------


def action(enrollment):
    from enrolments import next_action
    from enrolments.models import Enrollment
    from enrolments.selectors import outline

    fresh = Enrollment.objects.with_version().get(pk=enrollment.pk)  # a new request: nothing remembered
    return next_action.for_enrollment(fresh, outline(fresh))


@pytest.mark.django_db
def test_state_not_started_starts_the_course(enrollment):
    first = Step.objects.filter(module__version=enrollment.course_version).order_by("module__position", "position")[0]
    found = action(enrollment)
    assert found.key == "start_course"
    assert found.url == reverse("enrolments:step", args=[enrollment.pk, first.pk])


@pytest.mark.django_db
def test_state_under_way_names_the_module_and_its_next_step(learner_client, enrollment):
    steps = list(
        Step.objects.filter(module__version=enrollment.course_version).order_by("module__position", "position")
    )
    course_services.complete_step(enrollment, steps[0])
    found = action(enrollment)
    open_step = next(s for s in steps if s.required and s.pk != steps[0].pk)
    assert found.key == "continue" and found.title.startswith("Continue with module 1")
    # The button goes through the resume view, which opens the open step (a vignette at its open question).
    assert found.url == reverse("enrolments:resume", args=[enrollment.pk])
    resumed = learner_client.get(found.url)
    assert resumed.status_code == 302
    assert resumed["Location"].startswith(reverse("enrolments:step", args=[enrollment.pk, open_step.pk]))
    assert "Resume where you left off" not in page(learner_client, enrollment)


@pytest.mark.django_db
def test_state_open_attempt_continues_the_test(ready_enrollment):
    attempt = quiz_services.start_attempt(ready_enrollment)
    found = action(ready_enrollment)
    assert (found.key, found.url) == ("resume_test", attempt.get_absolute_url())


@pytest.mark.django_db
def test_state_cooldown_says_when(ready_enrollment):
    set_policy(ready_enrollment, cooldown_hours=24)
    attempt = take(ready_enrollment, correct=False)
    found = action(ready_enrollment)
    assert found.key == "wait" and not found.url
    assert str((attempt.submitted_at + timedelta(hours=24)).year) in found.title
    assert "2 of 3 attempts left" in found.text


@pytest.mark.django_db
def test_state_active_time_links_to_the_module_short_of_time(ready_enrollment):
    from decimal import Decimal

    set_policy(ready_enrollment, min_active_share=Decimal("0.50"))
    found = action(ready_enrollment)
    assert found.key == "active_time"
    assert found.url.startswith(reverse("enrolments:enrollment", args=[ready_enrollment.pk]) + "steps/")


@pytest.mark.django_db
def test_state_after_passing_the_evaluation_comes_first_then_the_claim(passed_enrollment):
    version = passed_enrollment.course_version
    version.require_evaluation = True
    version.save(update_fields=["require_evaluation"])
    found = action(passed_enrollment)
    assert (found.key, found.url) == ("evaluation", reverse("enrolments:evaluation", args=[passed_enrollment.pk]))
    version.require_evaluation = False
    version.save(update_fields=["require_evaluation"])
    found = action(passed_enrollment)
    assert found.key == "claim" and found.post
    assert found.url == reverse("certificates:claim", args=[passed_enrollment.pk])


@pytest.mark.django_db
def test_state_certificate_ready_downloads_it(certificate):
    found = action(certificate.enrollment)
    assert (found.key, found.url) == ("download", reverse("certificates:download", args=[certificate.code]))


@pytest.mark.django_db
def test_state_certificate_without_pdf_says_it_is_being_prepared(certificate):
    from certificates.models import Certificate

    Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    found = action(certificate.enrollment)
    assert (found.key, found.url) == ("certificate", reverse("certificates:detail", args=[certificate.code]))
    assert found.title == "Your certificate is being prepared"


def test_state_certificate_whose_pdf_failed_says_so(certificate):
    """A failed render is not "being prepared": the box says so and leads to the page with the retry."""
    from django.utils import timezone

    from certificates.models import Certificate

    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_failed_at=timezone.now())
    found = action(certificate.enrollment)
    assert found.title == "Your certificate's PDF could not be made"
    assert found.url == reverse("certificates:detail", args=[certificate.code])


def use_all_attempts(enrollment, *, max_attempts: int = 2, **policy) -> None:
    set_policy(enrollment, max_attempts=max_attempts, **policy)
    for _ in range(max_attempts):
        take(enrollment, correct=False)


@pytest.mark.django_db
def test_after_the_last_attempt_a_new_round_says_when(learner_client, ready_enrollment):
    use_all_attempts(ready_enrollment, after_last_attempt="new_round", new_round_days=14)
    found = action(ready_enrollment)
    assert found.key == "new_round" and "opens on" in found.title
    box = lead(page(learner_client, ready_enrollment))
    assert "A new round of attempts opens on" in box


@pytest.mark.django_db
def test_a_new_round_opens_after_the_waiting_period(ready_enrollment):
    """Two attempts, 14 days: after them nothing starts; 15 days later two more may."""
    from tests.quizzes.conftest import age

    use_all_attempts(ready_enrollment, after_last_attempt="new_round", new_round_days=14)
    with pytest.raises(quiz_services.QuizError) as excinfo:
        quiz_services.start_attempt(ready_enrollment)
    assert excinfo.value.code == "no_attempts_left"
    for attempt in ready_enrollment.attempts.all():
        age(attempt, days=15)
    found = action(ready_enrollment)
    assert found.key == "start_test" and "2 of 4 attempts left" in found.text
    assert quiz_services.start_attempt(ready_enrollment).number == 3


@pytest.mark.django_db
def test_after_the_last_attempt_grant_names_the_contact(learner_client, ready_enrollment):
    accreditation = ready_enrollment.accreditation
    accreditation.contact_name, accreditation.contact_email = "Kursbüro", "kurs@example.org"
    accreditation.save()
    use_all_attempts(ready_enrollment, after_last_attempt="grant")
    found = action(ready_enrollment)
    assert (found.key, found.url) == ("ask_for_attempt", "mailto:kurs@example.org")
    attempt = ready_enrollment.attempts.order_by("-number").first()
    html = learner_client.get(reverse("quizzes:result", args=[attempt.pk]), **EN).content.decode()
    assert "Ask for another attempt" in html and "kurs@example.org" in html and "Kursbüro" in html
    assert "0 of 2 attempts left" in html


@pytest.mark.django_db
def test_after_the_last_attempt_grant_falls_back_to_the_holder_and_the_legal_notice(ready_enrollment):
    from organizations.models import Organization

    use_all_attempts(ready_enrollment, after_last_attempt="grant")
    assert action(ready_enrollment).url == reverse("legal:imprint")  # nobody named: the provider's notice
    holder = Organization.objects.create(name="Institut Nord", slug="nord", contact_email="info@nord.example")
    accreditation = ready_enrollment.accreditation
    accreditation.holder = holder
    accreditation.save()
    found = action(ready_enrollment)
    assert (found.url, found.contact_name) == ("mailto:info@nord.example", "Institut Nord")


@pytest.mark.django_db
def test_after_the_last_attempt_reenrol_offers_the_button(learner_client, ready_enrollment):
    use_all_attempts(ready_enrollment, after_last_attempt="reenrol")
    found = action(ready_enrollment)
    assert found.key == "enrol_again" and found.post
    assert f'action="{reverse("quizzes:enrol_again", args=[ready_enrollment.pk])}"' in lead(
        page(learner_client, ready_enrollment)
    )
    refused = learner_client.post(reverse("quizzes:start", args=[ready_enrollment.pk]), **EN)
    assert refused.status_code == 403 and "Enrol again" in refused.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("rule", ["reenrol", "new_round"])
def test_after_the_last_attempt_without_a_contact_the_box_names_where_to_ask(learner_client, ready_enrollment, rule):
    """No contact on the accreditation, its holder or the enrolling organization: the box still says whom to
    ask, by linking the provider's legal notice (never a dead end)."""
    use_all_attempts(ready_enrollment, after_last_attempt=rule)
    found = action(ready_enrollment)
    assert not found.contact_email
    box = lead(page(learner_client, ready_enrollment))
    assert f'href="{reverse("legal:imprint")}"' in box and "Questions?" in box


@pytest.mark.django_db
def test_dashboard_leads_with_the_course_in_progress_in_flat_queries(
    learner_client, ready_enrollment, django_assert_max_num_queries
):
    """The dashboard's top box is the next action of the course under way; its queries do not grow with rows."""
    url = reverse("certificates:dashboard")
    learner_client.get(url)
    with django_assert_max_num_queries(8):
        html = learner_client.get(url, **EN).content.decode()
    box = lead(html)
    assert "Take the final test" in box and "Mini course" in box
