"""Case-based sets and final-test settings in course packages (decisions 0202, 0203)."""

import shutil

import pytest
from django.core.management import call_command

from courses.packages.errors import InvalidPackage
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from quizzes.models import Assessment, CaseSet, Item
from tests.conftest import MINI_COURSE

CASE = """
- case: two-case
  module: two
  vignette: {de: "Eine Patientin kommentiert öffentlich.", en: "A patient comments in public."}
  items:
    - id: two-case-a
      type: single
      principles: [autonomy]
      difficulty: medium
      stem: {de: "Erste Frage?", en: "First question?"}
      options:
        - {id: a, correct: true, text: {de: "Ja", en: "Yes"}, rationale: {de: "Weil.", en: "Because."}}
        - {id: b, text: {de: "Nein", en: "No"}, rationale: {de: "Nein.", en: "No."}}
    - id: two-case-b
      type: truefalse
      principles: [autonomy, abstinence]
      difficulty: hard
      stem: {de: "Zweite Frage?", en: "Second question?"}
      options:
        - {id: true, correct: true, text: {de: "Wahr", en: "True"}, rationale: {de: "Weil.", en: "Because."}}
        - {id: false, text: {de: "Falsch", en: "False"}, rationale: {de: "Nein.", en: "No."}}
"""


@pytest.fixture
def package_dir(tmp_path):
    target = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, target)
    (target / "items" / "cases.yaml").write_text(CASE)
    course = target / "course.yaml"
    course.write_text(
        course.read_text().replace(
            "    wording:",
            "    grading: last\n    layout: paged\n    time_limit_minutes: 30\n    grace_minutes: 2\n"
            "    principle_quotas: {autonomy: 1}\n"
            "    review: {right_after: [score, principles, correctness], after_close: [score, answer]}\n"
            "    wording:",
        )
    )
    return target


@pytest.mark.django_db
def test_case_sets_and_assessment_settings_are_imported(package_dir):
    """A case becomes a CaseSet with its items in order; the profile's test settings reach the Assessment."""
    version = import_package(read_package(package_dir)).version
    case = CaseSet.objects.get(course_version=version)
    assert case.key == "two-case"
    assert case.stem["en"] == "A patient comments in public."
    members = Item.objects.filter(case=case).order_by("case_position")
    assert [(i.key, i.case_position, i.module_slug) for i in members] == [
        ("two-case-a", 1, "two"),
        ("two-case-b", 2, "two"),
    ]
    assessment = Assessment.objects.get(course_version=version, accreditation__key="de-d")
    assert (assessment.grading_method, assessment.layout) == ("last", "paged")
    assert (assessment.time_limit_minutes, assessment.grace_minutes) == (30, 2)
    assert assessment.principle_quotas == {"autonomy": 1}
    assert assessment.review["after_close"] == ["score", "answer"]
    assert assessment.review["during"] == []


@pytest.mark.django_db
def test_cases_round_trip_through_export(package_dir, tmp_path):
    """Export writes the case nested again; re-importing it is a no-op."""
    first = import_package(read_package(package_dir))
    target = tmp_path / "exported"
    call_command("export_course", "mini-course", str(target))
    assert "case: two-case" in (target / "items" / "bank.yaml").read_text()
    again = read_package(target)
    assert again.content_hash == first.version.content_hash
    assert import_package(again).created is False


def test_blueprint_that_would_split_a_case_is_refused(package_dir):
    """Drawing 1 item from a module whose bank is only a case of two would split the case."""
    bank = package_dir / "items" / "final.yaml"
    text = bank.read_text()
    bank.write_text(text[: text.index("- id: q2")])
    with pytest.raises(InvalidPackage) as excinfo:
        read_package(package_dir)
    assert any("without splitting a case-based set" in str(e) for e in excinfo.value.errors)


def test_review_during_the_attempt_is_refused(package_dir):
    """Nothing may be shown during an attempt; the schema names the field."""
    course = package_dir / "course.yaml"
    course.write_text(course.read_text().replace("review: {", "review: {during: [answer], "))
    with pytest.raises(InvalidPackage) as excinfo:
        read_package(package_dir)
    assert any("review.during" in str(e) for e in excinfo.value.errors), excinfo.value.errors


def test_unknown_principle_quota_is_refused(package_dir):
    """Principle quotas name principles of the package."""
    course = package_dir / "course.yaml"
    course.write_text(course.read_text().replace("{autonomy: 1}", "{vanity: 1}"))
    with pytest.raises(InvalidPackage) as excinfo:
        read_package(package_dir)
    assert any("unknown principle 'vanity'" in str(e) for e in excinfo.value.errors)
