"""Every rule of the package validator, pinned by the exact ``file:line: message`` it reports.

One row per rule: a change to the mini course and the complete list of errors it must produce. The rows
were recorded on the single-module validator before it became the ``courses/packages/`` folder, so they
prove the split and the removal of Python checks that repeated the JSON Schema changed no outcome.
Structural mistakes are reported by the schema (and only by it); the rules after it need the whole package.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from courses.packages.errors import InvalidPackage
from courses.packages.reading import read_package
from tests.conftest import MINI_COURSE

ONE = "modules/01-one.yaml"
TWO = "modules/02-two.yaml"
FINAL = "items/final.yaml"
CASE_SET = (
    "- case: {case}\n  module: two\n  vignette: {{de: Fall, en: Case}}\n  items:\n"
    "    - {{id: {case}1, principles: [autonomy], difficulty: easy, stem: {{de: A, en: A}},\n"
    "       options: [{{id: a, correct: true, text: {{de: A, en: A}}, rationale: {{de: A, en: A}}}}, {{id: b,\n"
    "                 text: {{de: B, en: B}}, rationale: {{de: B, en: B}}}}]}}\n"
    "    - {{id: {case}2, principles: [autonomy], difficulty: easy, stem: {{de: A, en: A}},\n"
    "       options: [{{id: a, correct: true, text: {{de: A, en: A}}, rationale: {{de: A, en: A}}}}, {{id: b,\n"
    "                 text: {{de: B, en: B}}, rationale: {{de: B, en: B}}}}]}}\n"
)
MEDIA_STEP = "  - kind: media\n    slug: pic\n    title: {de: Bild, en: Picture}\n"


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` by ``new`` in ``path`` (``old=None``: write ``new`` as the file; ``new=None``: delete)."""

    path: str
    old: str | None
    new: str | None


def media(fields: str) -> Edit:
    """Insert a media step with these (indented) fields before module two's reflection."""
    return Edit(TWO, "  - kind: reflection", MEDIA_STEP + fields + "  - kind: reflection")


CASES: dict[str, tuple[list[Edit], list[str]]] = {
    # Reading
    "course.yaml missing": ([Edit("course.yaml", None, None)], ["mini-course/course.yaml:1: course.yaml is missing"]),
    "not UTF-8": (
        [Edit(TWO, None, "slug: two\ntitle: caf\xe9\n")],
        [
            "mini-course/modules/02-two.yaml:2: not UTF-8 text: byte 0xE9 (invalid continuation byte); "
            "save the file as UTF-8"
        ],
    ),
    "duplicate key": (
        [Edit(TWO, "minutes: 95\n", "minutes: 95\nminutes: 30\n")],
        ["mini-course/modules/02-two.yaml:3: YAML syntax error: duplicate key 'minutes'"],
    ),
    # The schema: structure, types, patterns, ranges, required keys
    "empty course.yaml": (
        [Edit("course.yaml", None, "")],
        ["mini-course/course.yaml:1: (file): None is not of type 'object'"],
    ),
    "course slug pattern": (
        [Edit("course.yaml", "slug: mini-course", "slug: Mini_Course")],
        ["mini-course/course.yaml:1: slug: 'Mini_Course' does not match '^[a-z0-9][a-z0-9-]*$'"],
    ),
    "course title missing": (
        [Edit("course.yaml", 'title: {de: "Minikurs", en: "Mini course"}\n', "")],
        ["mini-course/course.yaml:1: (file): 'title' is a required property"],
    ),
    "no languages": (
        [Edit("course.yaml", "languages: [de, en]", "languages: []")],
        ["mini-course/course.yaml:2: languages: [] should be non-empty"],
    ),
    "lead without name": (
        [Edit("course.yaml", 'name: "Dr. Test Lead", ', "")],
        ["mini-course/course.yaml:5: scientific_lead: 'name' is a required property"],
    ),
    "reference without text": (
        [Edit("course.yaml", "sequential: true", "sequential: true\nreferences:\n  - {key: ab}")],
        ["mini-course/course.yaml:8: references.0: 'text' is a required property"],
    ),
    "empty principles.yaml": (
        [Edit("principles.yaml", None, "")],
        ["mini-course/principles.yaml:1: (file): None is not of type 'array'"],
    ),
    "principle slug pattern": (
        [Edit("principles.yaml", "slug: autonomy", "slug: Autonomy")],
        ["mini-course/principles.yaml:4: 1.slug: 'Autonomy' does not match '^[a-z0-9][a-z0-9-]*$'"],
    ),
    "item file is a mapping": (
        [Edit(FINAL, None, "id: q1\n")],
        ["mini-course/items/final.yaml:1: (file): {'id': 'q1'} is not of type 'array'"],
    ),
    "item without id": (
        [Edit(FINAL, "- id: q2\n  type: single", "- type: single")],
        ["mini-course/items/final.yaml:13: 1: 'id' is a required property"],
    ),
    "item type": (
        [Edit(FINAL, "type: single", "type: essay")],
        ["mini-course/items/final.yaml:2: 0.type: 'essay' is not one of ['single', 'multiple', 'truefalse']"],
    ),
    "item without principles": (
        [Edit(FINAL, "principles: [abstinence]", "principles: []")],
        ["mini-course/items/final.yaml:4: 0.principles: [] should be non-empty"],
    ),
    "one option": (
        [
            Edit(
                FINAL,
                "".join(
                    f'    - {{id: {key}, text: {{de: "Option eins-{key}", en: "Option one-{key}"}}, '
                    'rationale: {de: "Nein.", en: "No."}}\n'
                    for key in "bcde"
                ),
                "",
            )
        ],
        [
            "mini-course/items/final.yaml:7: 0.options: [{'id': 'a', 'correct': True, 'text': {'de': 'Option eins-a', "
            "'en': 'Option one-a'}, 'rationale': {'de': 'Weil.', 'en': 'Because.'}}] is too short"
        ],
    ),
    "scoring": (
        [Edit(FINAL, "type: single", "type: multiple\n  scoring: most")],
        ["mini-course/items/final.yaml:3: 0.scoring: 'most' is not one of ['all_or_nothing', 'partial']"],
    ),
    "module as a list": (
        [Edit(TWO, None, "- slug: two\n")],
        ["mini-course/modules/02-two.yaml:1: (file): [{'slug': 'two'}] is not of type 'object'"],
    ),
    "minutes zero": (
        [Edit(TWO, "minutes: 95", "minutes: 0")],
        ["mini-course/modules/02-two.yaml:2: minutes: 0 is less than the minimum of 1"],
    ),
    "module without steps": (
        [Edit(TWO, None, 'slug: two\nminutes: 45\ntitle: {de: "Zwei", en: "Two"}\nsteps: []\n')],
        ["mini-course/modules/02-two.yaml:4: steps: [] should be non-empty"],
    ),
    "step kind": (
        [Edit(TWO, "kind: reflection", "kind: quiz")],
        [
            "mini-course/modules/02-two.yaml:10: steps.1.kind: 'quiz' is not one of "
            "['text', 'media', 'vignette', 'reflection', 'check']"
        ],
    ),
    "step slug pattern": (
        [Edit(TWO, "slug: reflect", "slug: Reflect")],
        ["mini-course/modules/02-two.yaml:11: steps.1.slug: 'Reflect' does not match '^[a-z0-9][a-z0-9-]*$'"],
    ),
    "check without items": (
        [Edit(ONE, "items: [one-c1]", "items: []")],
        ["mini-course/modules/01-one.yaml:47: steps.2.items: [] should be non-empty"],
    ),
    "text without body": (
        [Edit(TWO, '    body: {de: "Text über Autonomie.", en: "Text about autonomy."}\n', "")],
        ["mini-course/modules/02-two.yaml:6: steps.0: 'body' is a required property"],
    ),
    "vignette with one node": (
        [
            Edit(
                TWO,
                "  - kind: reflection",
                "  - kind: vignette\n    slug: v\n    title: {de: V, en: V}\n    start: a\n"
                "    nodes: {a: {type: debrief, text: {de: A, en: A}}}\n  - kind: reflection",
            )
        ],
        [
            "mini-course/modules/02-two.yaml:14: steps.1.nodes: {'a': {'type': 'debrief', 'text': {'de': 'A', "
            "'en': 'A'}}} does not have enough properties"
        ],
    ),
    "vignette node type": (
        [Edit(ONE, "type: narrative", "type: story")],
        [
            "mini-course/modules/01-one.yaml:18: steps.1.nodes.intro.type: 'story' is not one of "
            "['narrative', 'decision', 'consequence', 'debrief']"
        ],
    ),
    "vignette option without feedback": (
        [Edit(ONE, '            feedback: {de: "Das verletzt die Abstinenz.", en: "This breaches abstinence."}\n', "")],
        ["mini-course/modules/01-one.yaml:25: steps.1.nodes.decide.options.0: 'feedback' is a required property"],
    ),
    "vignette condition": (
        [Edit(ONE, "{when: {chose: decide.accept}", "{when: {picked: decide.accept}")],
        [
            "mini-course/modules/01-one.yaml:39: steps.1.nodes.after.next: [{'when': {'picked': 'decide.accept'}, "
            "'to': 'debrief-accept'}, {'to': 'debrief-decline'}] is not valid under any of the given schemas"
        ],
    ),
    "vnr digits": (
        [Edit("course.yaml", '"2760012024200355009"', '"276001202420035500"')],
        ["mini-course/course.yaml:12: accreditations.0.vnr: '276001202420035500' does not match '^([0-9]{19})?$'"],
    ),
    "pass mark": (
        [Edit("course.yaml", "pass_mark: 70", "pass_mark: 101")],
        ["mini-course/course.yaml:13: accreditations.0.pass_mark: 101 is greater than the maximum of 100"],
    ),
    "accreditation without draw": (
        [Edit("course.yaml", "    draw: 2\n", "")],
        ["mini-course/course.yaml:8: accreditations.0: 'draw' is a required property"],
    ),
    "blueprint as a list": (
        [Edit("course.yaml", "blueprint: {one: 1, two: 1}", "blueprint: [one, two]")],
        ["mini-course/course.yaml:16: accreditations.0.blueprint: ['one', 'two'] is not of type 'object'"],
    ),
    # Rules that need the whole package
    "summary missing": (
        [Edit("course.yaml", 'summary: {de: "Ein kleiner Testkurs.", en: "A small test course."}\n', "")],
        ["mini-course/course.yaml:1: course: 'summary' is missing"],
    ),
    "translation missing": (
        [Edit("course.yaml", 'title: {de: "Minikurs", en: "Mini course"}', 'title: {de: "Minikurs"}')],
        ["mini-course/course.yaml:3: course: 'title' has no 'en' translation"],
    ),
    "blank translation": (
        [Edit("course.yaml", 'en: "Mini course"', 'en: "  "')],
        ["mini-course/course.yaml:3: course: 'title' has no 'en' translation"],
    ),
    "language the course does not list": (
        [Edit("course.yaml", 'en: "Mini course"}', 'en: "Mini course", fr: "Mini cours"}')],
        ["mini-course/course.yaml:3: course: 'title' has a text in 'fr', which the course does not list"],
    ),
    "qualification translation": (
        [Edit("course.yaml", ', en: "Psychotherapist"', "")],
        ["mini-course/course.yaml:5: scientific_lead: 'qualification' has no 'en' translation"],
    ),
    "reference key twice, citation unknown": (
        [
            Edit(
                "course.yaml",
                "sequential: true",
                "sequential: true\nreferences:\n  - {key: ab, text: A}\n  - {key: ab, text: B}",
            ),
            Edit(TWO, 'en: "Text about autonomy."', 'en: "Text about autonomy [ab] [cd]."'),
        ],
        [
            "mini-course/course.yaml:9: reference key 'ab' is defined twice",
            "mini-course/modules/02-two.yaml:6: step 'text' cites [cd], which course.yaml's references do not define",
        ],
    ),
    "principle twice": (
        [Edit("principles.yaml", "slug: autonomy", "slug: abstinence")],
        [
            "mini-course/principles.yaml:4: principle 'abstinence' is defined twice",
            "mini-course/modules/01-one.yaml:21: vignette 'follow' node 'decide': option 'decline': "
            "unknown principle 'autonomy'",
            "mini-course/items/final.yaml:16: item 'q2': unknown principle 'autonomy'",
        ],
    ),
    "principle translation": (
        [Edit("principles.yaml", ', en: "Autonomy"', "")],
        ["mini-course/principles.yaml:5: principle 'autonomy': 'name' has no 'en' translation"],
    ),
    "objectives translation": (
        [Edit(ONE, 'en: ["Be able to do something"]', "en: []")],
        [
            "mini-course/modules/01-one.yaml:4: module 'one': 'objectives' has no 'en' translation",
            "mini-course/modules/01-one.yaml:4: module 'one': 'objectives' differs in length between languages "
            "({'de': 1, 'en': 0})",
        ],
    ),
    "module slug twice": (
        [Edit(TWO, "slug: two\n", "slug: one\n")],
        [
            "mini-course/modules/02-two.yaml:1: module slug 'one' is used by another module",
            "mini-course/course.yaml:16: accreditation 'de-d': blueprint names unknown module 'two'",
            "mini-course/items/final.yaml:15: item 'q2': module 'two' does not exist",
        ],
    ),
    "no modules": (
        [Edit(ONE, None, None), Edit(TWO, None, None)],
        [
            "mini-course/course.yaml:1: the package has no modules (modules/*.yaml)",
            "mini-course/course.yaml:16: accreditation 'de-d': blueprint names unknown module 'one'",
            "mini-course/course.yaml:16: accreditation 'de-d': blueprint names unknown module 'two'",
            "mini-course/course.yaml:11: accreditation 'de-d': the content takes an estimated 0 minutes, "
            "0 full 45-minute units, so at most 0 points, not 2",
            "mini-course/items/final.yaml:3: item 'q1': module 'one' does not exist",
            "mini-course/items/final.yaml:15: item 'q2': module 'two' does not exist",
        ],
    ),
    "step slug twice": (
        [Edit(TWO, "slug: reflect", "slug: text")],
        ["mini-course/modules/02-two.yaml:11: step slug 'text' is used twice in this module"],
    ),
    "check names a foreign item": (
        [Edit(ONE, "items: [one-c1]", "items: [one-c1, q1]")],
        ["mini-course/modules/01-one.yaml:47: step 'check': item 'q1' is not defined in this module's items"],
    ),
    "reflection translation": (
        [Edit(TWO, 'en: "How do you handle it?"', 'en: ""')],
        [
            "mini-course/modules/02-two.yaml:12: steps.1.prompt.en: '' should be non-empty",
        ],
    ),
    "vignette label translation": (
        [
            Edit(
                ONE,
                'label: {de: "Annehmen und weiterposten", en: "Accept and keep posting"}',
                'label: {de: "Annehmen"}',
            )
        ],
        [
            "mini-course/modules/01-one.yaml:26: vignette 'follow' node 'decide' option 'accept': "
            "'label' has no 'en' translation"
        ],
    ),
    "vignette node principle": (
        [Edit(ONE, "principles: [abstinence, autonomy]", "principles: [abstinence, vanity]")],
        [
            "mini-course/modules/01-one.yaml:21: vignette 'follow' node 'decide': option 'decline': "
            "unknown principle 'vanity'"
        ],
    ),
    "item id twice": (
        [Edit(FINAL, "- id: q2", "- id: one-c1")],
        ["mini-course/items/final.yaml:13: item id 'one-c1' is used twice (also in 01-one.yaml)"],
    ),
    "item principle unknown": (
        [Edit(FINAL, "principles: [autonomy]", "principles: [vanity]")],
        ["mini-course/items/final.yaml:16: item 'q2': unknown principle 'vanity'"],
    ),
    "stem translation": (
        [Edit(FINAL, 'stem: {de: "Frage eins?", en: "Question one?"}', 'stem: {de: "Frage eins?"}')],
        ["mini-course/items/final.yaml:6: item 'q1': 'stem' has no 'en' translation"],
    ),
    "option ids repeat": (
        [Edit(FINAL, '- {id: b, text: {de: "Option eins-b"', '- {id: a, text: {de: "Option eins-b"')],
        ["mini-course/items/final.yaml:7: item 'q1': option ids repeat"],
    ),
    "single with two correct": (
        [Edit(FINAL, '- {id: b, text: {de: "Option eins-b"', '- {id: b, correct: true, text: {de: "Option eins-b"')],
        ["mini-course/items/final.yaml:7: item 'q1': a single item has exactly one correct option, this one has 2"],
    ),
    "multiple with none correct": (
        [Edit(FINAL, "type: single", "type: multiple"), Edit(FINAL, "{id: a, correct: true, ", "{id: a, ")],
        ["mini-course/items/final.yaml:7: item 'q1': mark at least one option correct"],
    ),
    "option rationale translation": (
        [Edit(FINAL, 'rationale: {de: "Nein.", en: "No."}}', 'rationale: {de: "Nein."}}')],
        ["mini-course/items/final.yaml:9: item 'q1' option 'b': 'rationale' has no 'en' translation"],
    ),
    "item module unknown": (
        [Edit(FINAL, "module: two", "module: three")],
        [
            "mini-course/items/final.yaml:15: item 'q2': module 'three' does not exist",
            "mini-course/course.yaml:16: accreditation 'de-d': blueprint draws 1 items from 'two', "
            "but the bank has only 0",
        ],
    ),
    "case": (
        [
            Edit(
                "items/cases.yaml",
                None,
                "- case: c\n  module: two\n  vignette: {de: Fall}\n  items:\n"
                "    - {id: c1, module: one, principles: [autonomy], difficulty: easy, stem: {de: A, en: A},\n"
                "       options: [{id: a, correct: true, text: {de: A, en: A}, rationale: {de: A, en: A}},\n"
                "                 {id: b, text: {de: B, en: B}, rationale: {de: B, en: B}}]}\n"
                "    - {id: c2, principles: [autonomy], difficulty: easy, stem: {de: A, en: A},\n"
                "       options: [{id: a, correct: true, text: {de: A, en: A}, rationale: {de: A, en: A}},\n"
                "                 {id: b, text: {de: B, en: B}, rationale: {de: B, en: B}}]}\n",
            )
        ],
        [
            "mini-course/items/cases.yaml:3: case 'c': 'vignette' has no 'en' translation",
            "mini-course/items/cases.yaml:5: case 'c': all items share its module",
        ],
    ),
    "case id twice": (
        [
            Edit(
                "items/cases.yaml",
                None,
                CASE_SET.format(case="c") + CASE_SET.format(case="c").replace("id: c", "id: d"),
            )
        ],
        ["mini-course/items/cases.yaml:11: case id 'c' is used twice"],
    ),
    "accreditation key twice": (
        [
            Edit(
                "course.yaml",
                "  - key: de-d\n",
                "  - key: de-d\n    body: B\n    points: 2\n    pass_mark: 70\n"
                "    draw: 2\n    blueprint: {one: 1, two: 1}\n  - key: de-d\n",
            )
        ],
        ["mini-course/course.yaml:14: accreditation 'de-d': key is used twice"],
    ),
    "wording translation": (
        [Edit("course.yaml", ', en: "Counts with 2 points."', "")],
        ["mini-course/course.yaml:17: accreditation 'de-d': 'wording' has no 'en' translation"],
    ),
    "hours": (
        [Edit("course.yaml", "    points: 2\n", "    unit: hour\n    points: 2\n")],
        [
            "mini-course/course.yaml:12: accreditation 'de-d': the content takes an estimated 99 minutes, "
            "which cannot earn 2 hours"
        ],
    ),
    "blueprint sum": (
        [Edit("course.yaml", "draw: 2", "draw: 1")],
        ["mini-course/course.yaml:16: accreditation 'de-d': the blueprint draws 2 items, but draw is 1"],
    ),
    "principle quota short": (
        [Edit("course.yaml", "    wording:", "    principle_quotas: {autonomy: 2}\n    wording:")],
        ["mini-course/course.yaml:17: accreditation 'de-d': at least 2 items about 'autonomy' wanted, the bank has 1"],
    ),
    "principle quotas exceed the draw": (
        [Edit("course.yaml", "    wording:", "    principle_quotas: {autonomy: 1, abstinence: 2}\n    wording:")],
        [
            "mini-course/course.yaml:17: accreditation 'de-d': at least 2 items about 'abstinence' wanted, "
            "the bank has 1",
            "mini-course/course.yaml:17: accreditation 'de-d': principle quotas exceed the draw",
        ],
    ),
    "image and video": (
        [
            Edit("media/feed.png", None, "png"),
            Edit("media/clip.mp4", None, "mp4"),
            media(
                "    image: media/feed.png\n    alt: {de: Bild, en: Picture}\n    video: media/clip.mp4\n"
                "    transcript: {de: T, en: T}\n"
            ),
        ],
        ["mini-course/modules/02-two.yaml:10: step 'pic': a media step shows either an 'image' or a 'video'"],
    ),
    "media file missing, outside, wrong kind": (
        [
            Edit("media/clip.txt", None, "txt"),
            media("    video: media/clip.txt\n    captions: {de: ../../outside.vtt, fr: media/none.vtt}\n"),
        ],
        [
            "mini-course/modules/02-two.yaml:13: step 'pic': 'media/clip.txt' is not a video (.mp4, .webm)",
            "mini-course/modules/02-two.yaml:14: step 'pic': captions file '../../outside.vtt' must be a relative path "
            "inside the package (no '..', no '/')",
            "mini-course/modules/02-two.yaml:14: step 'pic': captions in 'fr', not a course language",
            "mini-course/modules/02-two.yaml:14: step 'pic': captions file 'media/none.vtt' does not exist",
        ],
    ),
    "video without captions, transcript translation": (
        [Edit("media/clip.webm", None, "webm"), media("    video: media/clip.webm\n    transcript: {de: T}\n")],
        ["mini-course/modules/02-two.yaml:14: step 'pic': 'transcript' has no 'en' translation"],
    ),
    "take-away names": (
        [Edit("takeaways/list.de.md", None, "# Liste"), Edit("takeaways/list.md", None, "# List")],
        [
            "mini-course/takeaways/list.md:1: take-away file names end in .<language>.md (de, en)",
            "mini-course/takeaways/list.de.md:1: take-away 'list' has no 'en' version",
        ],
    ),
}


def apply(root: Path, edit: Edit) -> None:
    path = root / edit.path
    if edit.new is None:
        path.unlink()
    elif edit.old is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = edit.new.encode("latin-1") if "\xe9" in edit.new else edit.new.encode()
        path.write_bytes(data)
    else:
        text = path.read_text(encoding="utf-8")
        assert edit.old in text, f"{edit.old!r} not in {edit.path}"
        path.write_text(text.replace(edit.old, edit.new, 1), encoding="utf-8")


@pytest.mark.parametrize(("edits", "expected"), CASES.values(), ids=CASES.keys())
def test_rule(tmp_path: Path, edits: list[Edit], expected: list[str]) -> None:
    root = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, root)
    for edit in edits:
        apply(root, edit)
    with pytest.raises(InvalidPackage) as excinfo:
        read_package(root)
    assert sorted(str(e) for e in excinfo.value.errors) == sorted(expected)


def test_the_unchanged_mini_course_is_valid() -> None:
    """The rows above start from a package with no errors."""
    assert read_package(MINI_COURSE).content_hash
