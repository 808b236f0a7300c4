"""
The package rules of issue 14: computed learner time, sources, sign-off, terminology and mock-ups.

Each test changes a copy of the mini course and asserts the exact ``file:line: message`` (errors) or the
warning the validator leaves.
"""

import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from courses.models import Accreditation, CourseVersion
from courses.packages import timing
from courses.packages.errors import InvalidPackage
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from tests.conftest import MINI_COURSE

TWO = "modules/02-two.yaml"
REFERENCE = "sequential: true\nreferences:\n"
MOCKUP_NODE = (
    "        mockup:\n          kind: {kind}\n          label: {{de: Nachbildung, en: Mock-up}}\n"
    '          entries:\n            - author: "{author}"\n              text: {{de: "{text}", en: "{text}"}}\n'
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, target)
    return target


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1))


def line_of(root: Path, relative: str, fragment: str) -> int:
    lines = (root / relative).read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if fragment in line)


def errors(root: Path, **kwargs: object) -> list[str]:
    with pytest.raises(InvalidPackage) as excinfo:
        read_package(root, **kwargs)
    return [str(e) for e in excinfo.value.errors]


def warnings(root: Path) -> list[str]:
    return [str(w) for w in read_package(root).warnings]


# The time model ------------------------------------------------------------------------------------------


def test_words_leave_out_citations_and_link_targets():
    assert timing.count_words("Siehe [mbo] und [die Quelle](https://example.org/a-b-c).") == 4
    assert timing.count_words("Kinder- und Jugendlichenpsychotherapeut, § 5 DDG, e-mail") == 6


def test_estimate_of_the_mini_course_is_its_reading_and_allowances():
    """Module one: 54 English words (238 wpm), one decision, two answered items: 12 + 60 + 120 seconds → 4 min.

    Module two: a 90-minute video, a reflection (4 min) and its words → 95 min. German reads at 238 × de/en words.
    """
    package = read_package(MINI_COURSE)
    estimate = timing.estimate(package.modules, ["de", "en"])
    assert estimate.rates["en"] == 238
    assert estimate.rates["de"] == pytest.approx(238 * 62 / 64)
    one = estimate.tallies["one"]["en"]
    assert (one.words, one.decisions, one.items, one.reflections) == (54, 1, 2, 0)
    assert [m["minutes"] for m in package.modules] == [4, 95]


def test_vignette_time_is_the_average_over_its_playthroughs():
    """Two paths of 1 and 2 decisions: 1.5 decisions on average; words of the chosen feedback only."""
    node = {"de": "x", "en": "a b"}
    step = {
        "kind": "vignette",
        "slug": "v",
        "start": "d1",
        "nodes": {
            "d1": {
                "type": "decision",
                "text": node,
                "options": [
                    {"id": "a", "label": node, "feedback": {"en": "one two three four"}, "next": "end"},
                    {"id": "b", "label": node, "feedback": {"en": "one"}, "next": "d2"},
                ],
            },
            "d2": {
                "type": "decision",
                "text": node,
                "options": [
                    {"id": "c", "label": node, "feedback": node, "next": "end"},
                    {"id": "d", "label": node, "feedback": node, "next": "end"},
                ],
            },
            "end": {"type": "debrief", "text": node},
        },
    }
    tally = timing.vignette_tally(step, {}, "en")
    assert tally.decisions == pytest.approx((1 + 2 + 2) / 3)
    # path a: 2 + 4 + 4 + 2 = 12; paths b-c and b-d: 2 + 4 + 1 + 2 + 4 + 2 + 2 = 17
    assert tally.words == pytest.approx((12 + 17 + 17) / 3)


def test_stated_minutes_above_the_estimate_are_refused(root):
    edit(root, TWO, "minutes: 95", "minutes: 120")
    assert errors(root) == [
        f"mini-course/{TWO}:2: module 'two' states 120 minutes, but its content takes an estimated 95 "
        "(reading at de 231, en 238 words per minute, plus allowances; docs/course-package.md); "
        "add content or state fewer minutes"
    ]


def test_stated_minutes_are_optional_and_the_estimate_is_stored(root):
    edit(root, TWO, "minutes: 95\n", "")
    assert [m["minutes"] for m in read_package(root).modules] == [4, 95]


def test_video_without_duration_counts_nothing_and_warns(root):
    edit(root, TWO, "    duration_seconds: 5400\n", "")
    edit(root, "course.yaml", "    points: 2\n", "    points: 0.1\n    unit: hour\n")
    edit(root, TWO, "minutes: 95\n", "")
    package = read_package(root)
    assert package.modules[1]["minutes"] == 5
    assert [str(w) for w in package.warnings] == [
        f"mini-course/{TWO}:1: step 'lecture': the video has no duration_seconds, so it adds nothing to the "
        "time estimate"
    ]


@pytest.mark.django_db
def test_course_page_shows_the_estimate(client):
    version = import_package(read_package(MINI_COURSE)).version
    assert version.minutes == 99
    page = client.get(version.course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "about 99 minutes" in page


# Sources -------------------------------------------------------------------------------------------------


def test_aggregator_copies_are_refused(root):
    edit(
        root,
        "course.yaml",
        "sequential: true\n",
        REFERENCE + '  - {key: copy, kind: study, text: "A study", url: "https://de.scribd.com/document/1/x"}\n',
    )
    assert errors(root) == [
        "mini-course/course.yaml:8: reference 'copy': de.scribd.com re-hosts copies of documents; "
        "cite the publisher, the DOI or the official text"
    ]


def test_kinds_need_their_citation_fields(root):
    edit(
        root,
        "course.yaml",
        "sequential: true\n",
        REFERENCE + '  - {key: law, kind: statute, law: DDG, text: "Digitale-Dienste-Gesetz"}\n'
        '  - {key: ruling, kind: decision, court: BGH, date: "2022-08-09", text: "Urteil"}\n'
        '  - {key: code, kind: code, text: "A code"}\n',
    )
    assert errors(root) == [
        "mini-course/course.yaml:8: references.0: 'paragraph' is a required property",
        "mini-course/course.yaml:8: references.0: 'version' is a required property",
        "mini-course/course.yaml:9: references.1: 'file_number' is a required property",
        "mini-course/course.yaml:10: references.2: 'issuer' is a required property",
    ]


def test_sources_without_doi_or_official_address_warn(root):
    edit(
        root,
        "course.yaml",
        "sequential: true\n",
        REFERENCE + '  - {key: blog, text: "A blog post", url: "https://example.org/post"}\n'
        '  - {key: study, kind: study, text: "A study", doi: "10.1037/a0029958"}\n'
        '  - {key: chamber, kind: report, issuer: "LPK", text: "Merkblatt", url: "https://www.lpk-bw.de/x"}\n'
        '  - {key: ruling, kind: decision, court: BGH, date: "2022-08-09", file_number: "VI ZR 1244/20",'
        ' text: "Urteil"}\n'
        '  - {key: fed, kind: report, issuer: HHS, text: "Settlement", url: "https://www.hhs.gov/x"}\n',
    )
    assert warnings(root) == [
        "mini-course/course.yaml:8: reference 'blog': no DOI and no address on an official host; "
        "add the DOI, or the issuing body's address"
    ]


# Sign-off ------------------------------------------------------------------------------------------------


def test_accredited_course_needs_a_signoff(root):
    text = (root / "course.yaml").read_text()
    (root / "course.yaml").write_text(text[: text.index("signoff:")])
    assert errors(root) == [
        "mini-course/course.yaml:8: accreditation 'de-d': an accredited course needs a 'signoff' block "
        "(authors, interests, neutrality, audience, prerequisites, review dates, versions)"
    ]


def test_overdue_review_refuses_the_profiles(root):
    assert errors(root, today=date(2099, 1, 16)) == [
        "mini-course/course.yaml:8: accreditation 'de-d': the course's review was due on 2099-01-15; "
        "review the content and set signoff.last_review and signoff.next_review"
    ]
    assert read_package(root, today=date(2099, 1, 15)).content_hash


def test_review_dates_and_versions_must_be_consistent(root):
    line = line_of(root, "course.yaml", "next_review")
    edit(root, "course.yaml", 'next_review: "2099-01-15"', 'next_review: "2026-01-15"')
    edit(root, "course.yaml", '{version: "1", date: "2026-01-15"', '{version: "1", date: "2026-02-30"')
    assert errors(root, today=date(2026, 1, 10)) == [
        f"mini-course/course.yaml:{line - 1}: signoff: last_review 2026-01-15 lies in the future",
        f"mini-course/course.yaml:{line}: signoff: next_review must come after last_review",
        f"mini-course/course.yaml:{line + 2}: signoff version '1': date '2026-02-30' is not a calendar date",
    ]


def test_signoff_texts_need_every_language(root):
    edit(root, "course.yaml", 'interests: {de: "Keine.", en: "None."}', 'interests: {de: "Keine."}')
    line = line_of(root, "course.yaml", "interests:")
    assert errors(root) == [
        f"mini-course/course.yaml:{line}: signoff author 'Testredaktion': 'interests' has no 'en' translation"
    ]


@pytest.mark.django_db
def test_signoff_travels_with_the_version_and_back(tmp_path):
    version = import_package(read_package(MINI_COURSE)).version
    assert version.manifest["signoff"]["authors"][0]["name"] == "Testredaktion"
    call_command("export_course", version.course.slug, str(tmp_path / "out"))
    assert read_package(tmp_path / "out").course["signoff"] == version.manifest["signoff"]


# Terminology ---------------------------------------------------------------------------------------------

TERMS = (
    "- term: practice-account\n  use: {de: Praxisaccount, en: practice account}\n"
    "  avoid: {de: [Praxiskonto], en: [practice page]}\n"
    "- term: autonomy\n  principle: autonomy\n  use: {de: Autonomie, en: autonomy}\n"
)


def test_variants_are_refused_in_teaching_text_and_warned_in_items(root):
    (root / "terminology.yaml").write_text(TERMS)
    edit(root, TWO, 'body: {de: "Text über Autonomie."', 'body: {de: "Text über das Praxiskonto."')
    edit(root, "items/final.yaml", 'en: "Option one-b"', 'en: "The practice page"')
    line = line_of(root, TWO, "slug: text") - 1
    assert errors(root) == [
        f"mini-course/{TWO}:{line}: step 'text': 'Praxiskonto' (de) is a variant of term 'practice-account'; "
        "write 'Praxisaccount' (terminology.yaml)"
    ]
    edit(root, TWO, "das Praxiskonto", "den Praxisaccount")
    assert warnings(root) == [
        "mini-course/items/final.yaml:1: item 'q1': 'practice page' (en) is a variant of term 'practice-account'; "
        "write 'practice account' (terminology.yaml)"
    ]


def test_principle_names_follow_the_list(root):
    (root / "terminology.yaml").write_text(TERMS.replace("use: {de: Autonomie", "use: {de: Selbstbestimmung"))
    assert errors(root) == [
        "mini-course/terminology.yaml:5: term 'autonomy': principle 'autonomy' is named 'Autonomie' in 'de'; "
        "the list says 'Selbstbestimmung'"
    ]


def test_takeaways_are_checked_too(root):
    (root / "terminology.yaml").write_text(TERMS)
    (root / "takeaways").mkdir()
    (root / "takeaways" / "list.de.md").write_text("# Liste\n\nIhr Praxiskonto.\n")
    (root / "takeaways" / "list.en.md").write_text("# List\n\nYour practice account.\n")
    assert errors(root) == [
        "mini-course/takeaways/list.de.md:3: list.de.md: 'Praxiskonto' (de) is a variant of term "
        "'practice-account'; write 'Praxisaccount' (terminology.yaml)"
    ]


@pytest.mark.django_db
def test_terminology_is_stored_and_exported(tmp_path, root):
    (root / "terminology.yaml").write_text(TERMS)
    version = import_package(read_package(root)).version
    assert [t["term"] for t in version.terminology] == ["practice-account", "autonomy"]
    call_command("export_course", version.course.slug, str(tmp_path / "out"))
    assert read_package(tmp_path / "out").content_hash == version.content_hash


# Mock-ups ------------------------------------------------------------------------------------------------


def _mockup(root: Path, kind: str, author: str, text: str) -> int:
    edit(
        root,
        "modules/01-one.yaml",
        "        next: decide\n",
        MOCKUP_NODE.format(kind=kind, author=author, text=text) + "        next: decide\n",
    )
    return line_of(root, "modules/01-one.yaml", "- author:")


def test_mockups_name_no_brand(root):
    line = _mockup(root, "post", "@praxis", "Jetzt auch auf TikTok!")
    assert errors(root) == [
        f"mini-course/modules/01-one.yaml:{line + 1}: vignette 'follow' node 'intro' mock-up entry 1: "
        "names the brand 'TikTok'; mock-ups stay neutral"
    ]


def test_reviews_need_a_rating(root):
    line = _mockup(root, "review", "M. B.", "Gut.")
    assert errors(root) == [
        f"mini-course/modules/01-one.yaml:{line}: vignette 'follow' node 'intro' mock-up entry 1: "
        "a review needs its 'rating' (1 to 5 stars)"
    ]


# Minimum active time as a profile policy ----------------------------------------------------------------


@pytest.mark.django_db
def test_min_active_share_is_imported(root):
    edit(root, "course.yaml", "    draw: 2\n", "    min_active_share: 0.5\n    draw: 2\n")
    version: CourseVersion = import_package(read_package(root)).version
    assert str(Accreditation.objects.get(course_version=version).min_active_share) == "0.50"
