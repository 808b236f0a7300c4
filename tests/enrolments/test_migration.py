"""
The learner's models moved from ``courses`` to ``enrolments`` (decision 0008). A database migrated before
the move must upgrade without losing a row: this test migrates back to the previous layout, fills it through
that layout's own (historical) models, migrates forward and finds every row through the new models.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from enrolments.models import (
    Cohort,
    Enrollment,
    EnrolmentImport,
    EvaluationResponse,
    Reflection,
    StepProgress,
    VignetteChoice,
)
from quizzes.models import Accommodation

pytestmark = pytest.mark.django_db(transaction=True)

# Every app of the project at its last migration before the move, so the database is the old layout.
BEFORE = [
    ("accounts", "0001_initial"),
    ("organizations", "0003_certificate_corrected_action"),
    ("courses", "0004_cohorts_enrolment_imports_eiv_passwords"),
    ("quizzes", "0002_item_versions_assessments_accommodations_statistics"),
    ("certificates", "0003_organizer_logo"),
    ("enrolments", None),
]
MOVED = [
    "Enrollment",
    "StepProgress",
    "VignetteChoice",
    "Reflection",
    "EvaluationResponse",
    "Cohort",
    "EnrolmentImport",
]


def _migrate(targets: list[tuple[str, str | None]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _populate(old) -> dict[str, int]:
    """Rows of every moved model (and a row of another app pointing at one) in the previous layout."""
    user = old.get_model("accounts", "User").objects.create(email="learner@example.org", name="Lea Lernend")
    organization = old.get_model("organizations", "Organization").objects.create(name="Institut", slug="institut")
    course = old.get_model("courses", "Course").objects.create(slug="mini")
    version = old.get_model("courses", "CourseVersion").objects.create(
        course=course, number=1, content_hash="0" * 64, title={"en": "Mini"}
    )
    module = old.get_model("courses", "Module").objects.create(version=version, position=1, slug="m1")
    step = old.get_model("courses", "Step").objects.create(module=module, position=1, slug="s1", kind="text")
    accreditation = old.get_model("courses", "Accreditation").objects.create(
        course_version=version, key="de", body="Kammer", points=Decimal("2.0")
    )
    cohort = old.get_model("courses", "Cohort").objects.create(
        organization=organization,
        name="Herbst",
        course_version=version,
        accreditation=accreditation,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    cohort.tutors.add(user)
    enrollment = old.get_model("courses", "Enrollment").objects.create(
        user=user, course_version=version, accreditation=accreditation, organization=organization, cohort=cohort
    )
    old.get_model("courses", "StepProgress").objects.create(enrollment=enrollment, step=step, active_seconds=90)
    old.get_model("courses", "VignetteChoice").objects.create(enrollment=enrollment, step=step, node="n1", option="a")
    old.get_model("courses", "Reflection").objects.create(enrollment=enrollment, step=step, text="private")
    old.get_model("courses", "EvaluationResponse").objects.create(
        course_version=version, answers={"overall": 5}, submitted_month=datetime.date(2026, 11, 1)
    )
    old.get_model("courses", "EnrolmentImport").objects.create(
        organization=organization, cohort=cohort, filename="list.csv", sha256="1" * 64, rows=1
    )
    old.get_model("quizzes", "Accommodation").objects.create(enrollment=enrollment, time_multiplier=Decimal("1.5"))
    return {"enrollment": enrollment.pk, "cohort": cohort.pk, "user": user.pk}


def test_a_populated_database_of_the_previous_layout_upgrades_without_losing_a_row():
    old = _migrate(BEFORE)
    assert "courses_enrollment" in connection.introspection.table_names()
    ids = _populate(old)
    before = {name: old.get_model("courses", name).objects.count() for name in MOVED}
    assert all(before.values()), before

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    models = {
        "Enrollment": Enrollment,
        "StepProgress": StepProgress,
        "VignetteChoice": VignetteChoice,
        "Reflection": Reflection,
        "EvaluationResponse": EvaluationResponse,
        "Cohort": Cohort,
        "EnrolmentImport": EnrolmentImport,
    }
    assert {name: model.objects.count() for name, model in models.items()} == before
    enrollment = Enrollment.objects.select_related("cohort", "accreditation").get(pk=ids["enrollment"])
    assert enrollment.cohort.pk == ids["cohort"]
    assert enrollment.accreditation.body == "Kammer"
    # Decision 0310's migration: an accreditation of a course without an owner is held by nobody.
    assert (enrollment.accreditation.holder_id, enrollment.accreditation.unit) == (None, "fe")
    assert enrollment.progress.get().active_seconds == 90
    assert enrollment.reflections.get().text == "private"
    assert list(Cohort.objects.get(pk=ids["cohort"]).tutors.values_list("pk", flat=True)) == [ids["user"]]
    assert Accommodation.objects.get(enrollment=enrollment).time_multiplier == Decimal("1.5")
    # Content types (and with them permissions and admin log entries) follow the models.
    assert not ContentType.objects.filter(app_label="courses", model__in=[m.lower() for m in MOVED]).exists()
