"""Shared fixtures: a real imported course package, learners, and helpers that walk the real services."""

from pathlib import Path

import pytest
from django.test import Client

from accounts.models import User
from courses.models import CourseVersion, Step
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from enrolments.models import Enrollment
from enrolments.services import learning as course_services

FIXTURES = Path(__file__).parent / "fixtures"
MINI_COURSE = FIXTURES / "mini-course"


@pytest.fixture
def version(db) -> CourseVersion:
    return import_package(read_package(MINI_COURSE)).version


@pytest.fixture
def make_user(db):
    def make(email: str = "learner@example.org", name: str = "Alex Beispiel", **extra) -> User:
        return User.objects.create_user(email, "a-long-test-password", name=name, **extra)

    return make


@pytest.fixture
def learner(make_user) -> User:
    return make_user()


@pytest.fixture
def learner_client(learner) -> Client:
    client = Client()
    client.force_login(learner)
    return client


@pytest.fixture
def enrollment(version, learner) -> Enrollment:
    return course_services.enroll(version, user=learner)


def complete_all_steps(enrollment: Enrollment) -> None:
    """Walk every required step through the real services, as a learner would."""
    for step in Step.objects.filter(module__version=enrollment.course_version).order_by("module__position", "position"):
        if step.kind == Step.Kind.VIGNETTE:
            course_services.choose(enrollment, step, node="decide", selected=["decline"])
            course_services.choose(enrollment, step, node="after", selected=["a"])
        elif step.kind == Step.Kind.CHECK:
            course_services.answer_check(enrollment, step, answers={"one-c1": ["a"]})
        elif step.kind == Step.Kind.REFLECTION:
            course_services.save_reflection(enrollment, step, text="I keep my accounts apart.")
        else:
            course_services.complete_step(enrollment, step)


@pytest.fixture
def ready_enrollment(enrollment) -> Enrollment:
    complete_all_steps(enrollment)
    return enrollment


def answer_all(attempt, *, correct: bool) -> dict[str, list[str]]:
    """POST data answering every drawn item right (or wrong)."""
    data = {}
    for attempt_item in attempt.attempt_items.select_related("item").prefetch_related("item__options"):
        option = next(o for o in attempt_item.item.options.all() if o.correct == correct)
        data[f"item-{attempt_item.pk}"] = [str(option.pk)]
    return data
