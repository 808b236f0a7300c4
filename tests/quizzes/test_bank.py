"""Item versions, item types, case-based sets and the stratified, seeded draw."""

import html
import shutil
from collections import Counter

import pytest
from django.urls import reverse

from courses.packages.importing import import_package
from courses.packages.reading import read_package
from quizzes import bank, blueprint, services
from quizzes.errors import QuizError
from quizzes.models import AttemptItem, Item
from tests.conftest import MINI_COURSE
from tests.quizzes.conftest import add_bank, add_item, assessment_of, post_data, set_policy


@pytest.mark.django_db
def test_revising_an_item_writes_a_new_version_and_attempts_keep_theirs(ready_enrollment, version):
    """Editing makes version 2; an attempt that showed version 1 still shows and grades version 1."""
    attempt = services.start_attempt(ready_enrollment)
    shown = AttemptItem.objects.filter(attempt=attempt).select_related("item").get(item__key="q1")
    old = shown.item
    new = bank.revise_item(old, stem={"de": "Frage eins, neu?", "en": "Question one, new?"})
    assert (new.version, new.is_current) == (2, True)
    old.refresh_from_db()
    assert not old.is_current and old.stem["de"] == "Frage eins?"
    assert new.content_hash != old.content_hash
    shown.refresh_from_db()
    assert shown.item_id == old.pk
    services.submit_attempt(attempt, answers=services.parse_form(post_data(attempt, correct=True)))
    attempt.refresh_from_db()
    assert attempt.score == 100
    with pytest.raises(QuizError):
        bank.revise_item(old, stem={"de": "x", "en": "x"})


@pytest.mark.django_db
def test_new_attempts_draw_the_current_version(ready_enrollment):
    """After a revision, the next attempt shows the new version."""
    q1 = Item.objects.get(key="q1")
    new = bank.revise_item(q1, difficulty="hard")
    attempt = services.start_attempt(ready_enrollment)
    assert AttemptItem.objects.filter(attempt=attempt, item__key="q1").get().item_id == new.pk


@pytest.mark.django_db
def test_revision_checks_the_key(version):
    """A single-choice revision with two correct options is refused and writes nothing."""
    q1 = Item.objects.get(key="q1")
    options = [
        {"key": "a", "text": {"de": "A", "en": "A"}, "rationale": {"de": "r", "en": "r"}, "correct": True},
        {"key": "b", "text": {"de": "B", "en": "B"}, "rationale": {"de": "r", "en": "r"}, "correct": True},
    ]
    with pytest.raises(QuizError) as excinfo:
        bank.revise_item(q1, options=options)
    assert excinfo.value.code == "key_count"
    assert Item.objects.filter(key="q1").count() == 1


@pytest.mark.django_db
def test_reimport_keeps_version_numbers_of_unchanged_items(version, tmp_path):
    """A new course version keeps an unchanged item's version number and counts up a changed one."""
    copy = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, copy)
    bank_file = copy / "items" / "final.yaml"
    bank_file.write_text(bank_file.read_text().replace("Frage zwei?", "Frage zwei, geschärft?"))
    second = import_package(read_package(copy)).version
    versions = dict(Item.objects.filter(course_version=second).values_list("key", "version"))
    assert versions == {"q1": 1, "q2": 2}


@pytest.mark.django_db
def test_multiple_response_partial_credit_with_negative_marking(ready_enrollment, version):
    """Partial credit: right choices add, wrong ones subtract, never below zero; all-or-nothing is strict."""
    partial = add_item(
        version,
        "mr",
        type=Item.Type.MULTIPLE,
        scoring=Item.Scoring.PARTIAL,
        correct=("a", "b"),
        keys=("a", "b", "c", "d"),
    )
    strict = add_item(version, "mr2", module="two", type=Item.Type.MULTIPLE, correct=("a", "b"), keys=("a", "b", "c"))
    set_policy(ready_enrollment, blueprint={"one": 2, "two": 2}, draw=4)
    attempt = services.start_attempt(ready_enrollment)
    rows = {ai.item.key: ai for ai in AttemptItem.objects.filter(attempt=attempt).select_related("item")}
    by_key = {item.pk: {o.key: o.pk for o in item.options.all()} for item in (partial, strict)}
    p, s = by_key[partial.pk], by_key[strict.pk]
    services.submit_attempt(attempt, answers={rows["mr"].pk: [p["a"], p["c"]], rows["mr2"].pk: [s["a"]]})
    rows["mr"].refresh_from_db()
    rows["mr2"].refresh_from_db()
    assert rows["mr"].credit == pytest.approx(0.5 - 0.5)  # one of two right, one of two wrong
    assert rows["mr2"].credit == 0.0


@pytest.mark.django_db
def test_true_false_options_are_shuffled_too(ready_enrollment, version):
    """True/false options go through the seeded shuffle like every other item: 'true' is not always first."""
    tf = add_item(version, "tf", type=Item.Type.TRUEFALSE, correct=("true",), keys=("true", "false"))
    set_policy(ready_enrollment, blueprint={"one": 2, "two": 1}, draw=3)
    attempt = services.start_attempt(ready_enrollment)
    row = AttemptItem.objects.get(attempt=attempt, item=tf)
    authored = [o.pk for o in tf.options.order_by("position")]
    assert row.option_order == blueprint.option_order(authored, attempt.seed, row.position)
    assert {tuple(blueprint.option_order(authored, seed, 1)) for seed in range(20)} == {
        tuple(authored),
        tuple(reversed(authored)),
    }


def units(spec):
    """Build units from {key: (module, size, principles)}."""
    return [
        blueprint.Unit(key, module, tuple(f"{key}.{n}" for n in range(size)), Counter(principles))
        for key, (module, size, principles) in spec.items()
    ]


BANK = {
    **{f"a{n}": ("one", 1, ["abstinence"]) for n in range(6)},
    **{f"b{n}": ("one", 1, ["autonomy"]) for n in range(3)},
    **{f"c{n}": ("two", 1, ["autonomy"]) for n in range(6)},
    "case-x": ("two", 3, ["abstinence", "abstinence", "justice"]),
}


def test_draw_meets_module_and_principle_quotas_without_repeats():
    """Exact module counts, principle minimums met, no repeats, and the same seed gives the same draw."""
    for seed in range(50):
        keys = blueprint.draw(units(BANK), seed=seed, modules={"one": 4, "two": 4}, principles={"justice": 1})
        assert len(keys) == len(set(keys)) == 8
        assert sum(k.startswith(("a", "b")) for k in keys) == 4
        assert "case-x.0" in keys  # the only unit with 'justice'
        assert keys == blueprint.draw(units(BANK), seed=seed, modules={"one": 4, "two": 4}, principles={"justice": 1})


def test_case_sets_are_drawn_whole_and_together():
    """A case-based set is drawn with all its items, next to each other, in their order."""
    seen = 0
    for seed in range(60):
        keys = blueprint.draw(units(BANK), seed=seed, modules={"two": 4})
        if "case-x.0" in keys:
            seen += 1
            start = keys.index("case-x.0")
            assert keys[start : start + 3] == ["case-x.0", "case-x.1", "case-x.2"]
        else:
            assert not any(k.startswith("case-x") for k in keys)
    assert 0 < seen < 60


def test_principle_only_blueprint_draws_the_total():
    """With principle quotas only, the draw takes the total and meets each minimum."""
    keys = blueprint.draw(units(BANK), seed=7, principles={"abstinence": 4, "autonomy": 2}, total=7)
    assert len(keys) == 7


def test_impossible_blueprints_say_why():
    """Too few items in a module or for a principle is a clear error."""
    with pytest.raises(blueprint.BlueprintError, match="module 'one' has 9 items"):
        blueprint.draw(units(BANK), seed=1, modules={"one": 10})
    with pytest.raises(blueprint.BlueprintError, match="principle 'justice'"):
        blueprint.draw(units(BANK), seed=1, modules={"one": 2}, principles={"justice": 2})
    # 'two' wants 2 items and a 'justice' item: only the 3-item case has one, which does not fit.
    with pytest.raises(blueprint.BlueprintError, match="no draw satisfies"):
        blueprint.draw(units(BANK), seed=1, modules={"two": 2}, principles={"justice": 1})


@pytest.mark.django_db
def test_principle_quotas_of_the_assessment_apply(ready_enrollment, version):
    """The assessment's principle quotas shape a real draw."""
    add_bank(version, per_module=4)
    set_policy(ready_enrollment, blueprint={"one": 2, "two": 2}, draw=4)
    assessment = assessment_of(ready_enrollment)
    assessment.principle_quotas = {"autonomy": 4}
    assessment.save()
    attempt = services.start_attempt(ready_enrollment)
    principles = [ai.item.principles for ai in AttemptItem.objects.filter(attempt=attempt).select_related("item")]
    assert all("autonomy" in p for p in principles)


@pytest.mark.django_db
def test_an_undrawable_blueprint_is_a_clear_409(learner_client, ready_enrollment):
    """A blueprint the bank cannot satisfy refuses to start with a message for the course team."""
    set_policy(ready_enrollment, blueprint={"one": 5}, draw=5)
    response = learner_client.post(reverse("quizzes:start", args=[ready_enrollment.pk]))
    assert response.status_code == 409
    assert "module 'one' has 1 items" in html.unescape(response.content.decode())


@pytest.mark.django_db
def test_case_set_needs_unused_items_of_one_module(ready_enrollment, version):
    """A case groups at least two items of its module that no attempt has shown yet."""
    one, two = add_item(version, "k1"), add_item(version, "k2", module="two")
    with pytest.raises(QuizError):
        bank.create_case_set(version, key="k", module="one", stem={"de": "V", "en": "V"}, items=[one, two])
    attempt = services.start_attempt(ready_enrollment)
    shown = [ai.item for ai in AttemptItem.objects.filter(attempt=attempt).select_related("item")]
    with pytest.raises(QuizError) as excinfo:
        bank.create_case_set(version, key="k", module="one", stem={"de": "V", "en": "V"}, items=[shown[0], one])
    assert excinfo.value.code in {"case_used", "case_mix"}
