"""Course packages: strict validation with file:line errors, nothing written on error, idempotent import."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.models import Course, CourseVersion, Step
from courses.packages.errors import InvalidPackage
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from quizzes.models import Item
from tests.conftest import MINI_COURSE

FLAGSHIP = Path(__file__).resolve().parents[2] / "content" / "social-media-presence"


@pytest.fixture
def package_dir(tmp_path) -> Path:
    target = tmp_path / "mini-course"
    shutil.copytree(MINI_COURSE, target)
    return target


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if fragment in line)


def errors_for(package_dir: Path) -> list[str]:
    with pytest.raises(InvalidPackage) as excinfo:
        read_package(package_dir)
    return [str(e) for e in excinfo.value.errors]


@pytest.mark.django_db
def test_import_is_idempotent(package_dir, capsys):
    """Importing the same package twice creates one version and says so the second time."""
    call_command("import_course", str(package_dir))
    call_command("import_course", str(package_dir))
    assert "unchanged" in capsys.readouterr().out
    assert CourseVersion.objects.count() == 1
    assert Item.objects.count() == 2


@pytest.mark.django_db
def test_changed_content_creates_a_new_version(package_dir):
    """A content change makes version 2; version 1 and its steps stay as they were."""
    import_package(read_package(package_dir))
    replace(package_dir / "modules" / "02-two.yaml", "Text über Autonomie.", "Neuer Text über Autonomie.")
    result = import_package(read_package(package_dir))
    assert result.version.number == 2
    old = Step.objects.get(module__version__number=1, slug="text")
    assert old.data["body"]["de"] == "Text über Autonomie."


@pytest.mark.django_db
def test_check_writes_nothing(package_dir, capsys):
    """--check validates only."""
    call_command("import_course", str(package_dir), "--check")
    assert "valid" in capsys.readouterr().out
    assert not Course.objects.exists()


def test_yaml_syntax_error_has_file_and_line(package_dir):
    """A YAML syntax error points at its line."""
    path = package_dir / "modules" / "02-two.yaml"
    replace(path, "minutes: 95", "minutes: [95")
    errors = errors_for(package_dir)
    assert any(e.startswith("mini-course/modules/02-two.yaml:") and "YAML syntax" in e for e in errors), errors


def test_missing_translation(package_dir):
    """A text without its English version is reported on its line."""
    path = package_dir / "modules" / "02-two.yaml"
    replace(
        path, 'body: {de: "Text über Autonomie.", en: "Text about autonomy."}', 'body: {de: "Text über Autonomie."}'
    )
    errors = errors_for(package_dir)
    expected = f"mini-course/modules/02-two.yaml:{line_of(path, 'body:')}: step 'text': 'body' has no 'en' translation"
    assert expected in errors, errors


def test_dangling_reference(package_dir):
    """An option leading to a node that does not exist names the vignette and node."""
    path = package_dir / "modules" / "01-one.yaml"
    replace(path, "next: after\n", "next: afterwards\n")
    errors = errors_for(package_dir)
    line = line_of(path, "decide:")
    assert (
        f"mini-course/modules/01-one.yaml:{line}: vignette 'follow' node 'decide': "
        "option 'accept' leads to missing node 'afterwards'" in errors
    )


def test_unreachable_node(package_dir):
    """A node no path reaches is reported."""
    path = package_dir / "modules" / "01-one.yaml"
    replace(
        path, "      debrief-accept:", '      lost: {type: debrief, text: {de: "x", en: "x"}}\n      debrief-accept:'
    )
    errors = errors_for(package_dir)
    assert (
        f"mini-course/modules/01-one.yaml:{line_of(path, 'lost:')}: "
        "vignette 'follow' node 'lost': node is not reachable from the start" in errors
    )


def test_too_few_items_for_blueprint(package_dir):
    """A blueprint the bank cannot satisfy is refused."""
    path = package_dir / "course.yaml"
    replace(path, "draw: 2", "draw: 3")
    replace(path, "blueprint: {one: 1, two: 1}", "blueprint: {one: 2, two: 1}")
    errors = errors_for(package_dir)
    assert any(f"course.yaml:{line_of(path, 'blueprint:')}: " in e and "the bank has only 1" in e for e in errors), (
        errors
    )


def test_points_must_match_units(package_dir):
    """Points follow full 45-minute units of the computed time; leftover minutes never count."""
    path = package_dir / "modules" / "02-two.yaml"
    replace(path, "minutes: 95\n", "")
    replace(path, "duration_seconds: 5400", "duration_seconds: 4800")  # 80 + 5 + 4 minutes: 89
    errors = errors_for(package_dir)
    assert errors == [
        f"mini-course/course.yaml:{line_of(package_dir / 'course.yaml', 'points:')}: accreditation 'de-d': "
        "the content takes an estimated 89 minutes, 1 full 45-minute units, so at most 1 points, not 2"
    ]


def test_image_without_alt_text(package_dir):
    """A media step needs alt text in both languages and an existing file."""
    (package_dir / "media").mkdir(exist_ok=True)
    (package_dir / "media" / "feed.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    path = package_dir / "modules" / "02-two.yaml"
    replace(
        path,
        "  - kind: reflection",
        '  - kind: media\n    slug: pic\n    title: {de: "Bild", en: "Picture"}\n'
        "    image: media/feed.png\n  - kind: reflection",
    )
    errors = errors_for(package_dir)
    line = line_of(path, "slug: pic") - 1
    assert f"mini-course/modules/02-two.yaml:{line}: step 'pic' (alt text): 'alt' is missing" in errors


@pytest.mark.django_db
def test_broken_package_leaves_database_untouched(package_dir):
    """The command exits with an error and writes nothing."""
    replace(package_dir / "modules" / "01-one.yaml", "next: after\n", "next: afterwards\n")
    with pytest.raises(CommandError):
        call_command("import_course", str(package_dir))
    assert not Course.objects.exists()
    assert not Item.objects.exists()


@pytest.mark.skipif(not (FLAGSHIP / "modules").is_dir(), reason="flagship package not present")
def test_flagship_package_is_valid():
    """The shipped flagship course passes every rule of the validator."""
    package = read_package(FLAGSHIP)
    assert len(package.modules) == 8


@pytest.mark.django_db
@pytest.mark.parametrize("source", [MINI_COURSE, FLAGSHIP], ids=["mini", "flagship"])
def test_export_round_trips(source, tmp_path, capsys):
    """import → export → import is a no-op: the exported package has the same content hash."""
    first = import_package(read_package(source))
    target = tmp_path / "exported"
    call_command("export_course", first.version.course.slug, str(target))
    again = read_package(target)
    assert again.content_hash == first.version.content_hash
    second = import_package(again)
    assert second.created is False
    assert second.version.pk == first.version.pk
