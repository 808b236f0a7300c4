"""The courses app in full: time on task, evaluation, principle profile, reflection log, media, privacy."""

import shutil
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Step
from courses.packages.errors import InvalidPackage
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from enrolments import selectors
from enrolments.errors import EnrolmentError
from enrolments.evaluation import ITEMS
from enrolments.models import EvaluationResponse, StepProgress
from enrolments.services import learning as services
from organizations.models import Membership, Organization
from tests.conftest import MINI_COURSE, complete_all_steps, with_second_factor

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def step(version, slug):
    return Step.objects.get(module__version=version, slug=slug)


@pytest.mark.django_db
def test_active_time_counts_gaps_up_to_the_cap(enrollment, version):
    """Moving between steps adds the time spent on the step left, but never more than the idle cap."""
    intro, vignette = step(version, "intro"), step(version, "follow")
    start = timezone.now()
    services.visit_step(enrollment, intro, now=start)
    services.visit_step(enrollment, vignette, now=start + timedelta(minutes=3))
    services.visit_step(enrollment, intro, now=start + timedelta(hours=2))  # a long break on the vignette
    progress = {p.step_id: p.active_seconds for p in StepProgress.objects.filter(enrollment=enrollment)}
    assert progress[intro.pk] == 180
    assert progress[vignette.pk] == int(services.IDLE_CAP.total_seconds())


@pytest.mark.django_db
def test_a_visit_writes_without_reading(enrollment, version, django_assert_num_queries):
    """Recording a visit never reads progress first: a conditional update for the step left, an upsert for
    this one, and 'last visited' only when it changes; a reload that adds time is one statement. Each visit is
    one transaction: inside the test's own transaction that shows as a savepoint and its release (2 more)."""
    intro, vignette = step(version, "intro"), step(version, "follow")
    start = timezone.now()
    with django_assert_num_queries(2 + 2) as first:  # no previous step: the upsert and 'last visited'
        services.visit_step(enrollment, intro, now=start)
    with django_assert_num_queries(3 + 2) as moving:
        services.visit_step(enrollment, vignette, now=start + timedelta(seconds=75))
    with django_assert_num_queries(1 + 2) as reload:
        services.visit_step(enrollment, vignette, now=start + timedelta(seconds=95, microseconds=500_000))
    with django_assert_num_queries(2 + 2):  # within a second of the last visit: the update matches nothing, the upsert
        services.visit_step(enrollment, vignette, now=start + timedelta(seconds=95, microseconds=900_000))
    for captured in (first, moving, reload):
        assert not [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    progress = {p.step_id: p for p in StepProgress.objects.filter(enrollment=enrollment)}
    assert progress[intro.pk].active_seconds == 75
    assert progress[vignette.pk].active_seconds == 20  # 20.5 s counts as 20 whole seconds
    assert progress[vignette.pk].last_seen_at == start + timedelta(seconds=95, microseconds=900_000)
    enrollment.refresh_from_db()
    assert enrollment.last_step_id == vignette.pk


@pytest.mark.django_db
def test_a_visit_counts_nothing_for_a_step_seen_in_the_future(enrollment, version):
    """A clock that went backwards adds no time (and no negative time)."""
    intro, vignette = step(version, "intro"), step(version, "follow")
    start = timezone.now()
    services.visit_step(enrollment, intro, now=start)
    services.visit_step(enrollment, vignette, now=start - timedelta(minutes=1))
    assert StepProgress.objects.get(enrollment=enrollment, step=intro).active_seconds == 0


@pytest.mark.django_db
def test_heartbeat_extends_reading_time(learner_client, enrollment, version):
    """Heartbeats from a visible page add time in capped slices."""
    intro = step(version, "intro")
    start = timezone.now()
    services.visit_step(enrollment, intro, now=start)
    for minute in range(1, 11):
        services.heartbeat(enrollment, intro, now=start + timedelta(seconds=30 * minute))
    assert StepProgress.objects.get(enrollment=enrollment, step=intro).active_seconds == 300
    response = learner_client.post(reverse("enrolments:heartbeat", args=[enrollment.pk, intro.pk]))
    assert response.status_code == 204


@pytest.mark.django_db
def test_evaluation_is_anonymous_and_once(learner_client, ready_enrollment):
    """The answers are stored without a link to the learner; a second submission is refused."""
    url = reverse("enrolments:evaluation", args=[ready_enrollment.pk])
    data = {key: "4" for key, _text in ITEMS} | {"comment": "Gute Fälle."}
    assert learner_client.post(url, data).status_code == 302
    response = EvaluationResponse.objects.get()
    assert response.answers == {key: 4 for key, _text in ITEMS}
    assert response.submitted_month.day == 1
    assert not {f.name for f in EvaluationResponse._meta.get_fields()} & {"enrollment", "user"}
    ready_enrollment.refresh_from_db()
    assert ready_enrollment.evaluated_at is not None
    with pytest.raises(EnrolmentError):
        services.submit_evaluation(ready_enrollment, answers={key: 4 for key, _text in ITEMS})
    assert EvaluationResponse.objects.count() == 1


@pytest.mark.django_db
def test_incomplete_evaluation_is_refused(learner_client, ready_enrollment):
    """Every statement needs an answer on the scale; nothing is stored otherwise."""
    url = reverse("enrolments:evaluation", args=[ready_enrollment.pk])
    assert learner_client.post(url, {"relevance": "4"}).status_code == 400
    assert learner_client.post(url, {key: "9" for key, _text in ITEMS}).status_code == 400
    assert not EvaluationResponse.objects.exists()


@pytest.mark.django_db
def test_required_evaluation_is_a_completion_problem(ready_enrollment):
    """With the evaluation switched on, completion waits for it."""
    version = ready_enrollment.course_version
    assert selectors.completion_problems(ready_enrollment) == []
    version.require_evaluation = True
    version.save()
    assert len(selectors.completion_problems(ready_enrollment)) == 1
    services.submit_evaluation(ready_enrollment, answers={key: 5 for key, _text in ITEMS})
    ready_enrollment.refresh_from_db()
    assert selectors.completion_problems(ready_enrollment) == []


@pytest.mark.django_db
def test_evaluation_results_for_staff_only(client, learner_client, ready_enrollment, make_user):
    """Aggregates show to staff; learners get 404."""
    services.submit_evaluation(ready_enrollment, answers={key: 5 for key, _text in ITEMS})
    url = reverse("enrolments:evaluation_results", args=["mini-course"])
    assert learner_client.get(url).status_code == 404
    client.force_login(with_second_factor(make_user("staff@example.org", "Staff", is_staff=True, language="en")))
    page = client.get(url).content.decode()
    assert "1 evaluation" in page


@pytest.mark.django_db
def test_principle_profile_counts_decisions_and_answers(ready_enrollment):
    """Decisions count for their option's principles; formative answers count right or wrong."""
    profile = {row.principle.slug: row for row in selectors.principle_profile(ready_enrollment)}
    # 'decline' carries abstinence and autonomy; the embedded item and the check item are about abstinence.
    assert profile["abstinence"].decisions == 1
    assert profile["autonomy"].decisions == 1
    assert (profile["abstinence"].correct, profile["abstinence"].answered) == (2, 2)


@pytest.mark.django_db
def test_principle_profile_reads_no_step_content_per_request(ready_enrollment, django_assert_num_queries):
    """The version's vignette and check content is read once per process (only those steps, one query); each
    request then reads the learner's choices, check answers and the principles."""
    with django_assert_num_queries(4) as first:
        selectors.principle_profile(ready_enrollment)
    step_reads = [q["sql"] for q in first.captured_queries if 'FROM "courses_step"' in q["sql"]]
    assert len(step_reads) == 1 and "IN ('vignette', 'check')" in step_reads[0].replace('"', "'")
    with django_assert_num_queries(3):
        profile = selectors.principle_profile(ready_enrollment)
    assert {row.principle.slug for row in profile} >= {"abstinence", "autonomy"}


@pytest.mark.django_db
def test_principle_profile_without_answers_reads_two_rows_sets(enrollment, django_assert_num_queries):
    selectors.principle_profile(enrollment)
    with django_assert_num_queries(2):
        assert selectors.principle_profile(enrollment) == []


@pytest.mark.django_db
def test_reflection_log_page_and_pdf(learner_client, ready_enrollment, django_capture_on_commit_callbacks):
    """The learner reads and downloads their own reflections (the PDF is rendered by a task, decision 0802)."""
    page = learner_client.get(reverse("enrolments:reflections", args=[ready_enrollment.pk])).content.decode()
    assert "I keep my accounts apart." in page
    with django_capture_on_commit_callbacks(execute=True):
        assert learner_client.get(reverse("enrolments:reflections_pdf", args=[ready_enrollment.pk])).status_code == 202
    pdf = learner_client.get(reverse("enrolments:reflections_pdf", args=[ready_enrollment.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_organization_admin_never_sees_reflections(ready_enrollment):
    """An admin of the learner's organization gets 404 for the learner's reflections and steps."""
    from accounts.models import User

    organization = Organization.objects.create(name="Institut", slug="institut")
    ready_enrollment.organization = organization
    ready_enrollment.save()
    Membership.objects.create(organization=organization, user=ready_enrollment.user, role="learner")
    admin = User.objects.create_user("admin@example.org", "pw-pw-pw-pw", name="Admin")
    Membership.objects.create(organization=organization, user=admin, role="admin")
    client = Client()
    client.force_login(admin)
    reflection_step = step(ready_enrollment.course_version, "reflect")
    assert client.get(reverse("enrolments:reflections", args=[ready_enrollment.pk])).status_code == 404
    assert client.get(reverse("enrolments:reflections_pdf", args=[ready_enrollment.pk])).status_code == 404
    assert client.get(reverse("enrolments:step", args=[ready_enrollment.pk, reflection_step.pk])).status_code == 404


def test_principles_page(client, db, version):
    """The taxonomy is public with names and definitions in the active language."""
    page = client.get(reverse("courses:principles"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Abstinence" in page and "Not meeting one&#x27;s own needs." in page


@pytest.fixture
def media_package(tmp_path):
    target = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, target)
    (target / "media").mkdir(exist_ok=True)
    (target / "media" / "feed.png").write_bytes(PNG)
    path = target / "modules" / "02-two.yaml"
    path.write_text(
        path.read_text().replace(
            "  - kind: reflection",
            '  - kind: media\n    slug: pic\n    title: {de: "Bild", en: "Picture"}\n    image: media/feed.png\n'
            '    alt: {de: "Ein Feed", en: "A feed"}\n  - kind: reflection',
        )
    )
    return target


@pytest.mark.django_db
def test_media_step_serves_its_image_to_enrolled_learners(media_package, learner, make_user):
    """An imported image is stored and served with its alt text, to the enrolled learner only."""
    version = import_package(read_package(media_package)).version
    enrollment = services.enroll(version, user=learner)
    complete_all_steps(enrollment)
    pic = step(version, "pic")
    client = Client()
    client.force_login(learner)
    page = client.get(reverse("enrolments:step", args=[enrollment.pk, pic.pk]))
    assert 'alt="Ein Feed"' in page.content.decode()  # the learner's profile language is German
    image = client.get(reverse("enrolments:media", args=[enrollment.pk, pic.pk, "feed.png"]))
    assert b"".join(image.streaming_content) == PNG
    other = Client()
    other.force_login(make_user("other@example.org", "Other"))
    assert other.get(reverse("enrolments:media", args=[enrollment.pk, pic.pk, "feed.png"])).status_code == 404


def test_video_without_captions_or_transcript_is_refused(media_package):
    """A video needs captions or a transcript."""
    (media_package / "media" / "talk.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    path = media_package / "modules" / "02-two.yaml"
    path.write_text(
        path.read_text().replace(
            '    image: media/feed.png\n    alt: {de: "Ein Feed", en: "A feed"}\n', "    video: media/talk.mp4\n"
        )
    )
    with pytest.raises(InvalidPackage) as excinfo:
        read_package(media_package)
    assert any("a video needs captions or a transcript" in str(e) for e in excinfo.value.errors)


@pytest.mark.django_db
def test_course_overview_query_count_is_flat(learner_client, ready_enrollment, django_assert_num_queries):
    """The course overview (enrolment page) runs a fixed number of queries; the version's structure, its
    principle index and its take-aways and references are read on the first request of a process only."""
    url = reverse("enrolments:enrollment", args=[ready_enrollment.pk])
    # Cold: the version's modules and steps (2), its vignette and check content (1), its take-aways and
    # references (1) besides the 9 warm ones below.
    with django_assert_num_queries(13):
        assert learner_client.get(url).status_code == 200
    # User, enrolment (2; the session comes from the cache, decision 0413); the learner's progress, once for
    # the outline, active time and principle profile (1, decision 0412); the final test's policy, read once
    # for the next action and both panels (attempts, assessment, accommodation: 3); the current certificate
    # (1); principle profile: choices, principles (2). 25 on the flagship before issue 21 (docs/PERFORMANCE.md).
    with django_assert_num_queries(9) as warm:
        page = learner_client.get(url).content.decode()
    assert "abstinence" in page.lower() or "Abstinenz" in page
    progress_reads = [q["sql"] for q in warm.captured_queries if 'FROM "courses_stepprogress"' in q["sql"]]
    assert len(progress_reads) == 1


@pytest.mark.django_db
def test_overview_reads_progress_once_where_active_time_is_required(learner_client, ready_enrollment):
    """With a minimum active time (as on the flagship's German profile) the final test's check takes the
    page's progress too: still one progress read per request (decision 0412)."""
    accreditation = ready_enrollment.accreditation
    accreditation.min_active_share = "0.50"
    accreditation.save(update_fields=["min_active_share"])
    url = reverse("enrolments:enrollment", args=[ready_enrollment.pk])
    learner_client.get(url)
    with CaptureQueriesContext(connection) as warm:
        assert learner_client.get(url).status_code == 200
    progress_reads = [q["sql"] for q in warm.captured_queries if 'FROM "courses_stepprogress"' in q["sql"]]
    assert len(progress_reads) == 1


@pytest.mark.django_db
def test_one_progress_read_gives_what_the_separate_reads_give(ready_enrollment, version):
    """The overview's single progress read (decision 0412) agrees with each selector reading on its own."""
    services.visit_step(ready_enrollment, step(version, "intro"), now=timezone.now() - timedelta(seconds=70))
    services.visit_step(ready_enrollment, step(version, "follow"))
    accreditation = ready_enrollment.accreditation
    accreditation.min_active_share = "0.50"
    accreditation.save(update_fields=["min_active_share"])
    ready_enrollment.refresh_from_db()
    read = selectors.read_progress(ready_enrollment)
    assert read.seconds[step(version, "intro").pk] == 70
    assert selectors.principle_profile(ready_enrollment, read) == selectors.principle_profile(ready_enrollment)
    assert selectors.active_minutes(ready_enrollment, read) == selectors.active_minutes(ready_enrollment)
    assert selectors.active_time(ready_enrollment, read) == selectors.active_time(ready_enrollment)
    assert selectors.required_steps_done(ready_enrollment, read) == selectors.required_steps_done(ready_enrollment)
    assert selectors.completion_problems(ready_enrollment, read) == selectors.completion_problems(ready_enrollment)
    assert selectors.outline(ready_enrollment, full=True).modules == selectors.outline(ready_enrollment).modules


@pytest.mark.django_db(transaction=True)
def test_a_visit_commits_once(enrollment, version):
    """Moving to another step writes up to three statements, all inside one transaction: one commit instead of
    three (each commit is a WAL flush on PostgreSQL)."""
    intro, vignette = step(version, "intro"), step(version, "follow")
    start = timezone.now()
    services.visit_step(enrollment, intro, now=start)
    seen = []

    def record(execute, sql, params, many, context):
        seen.append((sql.split()[0].upper(), connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        services.visit_step(enrollment, vignette, now=start + timedelta(seconds=75))
    writes = [(verb, atomic) for verb, atomic in seen if verb in {"UPDATE", "INSERT"}]
    assert len(writes) == 3
    assert all(atomic for _verb, atomic in writes), writes
    assert StepProgress.objects.get(enrollment=enrollment, step=intro).active_seconds == 75
    enrollment.refresh_from_db()
    assert enrollment.last_step_id == vignette.pk
