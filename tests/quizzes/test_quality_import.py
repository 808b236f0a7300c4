"""
The item-quality checker inside the package import: the flagship passes it, a cued copy of its bank is refused
with file:line per item and the strategy pass rates, and thresholds are checked like any other package field.
"""

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.models import Course
from courses.packages.errors import InvalidPackage
from courses.packages.reading import read_package
from quizzes import quality
from quizzes.quality.package import read_sources
from tests.conftest import MINI_COURSE

FLAGSHIP = Path(__file__).resolve().parents[2] / "content" / "social-media-presence"
KEY_PREFIX = {"de": "Nach sorgfältiger Abwägung aller Umstände: ", "en": "After careful weighing of all the facts: "}


@pytest.fixture(scope="module")
def flagship_report():
    sources = read_sources(FLAGSHIP)
    report = quality.check(
        sources.final,
        practice=sources.practice,
        decisions=sources.decisions,
        profiles=sources.profiles,
        languages=sources.languages,
    )
    return sources, report


def test_flagship_bank_passes_every_profile(flagship_report):
    """No refusal; every strategy below 5 % in every profile and language; the key longest in at most 40 %."""
    _sources, report = flagship_report
    assert not report.refusals, [str(f) for f in report.refusals]
    assert {r.profile for r in report.results} == {"de-kategorie-d", "us-ce-hours"}
    assert {r.language for r in report.results} == {"de", "en"}
    assert all(r.pass_rate < 0.05 for r in report.results), [
        (r.profile, r.language, r.strategy.name, r.pass_rate) for r in report.results if r.pass_rate >= 0.05
    ]
    assert all(share <= 0.40 for share in report.summary.key_longest.values())
    final_warnings = [f for f in report.warnings if "/items/" in f.file]
    assert len(final_warnings) <= 5, [str(f) for f in final_warnings]


def test_flagship_bank_shape(flagship_report):
    """At least 80 items and 8 per module, two-thirds case-based, balanced true/false keys, varied multiple response."""
    sources, report = flagship_report
    final = sources.final
    assert len(final) >= 80
    per_module = Counter(item.module for item in final)
    assert min(per_module.values()) >= 8, per_module
    forms = Counter(
        match.group(1)
        for path in sorted((FLAGSHIP / "items").glob("final-0*.yaml"))
        for match in re.finditer(r"^- id: \S+  # (case|recall)$", path.read_text(), re.MULTILINE)
    )
    assert forms["case"] >= 2 * (forms["case"] + forms["recall"]) / 3, forms
    assert report.summary.true_false["true"] == report.summary.true_false["false"]
    assert len(report.summary.multiple_keys) >= 3 and set(report.summary.scoring) == {"partial"}
    assert all(len(o.text["de"]) and len(o.text["en"]) for item in final for o in item.options)


def lengthen_keys(package: Path) -> None:
    """Put a long clause in front of every key of the final bank (both languages): the cue a test-wise learner uses."""
    for path in sorted((package / "items").glob("*.yaml")):
        lines, out, in_key, in_text = path.read_text().splitlines(keepends=True), [], False, False
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("- id:"):
                in_key = in_text = False
            if stripped == "correct: true":
                in_key = True
            elif stripped == "correct: false":
                in_key = False
            if in_key and stripped == "text:":
                in_text = True
            elif in_key and in_text and stripped.startswith(('de: "', 'en: "')):
                language = stripped[:2]
                line = line.replace(f'{language}: "', f'{language}: "{KEY_PREFIX[language]}', 1)
            elif stripped == "rationale:":
                in_text = False
            out.append(line)
        path.write_text("".join(out))


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if fragment in line)


@pytest.mark.django_db
def test_cued_copy_of_the_bank_is_refused_with_file_line_and_writes_nothing(tmp_path, capsys):
    """Lengthen every key: --check and the import both fail, per item with file:line, and nothing is written."""
    package = tmp_path / "social-media-presence"
    shutil.copytree(FLAGSHIP, package)
    lengthen_keys(package)
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_course", str(package), "--check")
    errors = capsys.readouterr().err
    first_file = package / "items" / "final-01-motives-and-landscape.yaml"
    expected = (
        f"social-media-presence/items/final-01-motives-and-landscape.yaml:{line_of(first_file, '- id: m1-f01')}: "
    )
    assert expected + "final item 'm1-f01' is answered right without the content by: longest (de)" in errors
    assert re.search(
        r"course\.yaml:\d+: accreditation 'de-kategorie-d': the test-wise strategy longest .* passes", errors
    )
    assert re.search(r"the key is the longest option in 100% of the \d+ single-best items \(de\)", errors)
    assert "test-wise strategies" in errors and "combined" in errors  # the pass-rate table
    with pytest.raises(CommandError):
        call_command("import_course", str(package))
    assert not Course.objects.exists()


def set_quality(package: Path, text: str) -> Path:
    course = package / "course.yaml"
    course.write_text(course.read_text().replace("    wording:", f"    quality: {text}\n    wording:", 1))
    return course


@pytest.mark.parametrize(
    ("quality_text", "message"),
    [
        ("{pass_rate_limit: 0.02}", "unknown quality threshold 'pass_rate_limit'"),
        ("{key_longest_share_max: 0.6}", "outside its range 0 to 0.4 (it may only be tightened)"),
        ("{strategy_draws: 5}", "quality threshold 'strategy_draws' is 5, outside its range 100 to 20000"),
    ],
)
def test_bad_thresholds_are_errors_at_their_line(tmp_path, quality_text, message):
    """An unknown threshold name or an out-of-range value is an error with file:line, not ignored."""
    package = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, package)
    course = set_quality(package, quality_text)
    with pytest.raises(InvalidPackage) as excinfo:
        read_package(package)
    (error,) = [str(e) for e in excinfo.value.errors]
    assert error.startswith(f"mini-course/course.yaml:{line_of(course, 'quality:')}: accreditation 'de-d': ")
    assert message in error


def test_a_profile_can_tighten_the_strategy_limit(tmp_path):
    """The mini course passes the 5 % default (blind guessing passes about 4 %), not a chamber's 1 %."""
    package = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, package)
    assert read_package(package).report
    set_quality(package, "{strategy_pass_rate_max: 0.01}")
    with pytest.raises(InvalidPackage) as excinfo:
        read_package(package)
    assert any(
        "the test-wise strategy guessing" in str(e) and "the limit is 1%" in str(e) for e in excinfo.value.errors
    )


def test_check_prints_the_report(capsys):
    """--check prints the bank by module and type, the key figures and every strategy's pass rate."""
    call_command("import_course", str(MINI_COURSE), "--check")
    out = capsys.readouterr().out
    assert "Item quality" in out and "key is the longest option in 0.0% (de)" in out
    assert re.search(r"guessing\s+\d+\.\d%", out) and "valid (2 modules, 2 bank items" in out
