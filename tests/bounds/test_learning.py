"""Reflections and the evaluation comment: bounded and free of control characters; the log PDF from a task."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from courses.models import Step
from enrolments.models import EvaluationResponse, Reflection
from enrolments.services import learning, reflection_log
from tests.conftest import complete_all_steps

from .conftest import english_client


@pytest.fixture
def reflection_step(enrollment) -> Step:
    complete_all_steps(enrollment)
    return Step.objects.get(module__version=enrollment.course_version, kind=Step.Kind.REFLECTION)


def post_reflection(client, enrollment, step, text):
    return client.post(reverse("enrolments:step", args=[enrollment.pk, step.pk]), {"action": "reflect", "text": text})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Meine Haltung\x00", "control character NUL"),
        ("Meine \x1b[2J Haltung", "control character U+001B"),
        ("x" * 1_000_000, "at most 20,000"),
    ],
)
def test_reflections_are_bounded(learner, enrollment, reflection_step, text, message):
    """A NUL in a reflection gave a 500 on PostgreSQL; a 1 MB reflection was stored and then broke its PDF."""
    response = post_reflection(english_client(learner), enrollment, reflection_step, text)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Reflection.objects.get(enrollment=enrollment, step=reflection_step).text == "I keep my accounts apart."


def test_a_reflection_keeps_its_line_breaks(learner, enrollment, reflection_step):
    post_reflection(english_client(learner), enrollment, reflection_step, "First.\r\n\tSecond.")
    assert Reflection.objects.get(step=reflection_step).text == "First.\r\n\tSecond."


@pytest.mark.parametrize(("comment", "message"), [("Gut\x00", "NUL"), ("y" * 4001, "at most 4,000")])
def test_evaluation_comment_is_bounded(learner, enrollment, comment, message):
    """A NUL in the evaluation comment gave a 500; a long one was cut silently at 4,000 characters."""
    data = {key: "4" for key, _text in learning.evaluation.ITEMS} | {"comment": comment}
    response = english_client(learner).post(reverse("enrolments:evaluation", args=[enrollment.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EvaluationResponse.objects.exists()


def test_reflection_log_is_rendered_by_the_task_not_the_request(
    learner, enrollment, reflection_step, django_capture_on_commit_callbacks
):
    """The request only queues the task; the page says the PDF is being prepared; then the PDF is served."""
    client = english_client(learner)
    url = reverse("enrolments:reflections_pdf", args=[enrollment.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(url)
    assert response.status_code == 202
    assert "being prepared" in response.content.decode()
    # enqueue_on_commit registers partial(_send, task, args, kwargs): the task and its arguments.
    assert [(callback.args[0].name, callback.args[1]) for callback in callbacks] == [
        ("enrolments.tasks.render_reflection_log_task", (enrollment.pk, "en"))
    ]
    for callback in callbacks:
        callback()  # what the worker does (Celery runs eagerly in tests)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_reflection_log_input_is_bounded(enrollment, reflection_step):
    """However many long reflections there are, the log prints at most LOG_MAX_CHARS characters of them."""
    Reflection.objects.filter(enrollment=enrollment).update(text="z" * 300_000)  # stored before the limit
    printed = reflection_log.entries(enrollment)
    assert sum(len(entry["text"]) for entry in printed) <= reflection_log.LOG_MAX_CHARS
    assert printed[0]["shortened"] is True


def test_an_edit_replaces_the_stored_log_and_erasure_removes_it(learner, enrollment, reflection_step):
    first = reflection_log.render_log(enrollment.pk, "en")
    learning.save_reflection(enrollment, reflection_step, text="Changed my mind.")
    second = reflection_log.render_log(enrollment.pk, "en")
    assert first != second
    assert not default_storage.exists(first) and default_storage.exists(second)
    learning.forget_reflections(learner, by=learner)
    assert not default_storage.exists(second)
