"""The thin learner journey through the views, from catalogue to a verified certificate."""

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate
from courses.models import Step
from enrolments.models import Enrollment
from quizzes.models import Attempt
from tests.conftest import answer_all, choice_value


def step_url(enrollment, step):
    return reverse("enrolments:step", args=[enrollment.pk, step.pk])


@pytest.mark.django_db
def test_whole_journey(client, learner_client, learner, version, tmp_path, django_capture_on_commit_callbacks):
    """Enrol, work through every step, fail the test, pass it, get the PDF and verify it publicly."""
    assert version.course.slug in learner_client.get(reverse("courses:catalogue")).content.decode()
    response = learner_client.post(reverse("enrolments:enroll", args=["mini-course"]))
    enrollment = Enrollment.objects.get(user=learner)
    assert response.url == enrollment.get_absolute_url()

    steps = list(Step.objects.filter(module__version=version).order_by("module__position", "position"))
    intro, vignette, check, text2, reflection, lecture = steps
    # Module two is locked until module one is done.
    assert learner_client.get(step_url(enrollment, text2)).status_code == 302

    assert learner_client.post(step_url(enrollment, intro), {"action": "complete"}).status_code == 302
    page = learner_client.get(step_url(enrollment, vignette)).content.decode()
    assert "Was tun Sie?" in page or "What do you do?" in page
    accept = choice_value(enrollment, vignette, "decide", "accept")
    assert f'value="{accept}"' in page and 'value="accept"' not in page  # opaque values, not authored ids
    learner_client.post(step_url(enrollment, vignette), {"action": "choose", "node": "decide", "option": accept})
    page = learner_client.get(step_url(enrollment, vignette)).content.decode()
    assert "Abstinenz" in page  # the feedback of the chosen option
    answer = choice_value(enrollment, vignette, "after", "a")
    learner_client.post(step_url(enrollment, vignette), {"action": "choose", "node": "after", "option": answer})
    page = learner_client.get(step_url(enrollment, vignette)).content.decode()
    assert "Rückblick A" in page  # the conditional edge for 'accept'
    checked = choice_value(enrollment, check, "item:one-c1", "a")
    learner_client.post(step_url(enrollment, check), {"action": "check", "item-one-c1": checked})
    learner_client.post(step_url(enrollment, text2), {"action": "complete"})
    learner_client.post(step_url(enrollment, reflection), {"action": "reflect", "text": "Meine Haltung."})
    learner_client.post(step_url(enrollment, lecture), {"action": "complete"})

    # Fail first.
    response = learner_client.post(reverse("quizzes:start", args=[enrollment.pk]))
    attempt = Attempt.objects.get(enrollment=enrollment)
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]), answer_all(attempt, correct=False))
    attempt.refresh_from_db()
    assert attempt.passed is False
    assert learner_client.post(reverse("certificates:claim", args=[enrollment.pk])).status_code == 302
    assert not Certificate.objects.exists()

    # Then pass.
    learner_client.post(reverse("quizzes:start", args=[enrollment.pk]))
    second = Attempt.objects.get(enrollment=enrollment, number=2)
    learner_client.post(reverse("quizzes:submit", args=[second.pk]), answer_all(second, correct=True))
    second.refresh_from_db()
    assert second.passed is True and second.score == 100

    with django_capture_on_commit_callbacks(execute=True):
        response = learner_client.post(reverse("certificates:claim", args=[enrollment.pk]))
    certificate = Certificate.objects.get()
    assert response.url == reverse("certificates:detail", args=[certificate.code])
    assert certificate.pdf, "the eager task rendered the PDF on commit"

    download = learner_client.get(reverse("certificates:download", args=[certificate.code]))
    assert download["Content-Type"] == "application/pdf"
    pdf_path = tmp_path / "certificate.pdf"
    pdf_path.write_bytes(b"".join(download.streaming_content))
    text = PdfReader(pdf_path).pages[0].extract_text()
    assert "Alex Beispiel" in text and certificate.code in text

    verify = client.get(certificate.verification_url.removeprefix("http://127.0.0.1:8000"))
    assert verify.status_code == 200
    assert "Alex Beispiel" in verify.content.decode()
    assert certificate.get_status_display() in verify.content.decode() or "Gültig" in verify.content.decode()

    dashboard = learner_client.get(reverse("certificates:dashboard")).content.decode()
    assert certificate.code in dashboard


@pytest.mark.django_db
def test_other_learners_enrolment_is_404(make_user, enrollment, version):
    """Another learner's enrolment and steps answer 404, like a missing one."""
    from django.test import Client

    other = Client()
    other.force_login(make_user("other@example.org", "Other Person"))
    step = Step.objects.filter(module__version=version).first()
    assert other.get(reverse("enrolments:enrollment", args=[enrollment.pk])).status_code == 404
    assert other.get(step_url(enrollment, step)).status_code == 404


@pytest.mark.django_db
def test_a_step_of_another_version_is_404_through_this_enrolment(learner_client, enrollment, tmp_path):
    """Steps come from the enrolment's own version (cached per version, decision 0412): another course's step
    and a missing one answer 404 through this enrolment."""
    import shutil

    from courses.packages.importing import import_package
    from courses.packages.reading import read_package
    from tests.conftest import MINI_COURSE

    other = tmp_path / "other-course"
    shutil.copytree(MINI_COURSE, other)
    manifest = other / "course.yaml"
    manifest.write_text(manifest.read_text().replace("slug: mini-course", "slug: other-course", 1))
    other_version = import_package(read_package(other)).version
    foreign = Step.objects.filter(module__version=other_version).first()
    own = Step.objects.filter(module__version=enrollment.course_version).first()
    assert learner_client.get(step_url(enrollment, own)).status_code == 200
    assert learner_client.get(step_url(enrollment, foreign)).status_code == 404
    assert learner_client.get(f"/learn/{enrollment.pk}/steps/999999/").status_code == 404


@pytest.mark.django_db
def test_vignette_choice_for_a_node_not_open_is_refused(learner_client, enrollment, version):
    """Posting an answer to a node the path is not waiting on is refused and saves nothing."""
    from enrolments.models import VignetteChoice

    intro = Step.objects.get(module__version=version, slug="intro")
    vignette = Step.objects.get(module__version=version, slug="follow")
    learner_client.post(step_url(enrollment, intro), {"action": "complete"})
    answer = choice_value(enrollment, vignette, "after", "a")
    response = learner_client.post(
        step_url(enrollment, vignette), {"action": "choose", "node": "after", "option": answer}
    )
    assert response.status_code == 400
    response = learner_client.post(
        step_url(enrollment, vignette), {"action": "choose", "node": "decide", "option": "made-up"}
    )
    assert response.status_code == 400
    # The authored id is not what the page offers: it is refused like any other value.
    response = learner_client.post(
        step_url(enrollment, vignette), {"action": "choose", "node": "decide", "option": "accept"}
    )
    assert response.status_code == 400
    assert not VignetteChoice.objects.exists()


@pytest.mark.django_db
def test_catalogue_and_course_page_in_both_languages(client, version):
    """Course content follows the active language."""
    de = client.get(reverse("courses:course", args=["mini-course"]), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    en = client.get(reverse("courses:course", args=["mini-course"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Minikurs" in de and "Modul eins" in de
    assert "Mini course" in en and "Module one" in en


@pytest.mark.django_db
def test_step_page_query_count_is_flat(learner_client, enrollment, version, django_assert_max_num_queries):
    """The step page runs a fixed number of queries, whatever the number of steps and choices."""
    from enrolments.services import learning as services

    vignette = Step.objects.get(module__version=version, slug="follow")
    intro = Step.objects.get(module__version=version, slug="intro")
    services.complete_step(enrollment, intro)
    services.choose(enrollment, vignette, node="decide", selected=["accept"])
    services.choose(enrollment, vignette, node="after", selected=["a"])
    services.restart_vignette(enrollment, vignette)
    services.choose(enrollment, vignette, node="decide", selected=["decline"])
    # Budget: user (1; the session comes from the cache, decision 0413), enrolment (1), outline: the learner's
    # progress (1); once per process and
    # version, the version's steps with their content (1) and its modules and steps for the outline (2); the
    # visit: an upsert of this step's progress and 'last visited' (2; no reads); vignette: choices, path (2),
    # reflection (1); the visit is one transaction, inside the test's own a savepoint and its release (2).
    with django_assert_max_num_queries(11 + 2):
        response = learner_client.get(step_url(enrollment, vignette))
    assert response.status_code == 200
    # Again, with the version's steps and structure cached (decisions 0410, 0412): a reload adds time to this
    # step in one conditional update (plus the upsert when less than a second has passed).
    with django_assert_max_num_queries(8 + 2):
        response = learner_client.get(step_url(enrollment, vignette))
    assert "Path 2" in response.content.decode() or "Pfad 2" in response.content.decode()


@pytest.mark.django_db
def test_reflections_are_private(learner_client, enrollment, version, make_user):
    """A reflection shows to its author only; another user gets 404 for the step."""
    from django.test import Client

    from enrolments.services import learning as services

    for step in Step.objects.filter(module__version=version, module__position=1):
        services.complete_step(enrollment, step)
    reflection_step = Step.objects.get(module__version=version, slug="reflect")
    learner_client.post(step_url(enrollment, reflection_step), {"action": "reflect", "text": "Sehr privat."})
    assert "Sehr privat." in learner_client.get(step_url(enrollment, reflection_step)).content.decode()
    other = Client()
    other.force_login(make_user("other@example.org", "Other"))
    assert other.get(step_url(enrollment, reflection_step)).status_code == 404


@pytest.mark.django_db
def test_resume_points_at_first_open_step(learner_client, enrollment, version):
    """After leaving, the course page offers to resume at the first open required step."""
    from enrolments.services import learning as services

    intro = Step.objects.get(module__version=version, slug="intro")
    vignette = Step.objects.get(module__version=version, slug="follow")
    services.complete_step(enrollment, intro)
    page = learner_client.get(reverse("enrolments:enrollment", args=[enrollment.pk])).content.decode()
    assert step_url(enrollment, vignette) in page


@pytest.mark.django_db
def test_enrollment_page_shows_test_and_certificate_state(learner_client, ready_enrollment):
    """The course page offers the test when steps are done, then the certificate once passed."""
    from quizzes import services as quiz_services

    ready_enrollment.user.language = "en"
    ready_enrollment.user.save()
    url = reverse("enrolments:enrollment", args=[ready_enrollment.pk])
    page = learner_client.get(url).content.decode()
    assert reverse("quizzes:start", args=[ready_enrollment.pk]) in page
    assert reverse("certificates:claim", args=[ready_enrollment.pk]) not in page
    attempt = quiz_services.start_attempt(ready_enrollment)
    quiz_services.submit_attempt(
        attempt, answers=quiz_services.parse_answers(attempt, answer_all(attempt, correct=True))
    )
    page = learner_client.get(url).content.decode()
    assert reverse("certificates:claim", args=[ready_enrollment.pk]) in page
    assert "Attempt 1: 100 %" in page


@pytest.mark.django_db
def test_citations_link_to_the_sources_page(learner_client, enrollment):
    """A [key] citation in teaching text links to its entry on the sources page."""
    from courses.models import CourseVersion

    version = CourseVersion.objects.get(pk=enrollment.course_version_id)
    version.references = [{"key": "heimes2023", "text": "Heimes (2023).", "url": "https://doi.org/10.30820/x"}]
    version.save()
    intro = Step.objects.get(module__version=version, slug="intro")
    intro.data["body"]["de"] = "Siehe [heimes2023]."
    intro.save()
    page = learner_client.get(step_url(enrollment, intro)).content.decode()
    refs = reverse("enrolments:references", args=[enrollment.pk])
    assert f'href="{refs}#ref-heimes2023"' in page
    assert 'id="ref-heimes2023"' in learner_client.get(refs).content.decode()


@pytest.mark.django_db
def test_takeaway_page_and_pdf(learner_client, enrollment, make_user):
    """Take-aways show as a page and download as a PDF, for the enrolled learner only."""
    from django.test import Client

    version = enrollment.course_version
    version.takeaways = [{"slug": "checklist", "text": {"de": "# Checkliste\n\n- Wer sieht es?", "en": "# Checklist"}}]
    version.save()
    page = learner_client.get(reverse("enrolments:takeaway", args=[enrollment.pk, "checklist"])).content.decode()
    assert "Wer sieht es?" in page
    pdf = learner_client.get(reverse("enrolments:takeaway_pdf", args=[enrollment.pk, "checklist"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    other = Client()
    other.force_login(make_user("other@example.org", "Other"))
    assert other.get(reverse("enrolments:takeaway", args=[enrollment.pk, "checklist"])).status_code == 404
    assert learner_client.get(reverse("enrolments:takeaway", args=[enrollment.pk, "nope"])).status_code == 404


def test_markdown_is_rendered_once_and_linked_per_page():
    """Rendered Markdown is cached per text; each page still gets its own references URL."""
    from courses.templatetags.haltung import _render_markdown, markdown

    _render_markdown.cache_clear()
    text = {"de": "# Titel\n\nSiehe [heimes2023] und <script>x</script>.", "en": "See [heimes2023]."}
    first = markdown(text, "/learn/1/references/")
    second = markdown(text, "/learn/2/references/")
    assert 'href="/learn/1/references/#ref-heimes2023"' in first
    assert 'href="/learn/2/references/#ref-heimes2023"' in second
    assert "<h2>Titel</h2>" in first and "<script>" not in first
    assert "heimes2023]" in markdown(text) and "href" not in markdown(text)
    assert _render_markdown.cache_info().misses == 2  # with and without citation links
