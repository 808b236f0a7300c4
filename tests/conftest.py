"""Shared fixtures: a real imported course package, learners, and helpers that walk the real services."""

from pathlib import Path

import pytest
from django.test import Client

from accounts.models import User
from courses import versioncache
from courses.models import CourseVersion, Step
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from enrolments.models import Enrollment
from enrolments.services import learning as course_services

FIXTURES = Path(__file__).parent / "fixtures"
MINI_COURSE = FIXTURES / "mini-course"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request through LocaleMiddleware leaves its
    language active in the thread, and a later test rendering outside a request would inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_version_caches():
    """Per-version caches key on the version id, and a rolled-back test can hand the same id out again."""
    versioncache.clear()
    yield
    versioncache.clear()


@pytest.fixture
def version(db) -> CourseVersion:
    return import_package(read_package(MINI_COURSE)).version


# The authenticator-app secret of every test user that has a second factor (base32).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def verified_user(email: str, name: str, password: str | None = "a-long-test-password", **extra) -> User:
    """A user whose address is confirmed, as after following the e-mailed link."""
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email, password, name=name, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def with_second_factor(user: User) -> User:
    """Give the user an authenticator app (TOTP_SECRET) and recovery codes, as organization admins must have."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)
    RecoveryCodes.activate(user)
    return user


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator app's current code."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())  # [now - tolerance … now + tolerance]
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


@pytest.fixture
def make_user(db):
    def make(email: str = "learner@example.org", name: str = "Alex Beispiel", **extra) -> User:
        return verified_user(email, name, **extra)

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


def choice_value(enrollment, step, where: str, option_id: str) -> str:
    """The opaque value a step page sends for an authored option (``where``: a node id, or ``item:<id>``)."""
    from courses import opaque
    from enrolments.choices import scope

    return opaque.values(scope(enrollment.pk, step.pk, where), [option_id])[option_id]


def answer_all(attempt, *, correct: bool) -> dict[str, list[str]]:
    """POST data answering every drawn item right (or wrong), with the opaque values the page shows."""
    from quizzes.selectors import option_values

    data = {}
    for attempt_item in attempt.attempt_items.select_related("item").prefetch_related("item__options"):
        option = next(o for o in attempt_item.item.options.all() if o.correct == correct)
        data[f"item-{attempt_item.pk}"] = [option_values(attempt_item)[option.pk]]
    return data
